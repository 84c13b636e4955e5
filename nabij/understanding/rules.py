"""Rules that sit on top of the trained heads: the high-recall noodkreet layer and fallbacks.

A cry for help must almost never be missed. The trained type head sees the crisis cues
as features, but a model trained on a few hundred examples can still miss a wording it
has not seen, so explicit crisis patterns raise the noodkreet score on their own and the
decision threshold for noodkreet is set far below 0.5 (tuned in `nabij train` for
recall on cross-validated training predictions). The price is precision: some worried or
exhausted messages are flagged as noodkreet and get a human look sooner.
"""

from __future__ import annotations

import numpy as np

from .features import CueHits, CueLexicon
from .labels import EMOTIONS, SENTIMENTS, TYPES, URGENCIES
from .toxicity import ToxicityResult

# Score given by a strong crisis pattern (suicide, domestic violence, acute danger).
STRONG_CRISIS_SCORE = 0.9
# Added per weak crisis cue ("ik kan niet meer", "wanhopig"): pushes, does not decide.
WEAK_CRISIS_BOOST = 0.2
DEFAULT_NOODKREET_THRESHOLD = 0.3


def noodkreet_score(model_score: float, hits: CueHits) -> float:
    """Combine the model's noodkreet score with the crisis rule layer."""
    strong = hits.count("crisis_strong")
    weak = hits.count("crisis_weak")
    score = model_score + WEAK_CRISIS_BOOST * min(weak, 2)
    if strong:
        score = max(score, STRONG_CRISIS_SCORE)
    return float(min(score, 0.99))


def noodkreet_scores(model_scores: np.ndarray, hits: list[CueHits]) -> np.ndarray:
    """Vectorised `noodkreet_score` for training-time threshold tuning."""
    return np.asarray(
        [noodkreet_score(float(s), h) for s, h in zip(model_scores, hits, strict=True)]
    )


def fallback_type_scores(cues: CueLexicon, hits: CueHits, tox: ToxicityResult) -> np.ndarray:
    """Type scores from cues alone, used when no trained model is available."""
    scores = dict.fromkeys(TYPES, 0.05)
    for group in cues.groups:
        count = hits.count(group.name)
        for label in group.supports:
            scores[label] = max(scores[label], 1.0 - 0.55 ** (count + 1) if count else 0.05)
    if tox.categories:
        scores["aanval"] = max(scores["aanval"], tox.score)
    scores["overig"] = 0.35 if max(scores.values()) < 0.4 else 0.1
    return np.asarray([scores[t] for t in TYPES], dtype=np.float32)


def fallback_sentiment(cues: CueLexicon, hits: CueHits, tox: ToxicityResult) -> np.ndarray:
    """Negative/neutral/positive scores from cue polarity."""
    pos = sum(hits.count(g.name) for g in cues.groups if g.polarity > 0)
    neg = sum(hits.count(g.name) for g in cues.groups if g.polarity < 0) + len(tox.categories)
    raw = np.asarray([0.2 + neg, 0.6, 0.2 + pos], dtype=np.float32)
    return raw / raw.sum()


def fallback_emotion(cues: CueLexicon, hits: CueHits) -> np.ndarray:
    """Emotion scores from the emotion cue groups."""
    raw = dict.fromkeys(EMOTIONS, 0.1)
    raw["neutraal"] = 0.5
    for group in cues.groups:
        if group.emotion:
            raw[group.emotion] += hits.count(group.name)
    values = np.asarray([raw[e] for e in EMOTIONS], dtype=np.float32)
    return values / values.sum()


def fallback_urgency(hits: CueHits) -> np.ndarray:
    """Urgency scores from urgency cues."""
    count = hits.count("urgency")
    raw = {"laag": 0.3, "normaal": 0.6, "hoog": 0.2 + 0.4 * min(count, 2), "acuut": 0.05}
    values = np.asarray([raw[u] for u in URGENCIES], dtype=np.float32)
    return values / values.sum()


def adjust_urgency(
    urgency: str, is_noodkreet: bool, hits: CueHits, tox: ToxicityResult
) -> tuple[str, str]:
    """Raise urgency for cries for help and threats; returns (urgency, reason or "")."""
    order = list(URGENCIES)
    if is_noodkreet or hits.count("crisis_strong"):
        return "acuut", "noodkreet: altijd acuut"
    if "bedreiging" in tox.categories and order.index(urgency) < order.index("hoog"):
        return "hoog", "bedreiging: minstens hoog"
    return urgency, ""


def sentiment_value(probabilities: np.ndarray) -> float:
    """Sentiment score -1..1 as P(positief) - P(negatief)."""
    index = {s: i for i, s in enumerate(SENTIMENTS)}
    return float(probabilities[index["positief"]] - probabilities[index["negatief"]])
