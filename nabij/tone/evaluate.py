"""Measure the tone mirror against a hand-annotated corpus: precision and recall per code."""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from nabij.tone.mirror import check_reply
from nabij.tone.model import ReplyContext


@dataclass(frozen=True)
class CorpusItem:
    """One annotated reply: its text, context and the finding codes it should produce."""

    id: str
    text: str
    context: ReplyContext
    expected: frozenset[str]


@dataclass
class Report:
    """Counts per code and the items where the mirror disagreed with the annotation."""

    true_pos: Counter[str] = field(default_factory=Counter)
    false_pos: Counter[str] = field(default_factory=Counter)
    false_neg: Counter[str] = field(default_factory=Counter)
    items: int = 0
    clean_expected: int = 0
    clean_got: int = 0
    mistakes: list[dict[str, Any]] = field(default_factory=list)

    def per_code(self) -> dict[str, dict[str, float | int | None]]:
        """Precision, recall and support for every code seen."""
        codes = sorted(set(self.true_pos) | set(self.false_pos) | set(self.false_neg))
        return {code: _scores(self, code) for code in codes}

    def to_dict(self) -> dict[str, Any]:
        """A JSON-friendly summary."""
        tp, fp, fn = (sum(c.values()) for c in (self.true_pos, self.false_pos, self.false_neg))
        return {
            "items": self.items,
            "clean_replies": self.clean_expected,
            "clean_replies_kept_clean": self.clean_got,
            "micro": {"precision": _ratio(tp, tp + fp), "recall": _ratio(tp, tp + fn)},
            "per_code": self.per_code(),
            "mistakes": self.mistakes,
        }


def _ratio(num: int, den: int) -> float | None:
    return round(num / den, 3) if den else None


def _scores(report: Report, code: str) -> dict[str, float | int | None]:
    tp, fp, fn = report.true_pos[code], report.false_pos[code], report.false_neg[code]
    return {
        "precision": _ratio(tp, tp + fp),
        "recall": _ratio(tp, tp + fn),
        "support": tp + fn,
        "tp": tp,
        "fp": fp,
        "fn": fn,
    }


def load_corpus(path: Path) -> list[CorpusItem]:
    """Read the JSONL corpus; a broken line raises ValueError with its line number."""
    items = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip():
            continue
        try:
            data = json.loads(line)
            items.append(
                CorpusItem(
                    id=str(data["id"]),
                    text=str(data["text"]),
                    context=ReplyContext.from_dict(data.get("context")),
                    expected=frozenset(data.get("expected", [])),
                )
            )
        except (ValueError, KeyError, TypeError) as exc:
            raise ValueError(f"{path}:{number}: {exc}") from exc
    return items


def evaluate(items: Iterable[CorpusItem]) -> Report:
    """Run the mirror on every item and compare the set of codes with the annotation."""
    report = Report()
    for item in items:
        got = {f.code for f in check_reply(item.text, context=item.context)}
        report.items += 1
        if not item.expected:
            report.clean_expected += 1
            report.clean_got += not got
        for code in got & item.expected:
            report.true_pos[code] += 1
        for code in got - item.expected:
            report.false_pos[code] += 1
        for code in item.expected - got:
            report.false_neg[code] += 1
        if got != item.expected:
            extra, missed = sorted(got - item.expected), sorted(item.expected - got)
            report.mistakes.append({"id": item.id, "extra": extra, "missed": missed})
    return report


def markdown_table(report: Report) -> str:
    """The per-code figures as a Markdown table (for docs/tone.md)."""
    lines = [
        "| code | precision | recall | support | fp | fn |",
        "| --- | --- | --- | --- | --- | --- |",
    ]
    for code, s in report.per_code().items():
        lines.append(
            f"| `{code}` | {_fmt(s['precision'])} | {_fmt(s['recall'])} | {s['support']} "
            f"| {s['fp']} | {s['fn']} |"
        )
    summary = report.to_dict()
    lines.append(
        f"| **all (micro)** | {_fmt(summary['micro']['precision'])} "
        f"| {_fmt(summary['micro']['recall'])} | | | |"
    )
    return "\n".join(lines)


def _fmt(value: object) -> str:
    return "–" if value is None else f"{value:.3f}"
