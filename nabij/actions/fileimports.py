"""File imports (CSV, JSON, JSONL, XLSX) with a column mapping saved on an `import` channel.

The file is streamed and ingested in batches, each batch in its own transaction, so a
large file never sits in memory; importing it again adds nothing, because every row's
id is derived from the source name and its id column (or a hash of the row).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.utils.translation import gettext as _

from nabij.actions.audit import do_record_audit_event
from nabij.actions.channels import ingest_item_from
from nabij.actions.errors import ActionError
from nabij.actions.ingest import IngestItem, do_ingest_messages, get_or_create_channel
from nabij.connectors.fileimport import ImportStats, import_file
from nabij.connectors.fileimport.readers import ReaderError
from nabij.models import Channel

MAX_ERRORS_SHOWN = 200


@dataclass
class FileImportReport:
    """Counts and row errors (row numbers as in the file; the header is row 1)."""

    rows: int = 0
    created: int = 0
    existing: int = 0
    errors: list[tuple[str, str]] = field(default_factory=list)
    error_count: int = 0


def import_channel(name: str) -> Channel:
    """The saved mapping (an `import` channel) with this code, or ActionError."""
    channel = Channel.objects.filter(slug=name, kind="import").first()
    if channel is None:
        known = ", ".join(Channel.objects.filter(kind="import").values_list("slug", flat=True))
        shown = repr(str(name)[:60])
        if not known:
            raise ActionError(
                _("geen opgeslagen kolomindeling %(name)s; er zijn er nog geen opgeslagen")
                % {"name": shown}
            )
        raise ActionError(
            _("geen opgeslagen kolomindeling %(name)s; bekend: %(known)s")
            % {"name": shown, "known": known}
        )
    return channel


def do_import_file(
    actor: Any,
    channel: Channel,
    path: Path,
    *,
    fmt: str | None = None,
    batch_size: int = 500,
    queue_analysis: bool = True,
    progress: Callable[[int], None] | None = None,
) -> FileImportReport:
    """Import an export file with the channel's saved mapping; bad rows are reported."""
    config = channel.config if isinstance(channel.config, dict) else {}
    mapping, source = config.get("mapping"), str(config.get("source") or channel.slug)
    stats = ImportStats(max_errors_kept=MAX_ERRORS_SHOWN)
    report = FileImportReport()
    pending: dict[str, list[IngestItem]] = {}
    channels: dict[str, Channel] = {"import": channel}

    def flush() -> None:
        for name, items in pending.items():
            target = channels.get(name) or get_or_create_channel(name)
            channels[name] = target
            results = do_ingest_messages(
                target, items, actor=actor, source="import", queue_analysis=queue_analysis
            )
            report.created += sum(1 for r in results if r.created)
            report.existing += sum(1 for r in results if not r.created)
        if progress:
            progress(sum(len(v) for v in pending.values()))
        pending.clear()

    count = 0
    try:
        for message in import_file(path, mapping or {}, source, fmt or config.get("format"), stats):
            pending.setdefault(message.channel or "import", []).append(ingest_item_from(message))
            count += 1
            if count % batch_size == 0:
                flush()
        flush()
    except ReaderError as exc:
        raise ActionError(_("het bestand is niet te lezen: %(error)s") % {"error": exc}) from None
    report.rows = stats.rows
    report.error_count = stats.rows - stats.messages
    report.errors = [(str(e.position), e.error) for e in stats.errors]
    do_record_audit_event(
        actor,
        "import.file",
        channel,
        {"file": path.name, "rows": report.rows, "created": report.created,
         "errors": report.error_count},
    )  # fmt: skip
    return report
