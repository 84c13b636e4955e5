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
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import StratifiedKFold

from . import rules
from .analyser import Analyser
from .classifier import ARTEFACT_DIR, LinearHead, Models, save_models
from .corpus import LabelledMessage, read_many
from .features import default_cues, feature_names
from .labels import ANALYSER_VERSION, HEAD_LABELS, TYPES
from .taxonomy import default_taxonomy

SEED = 20261121
# Regularisation per head, chosen by cross-validation on the training files only.
C_VALUES = {"type": 4.0, "sentiment": 2.0, "emotion": 2.0, "urgency": 2.0, "topic": 4.0}
# The noodkreet threshold is the highest one that keeps this recall in cross-validation.
NOODKREET_TARGET_RECALL = 0.98
THRESHOLD_BOUNDS = (0.08, 0.5)


@dataclass
class TrainingData:
    """Feature matrix, cue hits and gold labels of the training messages."""

    messages: list[LabelledMessage]
    matrix: np.ndarray
    hits: list[Any]


def training_files(root: Path) -> list[Path]:
    """The training inputs: corpus train splits and the labelled demo set, never tests."""
    files = sorted((root / "data" / "training").glob("*-train.jsonl"))
    files += sorted((root / "data" / "demo").glob("*.jsonl"))
    return [f for f in files if not f.name.endswith("-test.jsonl")]


def _labels(messages: list[LabelledMessage], head: str) -> np.ndarray:
    key = "sentiment" if head == "sentiment" else head
    return np.asarray([str(m.labels.get(key) or "") for m in messages])


def _fit_binary(x: np.ndarray, y: np.ndarray, c: float) -> tuple[np.ndarray, float]:
    model = LogisticRegression(C=c, solver="liblinear", class_weight="balanced", max_iter=500)
    model.fit(x, y)
    return model.coef_[0].astype(np.float32), float(model.intercept_[0])


def fit_ovr(x: np.ndarray, y: np.ndarray, classes: list[str], c: float) -> LinearHead:
    """One binary logistic regression per class: independent scores, mixes allowed."""
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
    return LinearHead("type", classes, np.vstack(coefs), np.asarray(intercepts, np.float32), "ovr")


def fit_softmax(
    name: str, x: np.ndarray, y: np.ndarray, classes: list[str], c: float
) -> LinearHead:
    """Multinomial logistic regression; classes absent from the data get a very low score."""
    present = sorted(set(y.tolist()) & set(classes))
    if len(present) < 2:
        # Nothing to learn: always the one class seen (or uniform when none was seen).
        coef = np.zeros((len(classes), x.shape[1]), dtype=np.float32)
        intercept = np.asarray([8.0 if c in present else 0.0 for c in classes], np.float32)
        return LinearHead(name, classes, coef, intercept, "softmax")
    model = LogisticRegression(C=c, class_weight="balanced", max_iter=2000, tol=1e-6)
    model.fit(x, y)
    coef = np.zeros((len(classes), x.shape[1]), dtype=np.float32)
    intercept = np.full(len(classes), -20.0, dtype=np.float32)
    learned = list(model.classes_)
    if len(learned) == 2:
        # scikit-learn stores a binary problem as one row: give the two classes +-half.
        rows = {learned[1]: model.coef_[0] / 2, learned[0]: -model.coef_[0] / 2}
        bias = {learned[1]: model.intercept_[0] / 2, learned[0]: -model.intercept_[0] / 2}
    else:
        rows = {lab: model.coef_[i] for i, lab in enumerate(learned)}
        bias = {lab: model.intercept_[i] for i, lab in enumerate(learned)}
    for i, label in enumerate(classes):
        if label in present:
            coef[i] = rows[label]
            intercept[i] = bias[label]
    return LinearHead(name, classes, coef, intercept, "softmax")


def tune_noodkreet(data: TrainingData, y: np.ndarray) -> dict[str, float]:
    """Cross-validated noodkreet scores (model + rules) -> threshold, precision, recall."""
    folds = StratifiedKFold(n_splits=5, shuffle=True, random_state=SEED)
    target = (y == "noodkreet").astype(int)
    scores = np.zeros(len(y))
    if target.sum() < 5:
        return {"threshold": rules.DEFAULT_NOODKREET_THRESHOLD}
    for train_idx, test_idx in folds.split(data.matrix, target):
        coef, intercept = _fit_binary(data.matrix[train_idx], target[train_idx], C_VALUES["type"])
        logits = data.matrix[test_idx] @ coef + intercept
        model_scores = 1.0 / (1.0 + np.exp(-logits))
        hits = [data.hits[i] for i in test_idx]
        scores[test_idx] = rules.noodkreet_scores(model_scores, hits)
    low, high = THRESHOLD_BOUNDS
    chosen = low
    for threshold in np.arange(high, low - 1e-9, -0.01):
        if _recall(scores >= threshold, target) >= NOODKREET_TARGET_RECALL:
            chosen = float(threshold)
            break
    predicted = scores >= chosen
    result = {
        "threshold": round(chosen, 2),
        "cv_recall": round(_recall(predicted, target), 4),
        "cv_precision": round(
            float((predicted & (target == 1)).sum() / max(predicted.sum(), 1)), 4
        ),
        "cv_recall_at_0.5": round(_recall(scores >= 0.5, target), 4),
        "cv_precision_at_0.5": round(
            float(((scores >= 0.5) & (target == 1)).sum() / max((scores >= 0.5).sum(), 1)), 4
        ),
    }
    return result


def _recall(predicted: np.ndarray, target: np.ndarray) -> float:
    positives = target == 1
    return float((predicted & positives).sum() / max(positives.sum(), 1))


def build_models(data: TrainingData, sources: list[str]) -> Models:
    """Fit every head and gather the metadata."""
    heads: dict[str, LinearHead] = {}
    summary: dict[str, Any] = {"messages": len(data.messages), "files": sources, "labels": {}}
    for head, vocabulary in HEAD_LABELS.items():
        y = _labels(data.messages, head)
        keep = np.isin(y, vocabulary)
        x, y = data.matrix[keep], y[keep]
        summary["labels"][head] = {label: int((y == label).sum()) for label in vocabulary}
        if head == "type":
            heads[head] = fit_ovr(x, y, list(TYPES), C_VALUES[head])
        else:
            heads[head] = fit_softmax(head, x, y, list(vocabulary), C_VALUES[head])
    topic_ids = default_taxonomy().ids
    y = _labels(data.messages, "topic")
    keep = np.isin(y, topic_ids)
    heads["topic"] = fit_softmax("topic", data.matrix[keep], y[keep], topic_ids, C_VALUES["topic"])
    type_y = _labels(data.messages, "type")
    noodkreet = tune_noodkreet(data, type_y)
    meta = {
        "analyser_version": ANALYSER_VERSION,
        "lexical_features": feature_names(default_cues()),
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
    matrix, hits = analyser.features([m.text for m in messages])
    data = TrainingData(messages, matrix, hits)
    models = build_models(data, [f.name for f in files])
    save_models(models, out_dir)
    return models
