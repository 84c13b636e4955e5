"""Hashed character n-grams: the features the stored heads were trained on."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from nabij.understanding import features

SAMPLES = [
    "de lantaarnpaal in de kerkstraat is kapot",
    "",
    " ",
    "a",
    "ab",
    "a  b\t\nc",
    "😡😡 kankerwethouder!!!",
    "x" * 3000,
    "\u00a0hoi\u2003daar",
    "e\u0301 café",
]


def _reference(texts: list[str]):  # type: ignore[no-untyped-def]
    from sklearn.feature_extraction.text import HashingVectorizer

    hasher = HashingVectorizer(
        analyzer="char_wb",
        ngram_range=features.NGRAM_RANGE,
        n_features=features.NGRAM_FEATURES,
        alternate_sign=False,
        norm="l2",
        lowercase=False,
        dtype=np.float32,
    )
    cut = [t[: features._NGRAM_CHARS] for t in texts]
    return (hasher.transform(cut) * features.NGRAM_WEIGHT).tocsr()


def test_same_features_as_scikit_learn() -> None:
    mine = features.ngram_matrix(SAMPLES)
    assert mine.shape == (len(SAMPLES), features.NGRAM_FEATURES)
    assert abs(mine - _reference(SAMPLES)).max() < 1e-6


@settings(max_examples=60, deadline=None)
@given(st.lists(st.text(max_size=80), min_size=1, max_size=4))
def test_same_features_on_any_text(texts: list[str]) -> None:
    assert abs(features.ngram_matrix(texts) - _reference(texts)).max() < 1e-6
