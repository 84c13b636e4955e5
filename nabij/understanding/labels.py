"""Label vocabularies shared by the analyser, training and evaluation (docs/interfaces.md)."""

from __future__ import annotations

ANALYSER_VERSION = "2026.11.1"

TYPES = (
    "vraag", "melding", "klacht", "ervaring", "mening",
    "compliment", "aanval", "desinformatie", "noodkreet", "overig",
)  # fmt: skip
SENTIMENTS = ("negatief", "neutraal", "positief")
EMOTIONS = ("boos", "frustratie", "verdriet", "angst", "vermoeidheid", "blij", "neutraal")
URGENCIES = ("laag", "normaal", "hoog", "acuut")
TOXICITY_CATEGORIES = ("belediging", "bedreiging", "grof_taalgebruik", "groepsbelediging")

# What a label vocabulary is for each trained head.
HEAD_LABELS: dict[str, tuple[str, ...]] = {
    "type": TYPES,
    "sentiment": SENTIMENTS,
    "emotion": EMOTIONS,
    "urgency": URGENCIES,
}
