"""Importing JSONL files through the ingestion action, in transactional batches."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import IO, Any

from nabij.actions.ingest import IngestItem, do_ingest_messages, get_or_create_channel
from nabij.importformat import ImportLine, LineError, parse_line
from nabij.models import Channel


@dataclass
class ImportReport:
    """Counts and per-line errors of one import run."""

    lines: int = 0
    created: int = 0
    existing: int = 0
    errors: list[tuple[int, str]] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        """True when no line failed."""
        return not self.errors


def _read_lines(stream: IO[bytes]) -> Iterator[tuple[int, str | None, str | None]]:
    """Yield (line number, text, decode error) without loading the file into memory."""
    for number, raw in enumerate(stream, start=1):
        try:
            yield number, raw.decode("utf-8-sig" if number == 1 else "utf-8"), None
        except UnicodeDecodeError as exc:
            yield number, None, f"not valid UTF-8 at byte {exc.start}"


def _to_item(line: ImportLine) -> IngestItem:
    return IngestItem(
        external_id=line.external_id,
        author_handle=line.author_handle,
        author_name=line.author_name,
        text=line.text,
        sent_at=line.sent_at,
        in_reply_to=line.in_reply_to,
        public=line.public,
        url=line.url,
        direction=line.direction,
        labels=line.labels,
        raw=line.raw,
    )


def do_import_jsonl(
    stream: IO[bytes],
    *,
    actor: Any = None,
    batch_size: int = 2000,
    queue_analysis: bool = True,
    progress: Callable[[int], None] | None = None,
) -> ImportReport:
    """Import every valid line; report invalid ones with their line number and reason."""
    report = ImportReport()
    channels: dict[str, Channel] = {}
    pending: dict[str, list[IngestItem]] = {}
    pending_count = 0

    def flush() -> None:
        nonlocal pending_count
        for name, items in pending.items():
            channel = channels.get(name) or get_or_create_channel(name)
            channels[name] = channel
            for result in do_ingest_messages(
                channel, items, actor=actor, source="import", queue_analysis=queue_analysis
            ):
                if result.created:
                    report.created += 1
                else:
                    report.existing += 1
        if progress:
            progress(pending_count)
        pending.clear()
        pending_count = 0

    for number, text, decode_error in _read_lines(stream):
        report.lines = number
        if decode_error:
            report.errors.append((number, decode_error))
            continue
        try:
            line = parse_line(text or "")
        except LineError as exc:
            report.errors.append((number, str(exc)))
            continue
        if line is None:
            continue
        pending.setdefault(line.channel, []).append(_to_item(line))
        pending_count += 1
        if pending_count >= batch_size:
            flush()
    flush()
    return report
