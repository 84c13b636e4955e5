"""Column mappings: how a row of an export becomes an InboundMessage.

A mapping is a dict `target field -> spec`, saved per import source. A spec is a column
name, or an object: `{"column": "Datum", "format": "%d-%m-%Y %H:%M", "tz": "Europe/
Amsterdam"}`, `{"columns": ["Voornaam", "Achternaam"], "join": " "}`, `{"value": true}`
(a constant), and for `sent_at` the formats `iso`, `epoch` and `epoch_ms` as well.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import zoneinfo
from collections.abc import Iterable, Iterator, Mapping
from typing import Any

from nabij.connectors.base import InboundMessage, RowError

TARGETS = (
    "external_id",
    "author_handle",
    "author_name",
    "text",
    "sent_at",
    "in_reply_to",
    "thread_key",
    "public",
    "url",
    "content_warning",
    "channel",
)
REQUIRED = ("text", "sent_at")
TRUE_WORDS = {"1", "true", "yes", "ja", "waar", "public", "publiek", "openbaar", "y", "j"}
DEFAULT_TZ = "Europe/Amsterdam"


class MappingError(ValueError):
    """A mapping spec is unusable."""


def validate_mapping(mapping: Any) -> list[str]:
    """Problems with a saved mapping (unknown targets, missing required fields, bad specs)."""
    if not isinstance(mapping, dict):
        return ["a mapping must be an object of target field -> column"]
    errors = [f"unknown target field {t!r}" for t in mapping if t not in TARGETS]
    errors += [f"required field {t!r} is not mapped" for t in REQUIRED if t not in mapping]
    for target, spec in mapping.items():
        if isinstance(spec, str):
            continue
        if not isinstance(spec, dict) or not ({"column", "columns", "value"} & spec.keys()):
            errors.append(f"{target}: spec needs 'column', 'columns' or 'value'")
        elif "tz" in spec:
            try:
                zoneinfo.ZoneInfo(str(spec["tz"]))
            except (zoneinfo.ZoneInfoNotFoundError, ValueError):
                errors.append(f"{target}: unknown time zone {spec['tz']!r}")
    return errors


def _raw_value(row: Mapping[str, Any], spec: Any) -> Any:
    if isinstance(spec, str):
        if spec not in row:
            raise MappingError(f"column {spec!r} not found")
        return row[spec]
    if "value" in spec:
        return spec["value"]
    if "columns" in spec:
        parts = [_raw_value(row, c) for c in spec["columns"]]
        return str(spec.get("join", " ")).join(str(p) for p in parts if p not in (None, ""))
    return _raw_value(row, spec["column"])


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))  # spreadsheets turn ids into floats
    return str(value).strip()


def parse_timestamp(value: Any, spec: Any) -> dt.datetime:
    """A timestamp cell as an aware datetime, following the spec's format and time zone."""
    options = spec if isinstance(spec, dict) else {}
    fmt = str(options.get("format") or "iso")
    tz = zoneinfo.ZoneInfo(str(options.get("tz") or DEFAULT_TZ))
    if isinstance(value, dt.datetime):
        parsed = value
    elif fmt in ("epoch", "epoch_ms"):
        number = float(_text(value))
        return dt.datetime.fromtimestamp(number / (1000 if fmt == "epoch_ms" else 1), dt.UTC)
    elif fmt == "iso":
        parsed = dt.datetime.fromisoformat(_text(value).replace("Z", "+00:00"))
    else:
        parsed = dt.datetime.strptime(_text(value), fmt)
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=tz)


def row_hash(row: Mapping[str, Any], source: str) -> str:
    """A stable id for a row without an id column: the same row always hashes the same."""
    canonical = json.dumps(
        {k: _text(v) for k, v in row.items()}, sort_keys=True, ensure_ascii=False
    )
    return f"{source}:sha256:" + hashlib.sha256(canonical.encode()).hexdigest()[:40]


def map_row(row: Mapping[str, Any], mapping: Mapping[str, Any], source: str) -> InboundMessage:
    """Apply a mapping to one row; raises ValueError/MappingError with a readable reason."""
    if "__error__" in row:
        raise MappingError(str(row["__error__"]))
    values = {t: _raw_value(row, spec) for t, spec in mapping.items() if t != "sent_at"}
    text = _text(values.get("text"))
    if not text:
        raise MappingError("empty text")
    try:
        sent_at = parse_timestamp(_raw_value(row, mapping["sent_at"]), mapping["sent_at"])
    except (ValueError, TypeError, OverflowError) as exc:
        raise MappingError(f"unreadable date: {exc}") from None
    public = values.get("public", True)
    external = _text(values.get("external_id"))
    return InboundMessage(
        channel=_text(values.get("channel")) or "import",
        external_id=f"{source}:{external}" if external else row_hash(row, source),
        author_handle=_text(values.get("author_handle")),
        author_name=_text(values.get("author_name")),
        text=text,
        sent_at=sent_at,
        in_reply_to=(
            f"{source}:{_text(values['in_reply_to'])}" if _text(values.get("in_reply_to")) else None
        ),
        thread_key=_text(values.get("thread_key")),
        public=public if isinstance(public, bool) else _text(public).lower() in TRUE_WORDS,
        url=_text(values.get("url")),
        content_warning=_text(values.get("content_warning")),
        raw={"source": source, "row": {k: _text(v) for k, v in row.items()}},
        reply_target={},
    )


def map_rows(
    rows: Iterable[tuple[int, Mapping[str, Any]]], mapping: Mapping[str, Any], source: str
) -> Iterator[InboundMessage | RowError]:
    """Map a stream of numbered rows; each bad row becomes a RowError with its number."""
    for number, row in rows:
        try:
            yield map_row(row, mapping, source)
        except (MappingError, ValueError, TypeError, KeyError) as exc:
            yield RowError(number, str(exc))
