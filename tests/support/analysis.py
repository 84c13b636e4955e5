"""A keyword stand-in for the analyser: real analysis shape, predictable type."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

TYPES = [
    "vraag", "melding", "klacht", "ervaring", "mening",
    "compliment", "aanval", "desinformatie", "noodkreet", "overig",
]  # fmt: skip


@dataclass
class FakeResult:
    """One analysis result, as the real analyser's result exposes it."""

    data: dict[str, Any]

    def to_dict(self) -> dict[str, Any]:
        """The analysis as a dict (the shape of docs/interfaces.md)."""
        return self.data


class KeywordAnalyser:
    """A stand-in analyser: the type is the first word of the text (the shape is real)."""

    def analyse_batch(self, texts: list[str]) -> list[FakeResult]:
        """Analyse each text; only the first word decides the outcome."""
        return [FakeResult(keyword_analysis(text)) for text in texts]


def keyword_analysis(text: str) -> dict[str, Any]:
    """The analysis dict for one text whose first word names its type (else overig)."""
    words = text.split()
    kind = words[0] if words and words[0] in TYPES else "overig"
    return {
        "language": "nl",
        "type": kind,
        "type_scores": {t: (0.9 if t == kind else 0.02) for t in TYPES},
        "type_confidence": 0.9,
        "sentiment": -0.5,
        "sentiment_label": "negatief",
        "emotion": "boos",
        "toxicity": 0.9 if kind == "aanval" else 0.0,
        "toxicity_categories": ["belediging"] if kind == "aanval" else [],
        "urgency": "acuut" if kind == "noodkreet" else "normaal",
        "topics": [{"id": "afval", "score": 0.8}],
        "pii": [],
        "redacted_text": text,
        "explanations": {"type": f"{kind}: test"},
        "analyser_version": "test-1",
    }
