"""Offline analysis of residents' messages: type, sentiment, emotion, toxicity, topics, PII.

Pure Python (no Django, no network). Use `analyse(text)` or an `Analyser` for batches.
"""

from __future__ import annotations

from .analyser import Analyser, Analysis, analyse, default_analyser
from .labels import ANALYSER_VERSION, EMOTIONS, SENTIMENTS, TYPES, URGENCIES
from .taxonomy import Taxonomy, TaxonomyError, default_taxonomy

__all__ = [
    "ANALYSER_VERSION",
    "EMOTIONS",
    "SENTIMENTS",
    "TYPES",
    "URGENCIES",
    "Analyser",
    "Analysis",
    "Taxonomy",
    "TaxonomyError",
    "analyse",
    "default_analyser",
    "default_taxonomy",
]
