"""Linear classification heads stored as plain numpy arrays (no pickles).

The artefacts are `artefacts/models.npz` (weights) and `artefacts/meta.json` (classes,
head kinds, feature names, thresholds). `nabij train` writes them deterministically.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

ARTEFACT_DIR = Path(__file__).parent / "artefacts"
HEADS = ("type", "sentiment", "emotion", "urgency", "topic")


class ArtefactError(RuntimeError):
    """The trained artefacts are missing or do not fit this code."""


@dataclass
class LinearHead:
    """Scores = sigmoid (one-vs-rest) or softmax of dense @ coef.T + ngrams @ ngram_coef.T + b."""

    name: str
    classes: list[str]
    coef: np.ndarray  # (n_classes, n_dense_features)
    intercept: np.ndarray  # (n_classes,)
    kind: str  # "ovr" (independent scores), "ovr_norm" (scores summing to 1) or "softmax"
    ngram_coef: np.ndarray | None = None  # (n_classes, n_ngram_features)

    def __post_init__(self) -> None:
        # scipy copies a non-contiguous right operand on every product; transpose once.
        self._ngram_t = (
            np.ascontiguousarray(self.ngram_coef.T) if self.ngram_coef is not None else None
        )

    def scores(self, features: np.ndarray, ngrams: Any = None) -> np.ndarray:
        """Class scores in 0..1 for a dense (n, d) matrix and a sparse n-gram matrix."""
        logits = features @ self.coef.T + self.intercept
        if self._ngram_t is not None and ngrams is not None:
            logits = logits + np.asarray(ngrams @ self._ngram_t)
        if self.kind in ("ovr", "ovr_norm"):
            scores = 1.0 / (1.0 + np.exp(-np.clip(logits, -30, 30)))
            if self.kind == "ovr_norm":
                # One-vs-rest scores made into a distribution for single-label fields.
                scores = scores / np.maximum(scores.sum(axis=1, keepdims=True), 1e-9)
            return np.asarray(scores)
        logits = logits - logits.max(axis=1, keepdims=True)
        exp = np.exp(logits)
        return exp / exp.sum(axis=1, keepdims=True)


@dataclass
class Models:
    """All trained heads plus their metadata."""

    heads: dict[str, LinearHead]
    meta: dict[str, Any]

    @property
    def lexical_names(self) -> list[str]:
        """Lexical feature names the heads were trained with."""
        return list(self.meta.get("lexical_features", []))

    def threshold(self, name: str, default: float) -> float:
        """A tuned decision threshold, e.g. for noodkreet."""
        return float(self.meta.get("thresholds", {}).get(name, default))


def save_models(models: Models, directory: Path = ARTEFACT_DIR) -> None:
    """Write the heads as float32 arrays and the metadata as sorted JSON."""
    directory.mkdir(parents=True, exist_ok=True)
    arrays: dict[str, np.ndarray] = {}
    meta = dict(models.meta)
    meta["heads"] = {}
    for name in sorted(models.heads):
        head = models.heads[name]
        arrays[f"{name}__coef"] = head.coef.astype(np.float32)
        arrays[f"{name}__intercept"] = head.intercept.astype(np.float32)
        if head.ngram_coef is not None:
            arrays[f"{name}__ngram"] = head.ngram_coef.astype(np.float32)
        meta["heads"][name] = {"classes": head.classes, "kind": head.kind}
    # np.savez writes a zip with fixed timestamps, so equal arrays give equal files.
    with open(directory / "models.npz", "wb") as handle:
        np.savez_compressed(handle, **arrays)  # type: ignore[arg-type]
    text = json.dumps(meta, indent=1, sort_keys=True, ensure_ascii=False)
    (directory / "meta.json").write_text(text + "\n", encoding="utf-8")


def load_models(directory: Path = ARTEFACT_DIR) -> Models | None:
    """Load the trained heads, or None when no artefacts exist yet."""
    weights = directory / "models.npz"
    meta_path = directory / "meta.json"
    if not weights.exists() or not meta_path.exists():
        return None
    try:
        meta = json.loads(meta_path.read_text(encoding="utf-8"))
        heads = {}
        with np.load(weights, allow_pickle=False) as data:
            for name, spec in meta["heads"].items():
                heads[name] = LinearHead(
                    name,
                    list(spec["classes"]),
                    np.asarray(data[f"{name}__coef"], dtype=np.float32),
                    np.asarray(data[f"{name}__intercept"], dtype=np.float32),
                    str(spec["kind"]),
                    np.asarray(data[f"{name}__ngram"], dtype=np.float32)
                    if f"{name}__ngram" in data.files
                    else None,
                )
    except (OSError, KeyError, ValueError) as exc:
        raise ArtefactError(f"cannot read trained artefacts in {directory}: {exc}") from exc
    return Models(heads, meta)
