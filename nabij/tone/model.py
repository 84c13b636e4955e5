"""Data shapes of the tone mirror: the reply context and a finding."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from nabij.businesstime import OfficeHours

EMOTIONS = ("boos", "frustratie", "verdriet", "angst", "vermoeidheid", "blij", "neutraal")
NEGATIVE_EMOTIONS = frozenset({"boos", "frustratie", "verdriet", "angst", "vermoeidheid"})
SEVERITIES = ("high", "medium", "low")

# Character limits per channel; channels without a practical limit are absent.
CHANNEL_LIMITS = {
    "x": 280,
    "bluesky": 300,
    "mastodon": 500,
    "instagram": 2200,
    "whatsapp": 4096,
    "facebook": 8000,
}


def _clean_str(value: Any, limit: int = 200) -> str | None:
    if value is None:
        return None
    text = str(value).strip()[:limit]
    return text or None


@dataclass(frozen=True)
class ReplyContext:
    """What the tone mirror knows about the message a draft answers."""

    name: str | None = None
    emotion: str | None = None
    message_type: str | None = None
    channel: str | None = None
    language: str = "nl"
    now: dt.datetime | None = None
    office_hours: OfficeHours | None = None

    @classmethod
    def from_dict(cls, data: Mapping[str, Any] | None) -> ReplyContext:
        """Build a context from untrusted JSON-like data; unknown values are dropped."""
        if not isinstance(data, Mapping):
            return cls()
        emotion = _clean_str(data.get("emotion"))
        emotion = emotion.lower() if emotion else None
        language = (_clean_str(data.get("language")) or "nl").lower()
        channel = _clean_str(data.get("channel"))
        message_type = _clean_str(data.get("type") or data.get("message_type"))
        return cls(
            name=_clean_str(data.get("name")),
            emotion=emotion if emotion in EMOTIONS else None,
            message_type=message_type.lower() if message_type else None,
            channel=channel.lower() if channel else None,
            language=language if language in ("nl", "en") else "nl",
            now=_parse_now(data.get("now")),
        )


def _parse_now(value: Any) -> dt.datetime | None:
    if isinstance(value, dt.datetime):
        return value if value.tzinfo else None
    if not isinstance(value, str):
        return None
    try:
        parsed = dt.datetime.fromisoformat(value)
    except ValueError:
        return None
    return parsed if parsed.tzinfo else None


@dataclass(frozen=True)
class FollowUp:
    """A proposed follow-up task for a promise, so the UI can offer it in one click."""

    business_days: int
    due: dt.datetime | None
    due_text: str | None
    title: str
    wording: str

    def to_dict(self) -> dict[str, Any]:
        """A JSON-friendly form."""
        return {
            "business_days": self.business_days,
            "due": self.due.isoformat() if self.due else None,
            "due_text": self.due_text,
            "title": self.title,
            "wording": self.wording,
        }


@dataclass(frozen=True)
class ToneFinding:
    """One remark of the tone mirror about a draft reply."""

    code: str
    severity: str
    start: int | None
    end: int | None
    excerpt: str | None
    message: str
    why: str
    suggestion: str | None = None
    # The exact text that may replace the span by "apply suggestions"; None when a
    # person has to rewrite it.
    replacement: str | None = None
    followup: FollowUp | None = None

    def to_dict(self) -> dict[str, Any]:
        """A JSON-friendly form."""
        return {
            "code": self.code,
            "severity": self.severity,
            "start": self.start,
            "end": self.end,
            "excerpt": self.excerpt,
            "message": self.message,
            "why": self.why,
            "suggestion": self.suggestion,
            "replacement": self.replacement,
            "followup": self.followup.to_dict() if self.followup else None,
        }
