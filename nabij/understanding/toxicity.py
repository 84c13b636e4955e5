"""Toxicity from an owned Dutch lexicon that matches inside compounds.

"kankerwethouder" and "klotegemeente" are found because stems match anywhere in a word;
innocent words that contain a stem ("kankeronderzoek", "hoera") are on an allow-list, and
a disease name after a medical context word ("heeft kanker") is not counted as a curse.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from typing import Any

import yaml

CATEGORIES = ("belediging", "bedreiging", "grof_taalgebruik", "groepsbelediging")
_DISEASE_STEMS = ("kanker", "tering", "tyfus", "pleuris")


@dataclass
class ToxicityResult:
    """Score 0..1, the categories found and the quoted cues per category."""

    score: float = 0.0
    categories: list[str] = field(default_factory=list)
    cues: dict[str, list[str]] = field(default_factory=dict)

    def explanation(self) -> str:
        """Readable summary naming the words that triggered each category."""
        if not self.categories:
            return f"geen beledigende of dreigende taal gevonden ({self.score:.2f})"
        parts = []
        for category in self.categories:
            quoted = ", ".join(f"'{c}'" for c in self.cues.get(category, [])[:4])
            parts.append(f"{category}: {quoted}")
        return f"toxiciteit {self.score:.2f}; " + "; ".join(parts)


@dataclass
class _Category:
    name: str
    weight: float
    stems: re.Pattern[str] | None
    words: re.Pattern[str] | None
    patterns: list[re.Pattern[str]]


def _alternation(items: list[str], whole_word: bool) -> re.Pattern[str] | None:
    if not items:
        return None
    parts = []
    for item in sorted(items, key=len, reverse=True):
        if item.startswith("^"):
            parts.append(r"(?<!\w)" + re.escape(item[1:]))
        else:
            parts.append(re.escape(item))
    body = "|".join(parts)
    return re.compile(rf"(?<!\w)(?:{body})(?!\w)" if whole_word else f"(?:{body})")


class ToxicityLexicon:
    """The compiled lexicon; load once with `default_lexicon()` or from a dict."""

    def __init__(self, data: dict[str, Any]) -> None:
        self.categories = [
            _Category(
                name,
                float(spec.get("weight", 0.5)),
                _alternation(list(spec.get("stems", [])), whole_word=False),
                _alternation(list(spec.get("words", [])), whole_word=True),
                [re.compile(p) for p in spec.get("patterns", [])],
            )
            for name, spec in data["categories"].items()
        ]
        groups = data.get("groups", {})
        nouns = "|".join(re.escape(n) for n in groups.get("nouns", []))
        insults = "|".join(re.escape(n) for n in groups.get("dehumanising", []))
        self.group_insult = re.compile(
            rf"\b(?:{nouns})\b[^.!?\n]{{0,40}}?\b(?:{insults})\w*"
            rf"|\b(?:{insults})\w*[^.!?\n]{{0,15}}?\b(?:{nouns})\b"
        )
        self.expulsion = [re.compile(p) for p in groups.get("expulsion", [])]
        self.group_nouns = re.compile(rf"\b(?:{nouns})\b")
        self.allow = frozenset(data.get("allow", []))
        self.medical = frozenset(data.get("medical_context", []))

    def _word_at(self, folded: str, start: int, end: int) -> tuple[str, int]:
        left = start
        while left > 0 and folded[left - 1].isalnum():
            left -= 1
        right = end
        while right < len(folded) and folded[right].isalnum():
            right += 1
        return folded[left:right], left

    def _innocent(self, folded: str, word: str, left: int) -> bool:
        if word in self.allow:
            return True
        if word in _DISEASE_STEMS:
            before = folded[max(0, left - 60) : left].split()[-4:]
            return any(w.strip(",.;:!?") in self.medical for w in before)
        return False

    def _stem_hits(self, category: _Category, folded: str) -> list[str]:
        hits = []
        if category.stems is not None:
            for m in category.stems.finditer(folded):
                word, left = self._word_at(folded, m.start(), m.end())
                if not self._innocent(folded, word, left):
                    hits.append(word)
        if category.words is not None:
            hits.extend(m.group(0) for m in category.words.finditer(folded))
        for pattern in category.patterns:
            hits.extend(m.group(0).strip() for m in pattern.finditer(folded))
        return hits

    def scan(self, folded: str) -> ToxicityResult:
        """Find toxic language in a folded (lower-case, accent-free) text."""
        cues: dict[str, list[str]] = {}
        score_keep = 1.0
        weights = {c.name: c.weight for c in self.categories}
        for category in self.categories:
            hits = self._stem_hits(category, folded)
            if hits:
                cues[category.name] = list(dict.fromkeys(hits))
        group_hits = [m.group(0) for m in self.group_insult.finditer(folded)]
        if self.group_nouns.search(folded):
            group_hits += [m.group(0) for p in self.expulsion for m in p.finditer(folded)]
        if group_hits:
            cues.setdefault("groepsbelediging", []).extend(group_hits)
        for name, hits in cues.items():
            # Repeated hits raise the score, each with less weight.
            for i in range(min(len(hits), 4)):
                score_keep *= 1.0 - weights.get(name, 0.6) * (0.6**i)
        categories = [c for c in CATEGORIES if c in cues]
        return ToxicityResult(round(1.0 - score_keep, 3), categories, cues)


# A trained category head adds a category the lexicon missed only when it is fairly sure.
MODEL_THRESHOLD = 0.5


def merge_model_scores(result: ToxicityResult, scores: Any) -> ToxicityResult:
    """Add categories that the trained toxicity head is sure of and the lexicon missed."""
    if scores is None or len(scores) != len(CATEGORIES):
        return result
    cues = {k: list(v) for k, v in result.cues.items()}
    for category, score in zip(CATEGORIES, scores, strict=True):
        if score >= MODEL_THRESHOLD and category not in cues:
            cues[category] = [f"taalmodel {float(score):.2f}, geen woord uit de lijst"]
    categories = [c for c in CATEGORIES if c in cues]
    score = max(result.score, float(max(scores)))
    return ToxicityResult(round(score, 3), categories, cues)


def load_lexicon_data() -> dict[str, Any]:
    """The packaged toxicity lexicon as a dict."""
    text = resources.files(__package__).joinpath("lexicon/toxicity.yaml").read_text("utf-8")
    data: dict[str, Any] = yaml.safe_load(text)
    return data


@lru_cache(maxsize=1)
def default_lexicon() -> ToxicityLexicon:
    """The packaged lexicon, compiled once."""
    return ToxicityLexicon(load_lexicon_data())
