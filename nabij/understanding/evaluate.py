"""Measure the analyser against gold labels (`nabij evaluate FILE.jsonl`)."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .analyser import Analyser, Analysis
from .corpus import LabelledMessage, read_labelled
from .labels import EMOTIONS, SENTIMENTS, TYPES, URGENCIES


@dataclass
class HeadReport:
    """Precision, recall, F1 per label and a confusion matrix for one field."""

    name: str
    labels: list[str]
    gold: list[str]
    predicted: list[str]
    per_label: dict[str, dict[str, float]] = field(default_factory=dict)
    confusion: list[list[int]] = field(default_factory=list)

    @property
    def macro_f1(self) -> float:
        """Mean F1 over labels that occur in the gold data."""
        present = [lab for lab in self.labels if self.per_label[lab]["support"] > 0]
        if not present:
            return 0.0
        return sum(self.per_label[lab]["f1"] for lab in present) / len(present)

    @property
    def accuracy(self) -> float:
        """Share of exact matches."""
        if not self.gold:
            return 0.0
        return sum(g == p for g, p in zip(self.gold, self.predicted, strict=True)) / len(self.gold)

    def compute(self) -> HeadReport:
        """Fill the per-label figures and the confusion matrix."""
        index = {lab: i for i, lab in enumerate(self.labels)}
        size = len(self.labels)
        self.confusion = [[0] * size for _ in range(size)]
        for gold, pred in zip(self.gold, self.predicted, strict=True):
            if gold in index and pred in index:
                self.confusion[index[gold]][index[pred]] += 1
        for lab in self.labels:
            tp = sum(1 for g, p in zip(self.gold, self.predicted, strict=True) if g == p == lab)
            n_pred = sum(1 for p in self.predicted if p == lab)
            n_gold = sum(1 for g in self.gold if g == lab)
            precision = tp / n_pred if n_pred else 0.0
            recall = tp / n_gold if n_gold else 0.0
            f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
            self.per_label[lab] = {
                "precision": precision,
                "recall": recall,
                "f1": f1,
                "support": n_gold,
            }
        return self

    def to_dict(self) -> dict[str, Any]:
        """Plain data for JSON output."""
        return {
            "labels": self.labels,
            "per_label": self.per_label,
            "macro_f1": round(self.macro_f1, 4),
            "accuracy": round(self.accuracy, 4),
            "confusion": self.confusion,
        }


def _topic(analysis: Analysis) -> str:
    return str(analysis.topics[0]["id"]) if analysis.topics else "overig"


def _toxic(categories: list[str]) -> str:
    return "toxisch" if categories else "niet_toxisch"


# field name -> (vocabulary or None for "whatever occurs", gold getter, prediction getter)
def _fields(topic_ids: list[str]) -> dict[str, tuple[list[str], Any, Any]]:
    return {
        "type": (list(TYPES), lambda lab: lab.get("type"), lambda a: a.type),
        "sentiment": (
            list(SENTIMENTS),
            lambda lab: lab.get("sentiment"),
            lambda a: a.sentiment_label,
        ),
        "emotion": (list(EMOTIONS), lambda lab: lab.get("emotion"), lambda a: a.emotion),
        "urgency": (list(URGENCIES), lambda lab: lab.get("urgency"), lambda a: a.urgency),
        "topic": (topic_ids, lambda lab: lab.get("topic"), _topic),
        "toxicity": (
            ["toxisch", "niet_toxisch"],
            lambda lab: (
                _toxic(lab["toxicity_categories"])
                if isinstance(lab.get("toxicity_categories"), list)
                else None
            ),
            lambda a: _toxic(a.toxicity_categories),
        ),
        "language": (
            ["nl", "en", "fy", "pap", "de", "fr", "tr", "ar", "pl", "und"],
            lambda lab: lab.get("language"),
            lambda a: a.language,
        ),
    }


def evaluate_messages(messages: list[LabelledMessage], analyser: Analyser) -> dict[str, HeadReport]:
    """Analyse the messages and compare every field that has gold labels."""
    analyses = analyser.analyse_batch([m.text for m in messages])
    reports = {}
    for name, (vocabulary, gold_of, predicted_of) in _fields(analyser.taxonomy.ids).items():
        pairs = [
            (str(gold_of(m.labels)), str(predicted_of(a)))
            for m, a in zip(messages, analyses, strict=True)
            if gold_of(m.labels) is not None
        ]
        if not pairs:
            continue
        labels = list(vocabulary)
        labels += sorted({g for g, _ in pairs} - set(labels))
        report = HeadReport(name, labels, [g for g, _ in pairs], [p for _, p in pairs])
        reports[name] = report.compute()
    return reports


def evaluate_file(path: Path, analyser: Analyser) -> dict[str, HeadReport]:
    """Evaluate one labelled JSONL file (corpus or import format)."""
    return evaluate_messages(list(read_labelled(path)), analyser)


def format_report(reports: dict[str, HeadReport], matrices: tuple[str, ...] = ("type",)) -> str:
    """Per-label tables, macro-F1 and confusion matrices as plain text."""
    lines: list[str] = []
    for name, report in reports.items():
        lines.append(
            f"== {name}: n={len(report.gold)}  accuracy={report.accuracy:.3f}  "
            f"macro-F1={report.macro_f1:.3f}"
        )
        lines.append(f"{'label':<18}{'precision':>10}{'recall':>10}{'f1':>10}{'support':>9}")
        for lab in report.labels:
            row = report.per_label[lab]
            if row["support"] == 0 and not any(p == lab for p in report.predicted):
                continue
            lines.append(
                f"{lab:<18}{row['precision']:>10.3f}{row['recall']:>10.3f}{row['f1']:>10.3f}{int(row['support']):>9}"
            )
        if name in matrices:
            lines.extend(_matrix_lines(report))
        lines.append("")
    return "\n".join(lines)


def _matrix_lines(report: HeadReport) -> list[str]:
    short = [lab[:6] for lab in report.labels]
    lines = ["confusion matrix (rows: gold, columns: predicted)"]
    lines.append(" " * 15 + "".join(f"{s:>7}" for s in short))
    for lab, row in zip(report.labels, report.confusion, strict=True):
        lines.append(f"{lab:<15}" + "".join(f"{v:>7}" for v in row))
    return lines
