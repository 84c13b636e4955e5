"""File imports: exports of platforms and other webcare tools, mapped per source."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from nabij.connectors.base import (
    JSON,
    ConfigField,
    ConnectorBase,
    InboundMessage,
    ParseResult,
    RowError,
)
from nabij.connectors.fileimport.mapping import map_rows, validate_mapping
from nabij.connectors.fileimport.readers import ReaderError, iter_file


@dataclass
class ImportStats:
    """Counts of one import run, filled while the stream is consumed."""

    rows: int = 0
    messages: int = 0
    errors: list[RowError] = field(default_factory=list)
    max_errors_kept: int = 1000

    def add_error(self, error: RowError) -> None:
        """Count an error; keep the first `max_errors_kept` for the report."""
        if len(self.errors) < self.max_errors_kept:
            self.errors.append(error)


def import_file(
    path: Path,
    mapping: Mapping[str, Any],
    source: str,
    fmt: str | None = None,
    stats: ImportStats | None = None,
    sheet: str | None = None,
) -> Iterator[InboundMessage]:
    """Stream the messages of an export file; bad rows are counted in `stats`, not raised."""
    problems = validate_mapping(mapping)
    if problems:
        raise ReaderError("; ".join(problems))
    stats = stats if stats is not None else ImportStats()
    for item in map_rows(iter_file(path, fmt, sheet), mapping, source):
        stats.rows += 1
        if isinstance(item, RowError):
            stats.add_error(item)
        else:
            stats.messages += 1
            yield item


class FileImportConnector(ConnectorBase):
    """CSV / JSON / JSONL / XLSX exports with a saved column mapping per source."""

    kind = "import"
    label = "Bestandsimport (CSV, JSON, XLSX)"
    inbound = "none"
    config_schema = (
        ConfigField("source", "Source name", help="e.g. 'coosto-export'; part of every id"),
        ConfigField("mapping", "Column mapping", kind="object", help="target field -> column"),
        ConfigField("format", "Format (csv/json/jsonl/xlsx)", required=False, default=""),
    )

    def extra_config_errors(self, config: Mapping[str, JSON]) -> list[str]:
        """The mapping and the format must be usable."""
        errors: list[str] = []
        if isinstance(config.get("mapping"), dict):
            errors += validate_mapping(config["mapping"])
        if config.get("format") not in (None, "", "csv", "json", "jsonl", "ndjson", "xlsx"):
            errors.append("format must be csv, json, jsonl or xlsx")
        return errors

    def parse(self, payload: JSON) -> ParseResult:
        """Map in-memory rows: {"rows": [{...}], "mapping": {...}, "source": "name"}."""
        if not isinstance(payload, dict) or not isinstance(payload.get("rows"), list):
            return ParseResult(errors=(RowError(0, "payload needs 'rows'"),))
        mapping, source = payload.get("mapping"), str(payload.get("source") or "import")
        problems = validate_mapping(mapping)
        if problems or not isinstance(mapping, dict):
            return ParseResult(errors=tuple(RowError(0, p) for p in problems))
        numbered = (
            (i, r if isinstance(r, dict) else {"__error__": "row is not an object"})
            for i, r in enumerate(payload["rows"], start=1)
        )
        items = list(map_rows(numbered, mapping, source))
        return ParseResult(
            tuple(i for i in items if isinstance(i, InboundMessage)),
            tuple(i for i in items if isinstance(i, RowError)),
        )
