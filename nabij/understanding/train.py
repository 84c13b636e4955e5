"""Train the linear heads deterministically from the labelled corpus (`nabij train`).

Input: every `data/training/*-train.jsonl` plus the labelled demo set `data/demo/*.jsonl`.
The `*-test.jsonl` files are never read here. Same data -> same artefacts: the input is
de-duplicated and sorted, solvers are deterministic and seeds are fixed.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
from scipy import sparse
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import StratifiedKFold

from . import rules
from .analyser import Analyser
from .classifier import ARTEFACT_DIR, LinearHead, Models, save_models
from .corpus import LabelledMessage, read_many
from .features import default_cues, feature_names, ngram_config
from .labels import ANALYSER_VERSION, HEAD_LABELS, TOXICITY_CATEGORIES
from .taxonomy import default_taxonomy

SEED = 20261121
# Regularisation per head, chosen by cross-validation on the training files only.
C_VALUES = {
    "type": 10.0,
    "sentiment": 4.0,
    "emotion": 4.0,
    "urgency": 4.0,
    "topic": 10.0,
    "toxicity": 4.0,
}
# The noodkreet threshold maximises F2 (recall counts four times) in cross-validation.
THRESHOLD_BOUNDS = (0.2, 0.6)


@dataclass
class TrainingData:
    """Feature matrices, cue hits and gold labels of the training messages."""

    messages: list[LabelledMessage]
    dense: np.ndarray
    ngrams: Any  # scipy CSR matrix
    hits: list[Any]

    def inputs(self, rows: np.ndarray | None = None) -> Any:
        """Dense and n-gram features side by side, optionally for some rows only."""
        matrix = sparse.hstack([sparse.csr_matrix(self.dense), self.ngrams]).tocsr()
        return matrix if rows is None else matrix[rows]


def training_files(root: Path) -> list[Path]:
    """The training inputs: corpus train splits and the labelled demo set, never tests."""
    files = sorted((root / "data" / "training").glob("*-train.jsonl"))
    files += sorted((root / "data" / "demo").glob("*.jsonl"))
    return [f for f in files if not f.name.endswith("-test.jsonl")]


def _labels(messages: list[LabelledMessage], head: str) -> np.ndarray:
    key = "sentiment" if head == "sentiment" else head
    return np.asarray([str(m.labels.get(key) or "") for m in messages])


def _split(
    name: str,
    classes: list[str],
    coef: np.ndarray,
    intercept: np.ndarray,
    kind: str,
    dense_width: int,
) -> LinearHead:
    coef = coef.astype(np.float32)
    return LinearHead(
        name,
        classes,
        coef[:, :dense_width],
        intercept.astype(np.float32),
        kind,
        coef[:, dense_width:],
    )


def _fit_binary(x: Any, y: np.ndarray, c: float) -> tuple[np.ndarray, float]:
    model = LogisticRegression(C=c, solver="liblinear", class_weight="balanced", max_iter=500)
    model.fit(x, y)
    return model.coef_[0].astype(np.float32), float(model.intercept_[0])


def fit_ovr(
    name: str, x: Any, y: np.ndarray, classes: list[str], c: float, dense_width: int
) -> LinearHead:
    """One binary logistic regression per class (liblinear: fast and deterministic).

    The type head keeps the independent scores (mixes allowed); single-label fields
    ("ovr_norm") normalise them into a distribution at inference.
    """
    coefs, intercepts = [], []
    for label in classes:
        target = (y == label).astype(int)
        if target.min() == target.max():
            coefs.append(np.zeros(x.shape[1], dtype=np.float32))
            intercepts.append(-8.0 if target.max() == 0 else 8.0)
            continue
        coef, intercept = _fit_binary(x, target, c)
        coefs.append(coef)
        intercepts.append(intercept)
    kind = "ovr" if name == "type" else "ovr_norm"
    return _split(name, classes, np.vstack(coefs), np.asarray(intercepts), kind, dense_width)


def fit_toxicity(data: TrainingData, matrix: Any, dense_width: int) -> LinearHead:
    """One binary head per toxicity category (multi-label), on messages that carry them."""
    rows = [
        i
        for i, m in enumerate(data.messages)
        if isinstance(m.labels.get("toxicity_categories"), list)
    ]
    x = matrix[rows]
    coefs, intercepts = [], []
    for category in TOXICITY_CATEGORIES:
        target = np.asarray(
            [int(category in data.messages[i].labels["toxicity_categories"]) for i in rows]
        )
        if len(target) == 0 or target.min() == target.max():
            coefs.append(np.zeros(matrix.shape[1], dtype=np.float32))
            intercepts.append(-8.0)
            continue
        coef, intercept = _fit_binary(x, target, C_VALUES["toxicity"])
        coefs.append(coef)
        intercepts.append(intercept)
    classes = list(TOXICITY_CATEGORIES)
    return _split("toxicity", classes, np.vstack(coefs), np.asarray(intercepts), "ovr", dense_width)


def tune_noodkreet(data: TrainingData, y: np.ndarray) -> dict[str, Any]:
    """Cross-validated noodkreet scores (model + rules) -> threshold, precision, recall."""
    folds = StratifiedKFold(n_splits=5, shuffle=True, random_state=SEED)
    target = (y == "noodkreet").astype(int)
    scores = np.zeros(len(y))
    if target.sum() < 5:
        return {"threshold": rules.DEFAULT_NOODKREET_THRESHOLD}
    matrix = data.inputs()
    for train_idx, test_idx in folds.split(np.zeros(len(target)), target):
        coef, intercept = _fit_binary(matrix[train_idx], target[train_idx], C_VALUES["type"])
        logits = np.asarray(matrix[test_idx] @ coef).ravel() + intercept
        model_scores = 1.0 / (1.0 + np.exp(-logits))
        hits = [data.hits[i] for i in test_idx]
        scores[test_idx] = rules.noodkreet_scores(model_scores, hits)
    curve = {}
    best, best_f2 = THRESHOLD_BOUNDS[0], -1.0
    for threshold in np.round(np.arange(THRESHOLD_BOUNDS[0], THRESHOLD_BOUNDS[1] + 1e-9, 0.05), 2):
        predicted = scores >= threshold
        recall = _recall(predicted, target)
        precision = float((predicted & (target == 1)).sum() / max(predicted.sum(), 1))
        f2 = 5 * precision * recall / max(4 * precision + recall, 1e-9)
        curve[f"{threshold:.2f}"] = {"recall": round(recall, 4), "precision": round(precision, 4)}
        # F2 weighs recall four times as heavily as precision; ties go to the lower threshold.
        if f2 > best_f2 + 1e-9:
            best, best_f2 = float(threshold), f2
    return {
        "threshold": round(best, 2),
        "cv_recall": curve[f"{best:.2f}"]["recall"],
        "cv_precision": curve[f"{best:.2f}"]["precision"],
        "cv_curve": curve,
    }


def _recall(predicted: np.ndarray, target: np.ndarray) -> float:
    positives = target == 1
    return float((predicted & positives).sum() / max(positives.sum(), 1))


def build_models(data: TrainingData, sources: list[str]) -> Models:
    """Fit every head and gather the metadata."""
    heads: dict[str, LinearHead] = {}
    matrix = data.inputs()
    width = data.dense.shape[1]
    summary: dict[str, Any] = {"messages": len(data.messages), "files": sources, "labels": {}}
    for head, vocabulary in HEAD_LABELS.items():
        y = _labels(data.messages, head)
        keep = np.isin(y, vocabulary)
        x, y = matrix[keep], y[keep]
        summary["labels"][head] = {label: int((y == label).sum()) for label in vocabulary}
        heads[head] = fit_ovr(head, x, y, list(vocabulary), C_VALUES[head], width)
    topic_ids = default_taxonomy().ids
    y = _labels(data.messages, "topic")
    keep = np.isin(y, topic_ids)
    heads["topic"] = fit_ovr("topic", matrix[keep], y[keep], topic_ids, C_VALUES["topic"], width)
    heads["toxicity"] = fit_toxicity(data, matrix, width)
    type_y = _labels(data.messages, "type")
    noodkreet = tune_noodkreet(data, type_y)
    meta = {
        "analyser_version": ANALYSER_VERSION,
        "lexical_features": feature_names(default_cues()),
        "ngrams": ngram_config(),
        "thresholds": {"noodkreet": noodkreet["threshold"]},
        "noodkreet_tuning": noodkreet,
        "c_values": C_VALUES,
        "training": summary,
    }
    return Models(heads, meta)


def train(root: Path, out_dir: Path = ARTEFACT_DIR, analyser: Analyser | None = None) -> Models:
    """Read the training files under `root`, fit the heads and write the artefacts."""
    files = training_files(root)
    messages = read_many(files)
    if len(messages) < 20:
        raise ValueError(f"too few labelled messages to train on ({len(messages)})")
    analyser = analyser or Analyser(threads=2, use_trained=False)
    print(f"nabij train: {len(messages)} messages from {len(files)} files", file=sys.stderr)
    dense, ngrams, hits = analyser.features([m.text for m in messages])
    data = TrainingData(messages, dense, ngrams, hits)
    models = build_models(data, [f.name for f in files])
    save_models(models, out_dir)
    return models
