"""How well the organisation responds, and whether a channel carries dialogue or broadcast.

Pure functions over simple records; the results are plain dicts ready for tables.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime

import numpy as np

# Decisions that record a deliberate choice not to answer the resident in public or private.
SILENT_ACTIONS = frozenset({"bewust_niet_reageren", "monitoren", "verbergen"})

Duration = Callable[[datetime, datetime], float]


def wall_clock_hours(start: datetime, end: datetime) -> float:
    """Hours between two moments (inject business-hours arithmetic instead where wanted)."""
    return (end - start).total_seconds() / 3600.0


@dataclass(frozen=True)
class ResponseRecord:
    """One inbound message with what the organisation did about it."""

    key: str
    channel: str
    type: str
    received_at: datetime
    first_reply_at: datetime | None = None
    decision_action: str | None = None
    decision_reason: str | None = None
    deadline_at: datetime | None = None


@dataclass(frozen=True)
class OwnPost:
    """A post the organisation published itself, with the reactions it drew."""

    channel: str
    sent_at: datetime
    reactions: int = 0


def _hours_summary(hours: list[float]) -> dict:
    if not hours:
        return {"median_hours": None, "p90_hours": None}
    values = np.asarray(hours, dtype=float)
    return {
        "median_hours": round(float(np.median(values)), 2),
        "p90_hours": round(float(np.percentile(values, 90)), 2),
    }


def _summary(records: Sequence[ResponseRecord], now: datetime, duration: Duration) -> dict:
    count = len(records)
    hours = [
        max(0.0, duration(r.received_at, r.first_reply_at))
        for r in records if r.first_reply_at is not None
    ]  # fmt: skip
    silent = [
        r for r in records if r.first_reply_at is None and r.decision_action in SILENT_ACTIONS
    ]
    reasons = Counter(r.decision_reason or "geen reden vastgelegd" for r in silent)
    due = [r for r in records if r.deadline_at is not None and (
        r.first_reply_at is not None or r.deadline_at <= now)]  # fmt: skip
    met = sum(1 for r in due if r.first_reply_at is not None and r.deadline_at is not None
              and r.first_reply_at <= r.deadline_at)  # fmt: skip
    unaccounted = sum(1 for r in records if r.first_reply_at is None and not r.decision_action)
    return {
        "messages": count,
        "replied": len(hours),
        "reply_rate": round(len(hours) / count, 3) if count else None,
        **_hours_summary(hours),
        "conscious_silence": len(silent),
        "conscious_silence_share": round(len(silent) / count, 3) if count else None,
        "silence_reasons": dict(sorted(reasons.items(), key=lambda kv: (-kv[1], kv[0]))),
        "unaccounted": unaccounted,
        "deadlines_due": len(due),
        "deadlines_met": met,
        "deadline_compliance": round(met / len(due), 3) if due else None,
    }


def responsiveness(
    records: Iterable[ResponseRecord], now: datetime, duration: Duration = wall_clock_hours
) -> dict:
    """Time to first reply (median, p90), reply rate, conscious silence and deadlines.

    Returns {"overall": {...}, "by_channel": {channel: {...}}, "by_type": {type: {...}}}.
    A deadline counts once it has passed or the message got a reply; open ones still in
    time are left out.
    """
    rows = list(records)
    by_channel: dict[str, list[ResponseRecord]] = {}
    by_type: dict[str, list[ResponseRecord]] = {}
    for r in rows:
        by_channel.setdefault(r.channel, []).append(r)
        by_type.setdefault(r.type, []).append(r)
    return {
        "overall": _summary(rows, now, duration),
        "by_channel": {k: _summary(v, now, duration) for k, v in sorted(by_channel.items())},
        "by_type": {k: _summary(v, now, duration) for k, v in sorted(by_type.items())},
    }


def channel_effectiveness(
    posts: Iterable[OwnPost], records: Iterable[ResponseRecord]
) -> dict[str, dict]:
    """Per channel: posts sent against dialogue received, reply rate and the broadcast share.

    `broadcast_share` is posts / (posts + replies): the part of what the organisation sends
    on a channel that is "sending out stuff" rather than answering residents.
    """
    sent: Counter[str] = Counter()
    reactions: Counter[str] = Counter()
    for post in posts:
        sent[post.channel] += 1
        reactions[post.channel] += max(0, int(post.reactions))
    received: Counter[str] = Counter()
    replied: Counter[str] = Counter()
    for r in records:
        received[r.channel] += 1
        replied[r.channel] += r.first_reply_at is not None
    out = {}
    for channel in sorted(set(sent) | set(received)):
        posts_n, replies_n = sent[channel], replied[channel]
        out[channel] = {
            "posts_sent": posts_n,
            "reactions_received": reactions[channel],
            "reactions_per_post": round(reactions[channel] / posts_n, 2) if posts_n else None,
            "messages_received": received[channel],
            "replies_sent": replies_n,
            "reply_rate": round(replies_n / received[channel], 3) if received[channel] else None,
            "broadcast_share": (
                round(posts_n / (posts_n + replies_n), 3) if posts_n + replies_n else None
            ),
        }
    return out
