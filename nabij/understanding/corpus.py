"""Read labelled messages from JSONL (corpus format and import format alike)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any


@dataclass(frozen=True)
class LabelledMessage:
    """One message with its gold labels."""

    id: str
    text: str
    labels: dict[str, Any]
    source: str


def read_labelled(path: Path) -> Iterator[LabelledMessage]:
    """Labelled messages of one file; lines without labels (outbound, junk) are skipped.

    Accepts `{"id", "text", "labels"}` and the import format (`external_id`, `channel`,
    `direction`, `labels`).
    """
    with open(path, encoding="utf-8", errors="replace") as handle:
        for number, line in enumerate(handle, start=1):
            try:
                record = json.loads(line)
            except json.JSONDecodeError:
                continue
            if not isinstance(record, dict):
                continue
            labels = record.get("labels")
            text = record.get("text")
            if not isinstance(labels, dict) or not isinstance(text, str):
                continue
            if record.get("direction", "inbound") == "outbound":
                continue
            ident = record.get("id") or (
                f"{record.get('channel', '')}:{record.get('external_id', '')}"
                if record.get("external_id")
                else f"{path.name}:{number}"
            )
            yield LabelledMessage(str(ident), text, labels, path.name)


def read_many(paths: list[Path]) -> list[LabelledMessage]:
    """Messages of several files, de-duplicated on text and sorted for determinism."""
    seen: dict[str, LabelledMessage] = {}
    for path in sorted(paths):
        for message in read_labelled(path):
            seen.setdefault(message.text.strip(), message)
    return sorted(seen.values(), key=lambda m: (m.source, m.id, m.text))
