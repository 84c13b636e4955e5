"""Short, readable explanations that name the cues behind each part of an analysis."""

from __future__ import annotations

from .features import CueHits, CueLexicon

_MODEL_ONLY = "betekenis van de hele zin (taalmodel), geen losse signaalwoorden"
# Cue groups that explain an emotion label.
_EMOTION_GROUPS = {
    "boos": "anger",
    "frustratie": "frustration",
    "verdriet": "sadness",
    "angst": "fear",
    "vermoeidheid": "fatigue",
    "blij": "joy",
}


def _quote(snippets: list[str]) -> str:
    return ", ".join("'?'" if s == "?" else f"'{s}'" for s in snippets)


def type_cues(cues: CueLexicon, hits: CueHits, label: str, limit: int = 3) -> list[str]:
    """Snippets of the cue groups that support a type."""
    found: list[str] = []
    for group in cues.groups:
        if label in group.supports:
            found.extend(hits.quoted(group.name, limit))
    return list(dict.fromkeys(found))[:limit]


def explain_type(
    cues: CueLexicon,
    hits: CueHits,
    label: str,
    scores: dict[str, float],
    extra: list[str],
) -> str:
    """E.g. "klacht (0.82): 'al drie keer', 'geen reactie'; ook vraag (0.41): '?'"."""
    main_cues = type_cues(cues, hits, label)
    text = f"{label} ({scores[label]:.2f}): {_quote(main_cues) if main_cues else _MODEL_ONLY}"
    others = sorted(
        (t for t in scores if t != label and scores[t] >= 0.3), key=lambda t: -scores[t]
    )[:2]
    for other in others:
        other_cues = type_cues(cues, hits, other, 2)
        suffix = f": {_quote(other_cues)}" if other_cues else ""
        text += f"; ook {other} ({scores[other]:.2f}){suffix}"
    if extra:
        text += "; " + "; ".join(extra)
    return text


def explain_emotion(hits: CueHits, label: str, score: float) -> str:
    """Name the emotion words found, or say the model decided."""
    group = _EMOTION_GROUPS.get(label)
    quoted = hits.quoted(group) if group else []
    if quoted:
        return f"{label} ({score:.2f}): {_quote(quoted)}"
    if label == "neutraal":
        return f"neutraal ({score:.2f}): geen duidelijke emotiewoorden"
    return f"{label} ({score:.2f}): {_MODEL_ONLY}"


def explain_sentiment(cues: CueLexicon, hits: CueHits, label: str, value: float) -> str:
    """Quote the positive or negative words that weigh in."""
    sign = 1 if label == "positief" else -1 if label == "negatief" else 0
    quoted: list[str] = []
    if sign:
        for group in cues.groups:
            if group.polarity == sign:
                quoted.extend(hits.quoted(group.name, 2))
    detail = _quote(list(dict.fromkeys(quoted))[:4]) if quoted else _MODEL_ONLY
    if not sign:
        detail = "geen duidelijke positieve of negatieve lading"
    return f"{label} ({value:+.2f}): {detail}"


def explain_urgency(hits: CueHits, label: str, score: float, reason: str) -> str:
    """Quote urgency cues and any rule that raised the urgency."""
    quoted = hits.quoted("urgency")
    text = f"{label} ({score:.2f})"
    if quoted:
        text += f": {_quote(quoted)}"
    if reason:
        text += f"; {reason}"
    return text


def explain_topics(topics: list[dict[str, object]], keywords: dict[str, list[str]]) -> str:
    """Name the keywords or the example similarity behind each topic."""
    if not topics:
        return "geen onderwerp uit de taxonomie herkend"
    parts = []
    for topic in topics:
        topic_id = str(topic["id"])
        words = list(dict.fromkeys(keywords.get(topic_id, [])))[:3]
        how = f"trefwoorden {_quote(words)}" if words else "lijkt op de voorbeeldzinnen"
        parts.append(f"{topic_id} ({float(str(topic['score'])):.2f}): {how}")
    return "; ".join(parts)
