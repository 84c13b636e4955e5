"""Shared fixtures: a fast fake encoder and the real analyser (loaded once)."""

from __future__ import annotations

import hashlib

import numpy as np
import pytest

from nabij.understanding import Analyser


class FakeEncoder:
    """Deterministic stand-in for the sentence encoder: a hashed bag of words."""

    def encode(self, texts: list[str]) -> np.ndarray:
        """One unit vector per text."""
        out = np.zeros((len(texts), 512), dtype=np.float32)
        for row, text in enumerate(texts):
            for word in text.lower().split():
                digest = hashlib.blake2b(word.encode("utf-8"), digest_size=4).digest()
                out[row, int.from_bytes(digest, "little") % 512] += 1.0
            norm = np.linalg.norm(out[row])
            if norm:
                out[row] /= norm
        return out


@pytest.fixture(scope="session")
def fake_encoder() -> FakeEncoder:
    """A fast deterministic encoder."""
    return FakeEncoder()


@pytest.fixture(scope="session")
def fake_analyser() -> Analyser:
    """Analyser with the trained heads but a fake encoder (for junk-input tests)."""
    analyser = Analyser(embedder=FakeEncoder())
    analyser.warm_up()
    return analyser


@pytest.fixture(scope="session")
def analyser() -> Analyser:
    """The real analyser with the multilingual sentence encoder."""
    real = Analyser(threads=2)
    real.warm_up()
    return real
