"""Small builders for foundation tests."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from nabij.actions.ingest import IngestItem

BASE_TIME = datetime(2026, 10, 5, 9, 0, tzinfo=UTC)


def item(external_id: str, **overrides: Any) -> IngestItem:
    """An inbound item with sensible defaults."""
    values: dict[str, Any] = {
        "external_id": external_id,
        "author_handle": "@anna@mastodon.example",
        "author_name": "Anna",
        "text": f"De lantaarnpaal in de Wiekstraat is kapot ({external_id})",
        "sent_at": BASE_TIME
        + timedelta(minutes=int("".join(c for c in external_id if c.isdigit()) or 0)),
    }
    values.update(overrides)
    return IngestItem(**values)
