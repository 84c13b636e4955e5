"""The JSONL import line format (docs/import-format.md): parsing and validation, pure."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

CHANNEL_RE = re.compile(r"^[a-z0-9][a-z0-9_-]{0,59}$")
MAX_TEXT = 100_000
MAX_ID = 300
LABEL_KEYS = {
    "type",
    "sentiment",
    "emotion",
    "topic",
    "urgency",
    "toxicity_categories",
    "language",
}


class LineError(ValueError):
    """A line cannot be imported; the message says why."""


@dataclass(frozen=True)
class ImportLine:
    """One valid import line."""

    channel: str
    external_id: str
    author_handle: str
    author_name: str
    text: str
    sent_at: datetime
    in_reply_to: str | None
    public: bool
    url: str
    direction: str
    labels: dict[str, Any] | None
    raw: dict[str, Any] = field(default_factory=dict)


def _string(obj: dict[str, Any], key: str, *, required: bool, limit: int) -> str:
    value = obj.get(key)
    if value is None:
        if required:
            raise LineError(f"'{key}' is missing")
        return ""
    if isinstance(value, int | float) and not isinstance(value, bool) and key == "external_id":
        value = str(value)
    if not isinstance(value, str):
        raise LineError(f"'{key}' must be a string, not {type(value).__name__}")
    if required and not value.strip():
        raise LineError(f"'{key}' is empty")
    if len(value) > limit:
        raise LineError(f"'{key}' is longer than {limit} characters")
    return value


def _clean_text(text: str) -> str:
    # Control characters other than newline and tab are noise from exports; NUL breaks databases.
    return "".join(ch for ch in text if ch in "\n\t" or ch >= " " or ch == "\r").replace("\x00", "")


def parse_datetime(value: Any) -> datetime:
    """Parse an ISO 8601 timestamp that must carry a time zone."""
    if not isinstance(value, str):
        raise LineError("'sent_at' must be an ISO 8601 string")
    text = value.strip()
    if text.endswith("Z"):
        text = text[:-1] + "+00:00"
    try:
        parsed = datetime.fromisoformat(text)
    except ValueError:
        raise LineError(f"'sent_at' is not an ISO 8601 date-time: {value[:40]!r}") from None
    if parsed.tzinfo is None:
        raise LineError("'sent_at' has no time zone (add +01:00, +02:00 or Z)")
    return parsed


def parse_line(line: str) -> ImportLine | None:
    """Parse one line; None for a blank line, LineError for an invalid one."""
    if not line.strip():
        return None
    try:
        obj = json.loads(line)
    except (json.JSONDecodeError, RecursionError) as exc:
        raise LineError(f"not valid JSON ({exc.__class__.__name__}: {str(exc)[:80]})") from None
    if not isinstance(obj, dict):
        raise LineError("a line must be a JSON object")
    channel = _string(obj, "channel", required=True, limit=60).strip().lower()
    if not CHANNEL_RE.match(channel):
        raise LineError(f"'channel' {channel[:30]!r} may only hold a-z, 0-9, '-' and '_'")
    external_id = _string(obj, "external_id", required=True, limit=MAX_ID).strip()
    author = obj.get("author")
    if not isinstance(author, dict):
        raise LineError("'author' must be an object with at least 'handle'")
    handle = _string(author, "handle", required=True, limit=300).strip()
    name = _string(author, "name", required=False, limit=200).strip()
    text = obj.get("text")
    if not isinstance(text, str):
        raise LineError("'text' is missing or not a string")
    if len(text) > MAX_TEXT:
        raise LineError(f"'text' is longer than {MAX_TEXT} characters")
    sent_at = parse_datetime(obj.get("sent_at"))
    in_reply_to = obj.get("in_reply_to")
    if in_reply_to is not None:
        if isinstance(in_reply_to, int) and not isinstance(in_reply_to, bool):
            in_reply_to = str(in_reply_to)
        if not isinstance(in_reply_to, str) or len(in_reply_to) > MAX_ID:
            raise LineError("'in_reply_to' must be the external id (a string) of another message")
        in_reply_to = in_reply_to.strip() or None
    public = obj.get("public", True)
    if not isinstance(public, bool):
        raise LineError("'public' must be true or false")
    url = _string(obj, "url", required=False, limit=1000).strip()
    if url and not url.lower().startswith(("http://", "https://")):
        raise LineError("'url' must start with http:// or https://")
    direction = obj.get("direction", "inbound") or "inbound"
    if direction not in ("inbound", "outbound"):
        raise LineError("'direction' must be 'inbound' or 'outbound'")
    labels = obj.get("labels")
    if labels is not None:
        if isinstance(labels, list) and all(isinstance(x, str) for x in labels):
            labels = {"tags": labels}
        elif not isinstance(labels, dict):
            raise LineError("'labels' must be an object (or a list of strings)")
    return ImportLine(
        channel=channel,
        external_id=external_id,
        author_handle=handle,
        author_name=name,
        text=_clean_text(text),
        sent_at=sent_at,
        in_reply_to=in_reply_to,
        public=public,
        url=url,
        direction=direction,
        labels=labels,
        raw={"source": "import"},
    )
