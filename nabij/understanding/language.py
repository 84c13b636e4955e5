"""Language identification: py3langid with a Dutch-first correction for short messages."""

from __future__ import annotations

import threading
from dataclasses import dataclass
from typing import Any

# Languages residents of a Dutch municipality plausibly write in; restricting the model
# to these avoids exotic guesses for short texts ("ok" -> Serbian).
CANDIDATES = (
    "nl", "en", "fy", "de", "fr", "es", "pt", "it", "pl", "tr", "ar", "ru", "uk", "ro",
    "bg", "so", "fa", "zh", "af", "id", "hu", "cs", "el",
)  # fmt: skip

_DUTCH_MARKERS = frozenset(
    "de het een en is niet ik je jij u we wij zij ze dat dit die wat hoe waar wanneer waarom "
    "met van voor op in naar bij om al nog maar ook wel geen mijn onze jullie gemeente "
    "graag bedankt dank heb hebben ben zijn was er kan kunnen moet mag".split()
)
_ENGLISH_MARKERS = frozenset(
    "the a an and is not i you we they it this that what how where when why with of for "
    "on in to at my our your please thanks thank can could would should".split()
)

# Function words that are Dutch and not Afrikaans, Frisian or German (those are the
# model's usual confusions for Dutch): several of them make the model call unnecessary.
_DISTINCTLY_DUTCH = frozenset(
    "niet een zijn wij jij zij mijn jullie voor naar bij hebben heb wordt worden het ook "
    "geen deze welke graag alstublieft omdat waarom wanneer".split()
)
_FAST_DISTINCT = 2
_FAST_SHARE = 0.1


@dataclass(frozen=True)
class LanguageGuess:
    """An ISO 639-1 code (or "und"), a confidence and the reason."""

    code: str
    confidence: float
    explanation: str


class LanguageIdentifier:
    """Lazily loaded language identifier (loading takes about a second)."""

    def __init__(self) -> None:
        self._model: Any = None
        self._lock = threading.Lock()

    def load(self) -> None:
        """Load the py3langid model once."""
        with self._lock:
            if self._model is None:
                from py3langid.langid import MODEL_FILE
                from py3langid.langid import LanguageIdentifier as _Model

                model = _Model.from_model_file(MODEL_FILE, norm_probs=True)
                model.set_languages([c for c in CANDIDATES if c in model.nb_classes])
                # The model for all 97 languages is kept only to widen the set again, which
                # this identifier never does: dropping it frees about 60 MB.
                model._full_model = (model.nb_ptc, model.nb_pc, model.nb_classes)
                self._model = model

    def identify(self, text: str, words: list[str]) -> LanguageGuess:
        """Guess the language of `text`; `words` are its folded word tokens."""
        if not words or not any(w.isalpha() for w in words):
            return LanguageGuess("und", 0.0, "geen woorden om de taal aan te herkennen")
        dutch = sum(1 for w in words if w in _DUTCH_MARKERS)
        english = sum(1 for w in words if w in _ENGLISH_MARKERS)
        if len(words) <= 4 and dutch > english:
            return LanguageGuess("nl", 0.7, f"korte tekst met Nederlandse woorden ({dutch})")
        typical = [w for w in words if w in _DISTINCTLY_DUTCH]
        distinct = set(typical)
        if (
            len(distinct) >= _FAST_DISTINCT
            and english < len(distinct)
            and len(typical) >= _FAST_SHARE * len(words)
        ):
            return LanguageGuess(
                "nl", 0.95, f"veel typisch Nederlandse woorden ({', '.join(sorted(distinct)[:4])})"
            )
        self.load()
        code, prob = self._model.classify(text[:1000])
        prob = float(prob)
        # Short Dutch messages are often mistaken for Afrikaans, Frisian or German.
        if code in ("af", "fy", "de") and dutch >= 2 and dutch > english and prob < 0.99:
            share = dutch / max(len(words), 1)
            if share >= 0.2:
                return LanguageGuess(
                    "nl", 0.6, f"model zei {code} ({prob:.2f}), maar veel Nederlandse woorden"
                )
        return LanguageGuess(code, round(prob, 3), f"taalmodel: {code} ({prob:.2f})")
