"""Lexical cue features: counts of cue groups, simple shape features and their snippets."""

from __future__ import annotations

import math
import re
from collections import Counter
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from typing import Any

import numpy as np
import yaml
from mmh3 import hash as _murmur

from .memo import WordMemo
from .normalise import CleanText
from .toxicity import CATEGORIES, ToxicityResult

# Character n-grams (3-5, within words) hashed into a fixed space: they catch word
# stems, compounds and spelling variants, and need no stored vocabulary.
NGRAM_FEATURES = 2**15
NGRAM_RANGE = (3, 5)
NGRAM_WEIGHT = 2.0
_NGRAM_CHARS = 1_000
# Cue scans look at the start of long texts only; meaning is set early in a message.
_CUE_SCAN_CHARS = 5_000
_SNIPPET_CHARS = 40


@dataclass(frozen=True)
class CueGroup:
    """A named group of cue patterns and what it speaks for."""

    name: str
    pattern: re.Pattern[str]
    supports: tuple[str, ...]
    emotion: str | None
    polarity: int


@dataclass
class CueHits:
    """Matched snippets per cue group for one message."""

    snippets: dict[str, list[str]] = field(default_factory=dict)

    def count(self, group: str) -> int:
        """How many times a group matched."""
        return len(self.snippets.get(group, []))

    def quoted(self, group: str, limit: int = 3) -> list[str]:
        """Distinct snippets of a group, for explanations."""
        return list(dict.fromkeys(self.snippets.get(group, [])))[:limit]


class CueLexicon:
    """The compiled cue groups from `lexicon/cues.yaml`."""

    def __init__(self, data: dict[str, Any]) -> None:
        self.groups = [
            CueGroup(
                name,
                re.compile("|".join(f"(?:{p})" for p in spec["patterns"]), re.MULTILINE),
                tuple(spec.get("supports", [])),
                spec.get("emotion"),
                int(spec.get("polarity", 0)),
            )
            for name, spec in data["groups"].items()
        ]
        self.names = [g.name for g in self.groups]

    def scan(self, folded: str) -> CueHits:
        """Find every cue group's matches in a folded text."""
        text = folded[:_CUE_SCAN_CHARS]
        hits = CueHits()
        for group in self.groups:
            found = [m.group(0).strip()[:_SNIPPET_CHARS] for m in group.pattern.finditer(text)]
            found = [f for f in found if f]
            if found:
                hits.snippets[group.name] = found
        return hits


@lru_cache(maxsize=1)
def default_cues() -> CueLexicon:
    """The packaged cue lexicon, compiled once."""
    text = resources.files(__package__).joinpath("lexicon/cues.yaml").read_text("utf-8")
    return CueLexicon(yaml.safe_load(text))


_EMOJI = re.compile("[\U0001f300-\U0001faff\u2600-\u27bf]")


def shape_features(clean: CleanText, words: list[str], pii_count: int) -> list[float]:
    """Length, punctuation, capitals and emoji features, scaled to about 0..1."""
    text = clean.text[:_CUE_SCAN_CHARS]
    letters = [c for c in text if c.isalpha()]
    upper = sum(1 for c in letters if c.isupper())
    return [
        min(math.log1p(len(words)) / 6.0, 1.5),
        min(text.count("?"), 3) / 3.0,
        min(text.count("!"), 3) / 3.0,
        upper / len(letters) if len(letters) >= 8 else 0.0,
        min(len(_EMOJI.findall(text)), 3) / 3.0,
        min(pii_count, 2) / 2.0,
        1.0 if clean.letters == 0 else 0.0,
    ]


SHAPE_NAMES = [
    "log_words",
    "question_marks",
    "exclamations",
    "caps_ratio",
    "emoji",
    "pii",
    "no_letters",
]


def feature_names(cues: CueLexicon) -> list[str]:
    """Names of the lexical feature columns, in order."""
    return (
        [f"cue_{n}" for n in cues.names]
        + [f"tox_{c}" for c in CATEGORIES]
        + ["tox_score"]
        + SHAPE_NAMES
    )


def lexical_vector(
    cues: CueLexicon, hits: CueHits, tox: ToxicityResult, shape: list[float]
) -> np.ndarray:
    """The lexical part of a model input: clipped cue counts, toxicity, shape."""
    values = [min(hits.count(n), 3) / 3.0 for n in cues.names]
    values += [1.0 if c in tox.categories else 0.0 for c in CATEGORIES]
    values.append(tox.score)
    values += shape
    return np.asarray(values, dtype=np.float32)


_SPACE_RUNS = re.compile(r"\s\s+")


def _word_ngrams(word: str) -> tuple[int, ...]:
    """Feature indices of one word's character n-grams, the word padded by one space.

    Feature index = |MurmurHash3-32(UTF-8 n-gram, seed 0)| mod NGRAM_FEATURES; a padded
    word no longer than n gives itself once, for all n together. (The same features
    scikit-learn's `HashingVectorizer(analyzer="char_wb")` gives, which the stored heads
    were trained on; computing them here keeps scikit-learn out of the analyser's
    start-up.)
    """
    low, high = NGRAM_RANGE
    padded = f" {word} "
    size = len(padded)
    found: list[int] = []
    for n in range(low, high + 1):
        last = max(size - n, 0)
        for start in range(last + 1):
            key = _murmur(padded[start : start + n], 0, True)
            found.append((2**31 if key == -(2**31) else abs(key)) % NGRAM_FEATURES)
        if last == 0:
            break
    return tuple(found)


_WORD_NGRAMS = WordMemo(_word_ngrams, 100_000)


def _ngram_row(text: str) -> Counter[int]:
    """Counts of the hashed character n-grams of `text`, word by word."""
    found: list[int] = []
    for word in _SPACE_RUNS.sub(" ", text).split():
        found.extend(_WORD_NGRAMS(word))
    return Counter(found)


def ngram_matrix(folded_texts: list[str]) -> Any:
    """Sparse (n, NGRAM_FEATURES) matrix of hashed character n-grams: counts, scaled to
    unit length per row, times NGRAM_WEIGHT."""
    from scipy import sparse

    indptr = [0]
    indices: list[int] = []
    values: list[float] = []
    for text in folded_texts:
        counts = _ngram_row(text[:_NGRAM_CHARS])
        if counts:
            keys = sorted(counts)
            row = np.asarray([counts[k] for k in keys], dtype=np.float64)
            row *= NGRAM_WEIGHT / np.sqrt(np.dot(row, row))
            indices.extend(keys)
            values.extend(row.tolist())
        indptr.append(len(indices))
    return sparse.csr_matrix(
        (np.asarray(values, dtype=np.float32), np.asarray(indices, dtype=np.int32), indptr),
        shape=(len(folded_texts), NGRAM_FEATURES),
    )


def ngram_config() -> dict[str, Any]:
    """The n-gram settings, stored with the artefacts to detect a mismatch."""
    return {"features": NGRAM_FEATURES, "range": list(NGRAM_RANGE), "weight": NGRAM_WEIGHT}
