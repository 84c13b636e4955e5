"""The fast paths of detection give exactly what the plain definitions give."""

from __future__ import annotations

import itertools
import random
import zlib
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from nabij.signals import SignalMessage, us_them_hits
from nabij.signals.linking import UnionFind, connected_groups
from nabij.signals.localtime import wall_seconds
from nabij.signals.polarisation import has_us_them, us_them_lexicon
from nabij.signals.text import lexical_embedding, normalise, pair_hashes, terms, word_shingles

TZ = ZoneInfo("Europe/Amsterdam")
WORDS = ["de", "die", "lui", "op", "het", "stadhuis", "wakker", "worden", "mensen", "lamp",
         "kapot", "dat", "volk", "wij", "burgers", "zij", "daar", "é", "straat"]  # fmt: skip


@settings(max_examples=200, deadline=None)
@given(st.integers(1, 60), st.lists(st.tuples(st.integers(0, 59), st.integers(0, 59))))
def test_connected_groups_are_the_union_find_groups(count: int, pairs: list) -> None:
    pairs = [(a % count, b % count) for a, b in pairs]
    uf = UnionFind(count)
    for a, b in pairs:
        uf.union(a, b)
    first = np.array([a for a, _ in pairs], dtype=np.int64)
    second = np.array([b for _, b in pairs], dtype=np.int64)
    assert connected_groups(count, first, second) == uf.groups()
    assert connected_groups(count, first, second, 3) == [g for g in uf.groups() if len(g) >= 3]


def test_a_long_chain_is_one_group() -> None:
    rng = random.Random(5)
    rows = list(range(5000))
    rng.shuffle(rows)
    first, second = np.array(rows[:-1]), np.array(rows[1:])
    assert connected_groups(5000, first, second) == [list(range(5000))]


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(WORDS), max_size=12))
def test_us_them_check_agrees_with_the_phrase_list(words: list[str]) -> None:
    text = " ".join(words)
    assert has_us_them(normalise(text)) == bool(us_them_hits(text))


def test_every_phrase_is_found_and_a_lone_anchor_is_not_enough() -> None:
    for phrase in us_them_lexicon():
        assert has_us_them(f"nou {phrase} zeg"), phrase
    assert not has_us_them("de lui zijn op vakantie")  # "lui" without "die" before it


@settings(max_examples=200, deadline=None)
@given(st.lists(st.sampled_from(WORDS), min_size=2, max_size=15))
def test_pair_hashes_are_the_word_pair_shingles(words: list[str]) -> None:
    text = normalise(" ".join(words))
    assert pair_hashes(text) == word_shingles(text.split(), 2)


def _plain_lexical(texts: list[str], dim: int = 512) -> np.ndarray:
    out = np.zeros((len(texts), dim), dtype=np.float32)
    for row, text in enumerate(texts):
        words = terms(text)
        for feature in words + [f"{a} {b}" for a, b in itertools.pairwise(words)]:
            out[row, zlib.crc32(feature.encode()) % dim] += 1.0
    norms = np.linalg.norm(out, axis=1, keepdims=True)
    return out / np.where(norms == 0, 1.0, norms)


def test_lexical_vectors_are_the_plain_hashed_bag_of_words() -> None:
    rng = random.Random(3)
    texts = [" ".join(rng.choices(WORDS, k=rng.randint(0, 20))) for _ in range(300)]
    texts += ["", "De lamp in de Molenstraat is kapot! @gemeente https://x.nl/a"]
    assert np.array_equal(lexical_embedding(texts), _plain_lexical(texts))


def test_local_times_follow_summer_time_to_the_second() -> None:
    start = datetime(2026, 3, 28, 22, 0, tzinfo=UTC)  # summer time starts 29 March 01:00 UTC
    moments = [start + timedelta(minutes=7 * i, microseconds=i) for i in range(600)]
    moments += [
        datetime(2026, 10, 25, 0, 59, 59, 999999, tzinfo=UTC),  # winter time, 01:00
        datetime(2026, 10, 25, 1, 0, tzinfo=UTC),
        datetime(1999, 1, 1, tzinfo=UTC),
    ]
    expected = [
        (m.astimezone(TZ).replace(tzinfo=None) - datetime(1970, 1, 1)).total_seconds()
        for m in moments
    ]  # fmt: skip
    assert wall_seconds(moments, TZ).tolist() == expected


def test_normalised_text_and_terms_are_worked_out_once_per_record() -> None:
    message = SignalMessage("x:1", "x", "a", None, datetime(2026, 10, 1, tzinfo=UTC),
                            "De LAMP @wijk https://x.nl is kapot")  # fmt: skip
    assert message.normalised == "de lamp is kapot" and message.terms == ["lamp", "kapot"]
    assert message.__dict__["normalised"] is message.normalised
    assert message == SignalMessage("x:1", "x", "a", None, message.sent_at, message.text)


def test_too_many_texts_to_embed_falls_back_to_lexical_vectors() -> None:
    from nabij.signals.detect import candidate_vectors
    from tests.signals.factory import message

    when = datetime(2026, 10, 1, 12, tzinfo=UTC)
    candidates = [message(i, when, f"De lantaarnpaal in straat {i} is kapot") for i in range(3)]
    calls: list[int] = []

    def embedder(texts: list[str]) -> np.ndarray:
        calls.append(len(texts))
        return np.ones((len(texts), 4), dtype=np.float32)

    vectors, lexical = candidate_vectors(candidates, embedder, max_embedded=3)
    assert not lexical and calls == [3] and vectors.shape == (3, 4)
    vectors, lexical = candidate_vectors(candidates, embedder, max_embedded=2)
    assert lexical and calls == [3] and vectors.shape[0] == 3
