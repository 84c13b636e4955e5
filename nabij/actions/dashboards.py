"""Dashboard data, read from the roll-up tables only (never from raw messages).

The per-day charts read one row per day, channel and type (`TypeDayStat`, or `DailyStat`
when a topic is chosen). Totals over the period (topics, channels, decisions, response
times) read pre-summed blocks of 28, 7 and 1 days (`cover` in rollups.py), so a year costs
about thirty blocks instead of 365 days. `cached_dashboard` keeps a computed dashboard in
Django's cache under the filters and the roll-up version, which every refresh changes.
"""

from __future__ import annotations

import hashlib
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from django.core.cache import cache
from django.db.models import Q, QuerySet, Sum

from nabij.actions.rollups import RESPONSE_HISTOGRAM, cover, histogram_percentile, rollup_version
from nabij.models import (
    DailyStat,
    DecisionBlockStat,
    OwnPostStat,
    ResponseBlockStat,
    TopicBlockStat,
    TypeDayStat,
)

SILENCE_ACTIONS = ("bewust_niet_reageren", "verbergen", "monitoren")
REPLY_ACTIONS = ("beantwoorden", "prive_voortzetten", "indirect_reageren")
TONE_SUMS = ("messages", "sentiment_sum", "negative", "toxic", "angry", "tired", "frustrated")
CACHE_SECONDS = 3600  # a refresh changes the key long before; this only bounds memory


@dataclass
class Filters:
    """Period, channel and topic chosen on a dashboard."""

    start: date
    end: date  # inclusive
    channel: str = ""
    topic: str = ""

    @property
    def days(self) -> list[date]:
        """Every day in the period."""
        return [self.start + timedelta(days=i) for i in range((self.end - self.start).days + 1)]


@dataclass
class Dashboard:
    """Everything one dashboard page shows: series for charts and rows for tables."""

    filters: Filters
    volume: dict[str, list[int]] = field(default_factory=dict)
    totals: dict[str, int] = field(default_factory=dict)
    tone: dict[str, list[float]] = field(default_factory=dict)
    topics: list[tuple[str, int, float]] = field(default_factory=list)
    channels: list[tuple[str, int]] = field(default_factory=list)
    decisions: list[tuple[str, str, int]] = field(default_factory=list)
    responsiveness: list[dict[str, Any]] = field(default_factory=list)
    effectiveness: list[dict[str, Any]] = field(default_factory=list)


def cache_key(filters: Filters, version: str) -> str:
    """Cache key of a dashboard: the roll-up version and the filters (hashed: user input)."""
    raw = "\x1f".join(
        (version, filters.start.isoformat(), filters.end.isoformat(), filters.channel,
         filters.topic)
    )  # fmt: skip
    return "nabij:dashboard:" + hashlib.sha256(raw.encode()).hexdigest()


def cached_dashboard(filters: Filters) -> Dashboard:
    """The dashboard for these filters, from the cache while the roll-ups are unchanged."""
    key = cache_key(filters, rollup_version())
    board = cache.get(key)
    if not isinstance(board, Dashboard):
        board = build_dashboard(filters)
        cache.set(key, board, CACHE_SECONDS)
    return board


def _blocks(filters: Filters) -> Q:
    """The blocks that together make up the period exactly (none for an empty period)."""
    q = Q(pk__in=[])  # an empty Q() would match every row
    for grain, first, last in cover(filters.start, filters.end):
        q |= Q(grain=grain, start__gte=first, start__lte=last)
    return q


def build_dashboard(filters: Filters) -> Dashboard:
    """Assemble every series and table for the period (five aggregate queries)."""
    board = Dashboard(filters)
    _series(board)
    _topics_and_channels(board)
    by_channel = _decisions(board)
    board.responsiveness = responsiveness(filters)
    board.effectiveness = effectiveness(filters, board.channels, by_channel)
    return board


def _series(board: Dashboard) -> None:
    """Volume per type and tone shares per day."""
    filters = board.filters
    n = (filters.end - filters.start).days + 1
    rows: QuerySet[Any]
    if filters.topic:
        rows = DailyStat.objects.filter(topic=filters.topic)
    else:
        rows = TypeDayStat.objects.all()
    rows = rows.filter(day__gte=filters.start, day__lte=filters.end)
    if filters.channel:
        rows = rows.filter(channel=filters.channel)
    volume: dict[str, list[int]] = defaultdict(lambda: [0] * n)
    sums = {name: [0.0] * n for name in TONE_SUMS}
    for row in rows.values("day", "type").annotate(**{f"s_{k}": Sum(k) for k in TONE_SUMS}):
        i = (row["day"] - filters.start).days
        volume[row["type"]][i] += row["s_messages"]
        for name in TONE_SUMS:
            sums[name][i] += row[f"s_{name}"] or 0
    board.volume = dict(sorted(volume.items()))
    board.totals = {t: sum(v) for t, v in board.volume.items()}
    msgs = sums["messages"]

    def share(key: str) -> list[float]:
        return [round(sums[key][i] / msgs[i], 3) if msgs[i] else 0.0 for i in range(n)]

    board.tone = {
        "sentiment": share("sentiment_sum"),
        "negative": share("negative"),
        "toxic": share("toxic"),
        "angry": share("angry"),
        "frustrated": share("frustrated"),
        "tired": share("tired"),
    }


def _topics_and_channels(board: Dashboard) -> None:
    """Messages and negative share per topic (top 15), messages per channel."""
    filters = board.filters
    rows = TopicBlockStat.objects.filter(_blocks(filters))
    if filters.channel:
        rows = rows.filter(channel=filters.channel)
    if filters.topic:
        rows = rows.filter(topic=filters.topic)
    topics: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    channels: dict[str, int] = defaultdict(int)
    for row in rows.values("channel", "topic").annotate(m=Sum("messages"), neg=Sum("negative")):
        topic = topics[row["topic"]]
        topic[0] += row["m"]
        topic[1] += row["neg"] or 0
        channels[row["channel"]] += row["m"]
    ranked = sorted(topics.items(), key=lambda item: (-item[1][0], item[0]))[:15]
    board.topics = [
        (topic or "—", m, round(neg / m, 2) if m else 0.0) for topic, (m, neg) in ranked
    ]
    board.channels = sorted(channels.items(), key=lambda item: (-item[1], item[0]))


def _decisions(board: Dashboard) -> dict[str, dict[str, int]]:
    """Decisions per action and reason; per channel how many were replies or silence."""
    filters = board.filters
    rows = DecisionBlockStat.objects.filter(_blocks(filters))
    if filters.channel:
        rows = rows.filter(channel=filters.channel)
    counts: dict[tuple[str, str], int] = defaultdict(int)
    by_channel: dict[str, dict[str, int]] = defaultdict(lambda: {"replies": 0, "silent": 0})
    for row in rows.values("channel", "action", "reason_code").annotate(n=Sum("count")):
        counts[(row["action"], row["reason_code"])] += row["n"]
        if row["action"] in REPLY_ACTIONS:
            by_channel[row["channel"]]["replies"] += row["n"]
        elif row["action"] in SILENCE_ACTIONS:
            by_channel[row["channel"]]["silent"] += row["n"]
    ranked = sorted(counts.items(), key=lambda item: (-item[1], item[0]))
    board.decisions = [(action, reason, n) for (action, reason), n in ranked]
    return by_channel


def responsiveness(filters: Filters) -> list[dict[str, Any]]:
    """Per channel and type: reply rate, median and p90 time to first reply, deadlines met."""
    rows = ResponseBlockStat.objects.filter(_blocks(filters))
    if filters.channel:
        rows = rows.filter(channel=filters.channel)
    totals = ("conversations", "replied", "within_deadline", "with_deadline", *RESPONSE_HISTOGRAM)
    groups = list(rows.values("channel", "type").annotate(**{f"s_{k}": Sum(k) for k in totals}))
    groups.sort(key=lambda g: (-g["s_conversations"], g["channel"], g["type"]))
    out = []
    for g in groups:
        conversations, with_deadline = g["s_conversations"], g["s_with_deadline"]
        hist = [g[f"s_{name}"] for name in RESPONSE_HISTOGRAM]
        out.append(
            {
                "channel": g["channel"],
                "type": g["type"],
                "conversations": conversations,
                "reply_rate": round(g["s_replied"] / conversations, 2) if conversations else 0,
                "median_minutes": histogram_percentile(hist, 50),
                "p90_minutes": histogram_percentile(hist, 90),
                "deadline_met": round(g["s_within_deadline"] / with_deadline, 2)
                if with_deadline
                else None,
            }
        )
    return out


def effectiveness(
    filters: Filters, received: list[tuple[str, int]], decided: dict[str, dict[str, int]]
) -> list[dict[str, Any]]:
    """Own posts sent versus dialogue received per channel — the 'sending out stuff' ratio."""
    posts = {
        r["channel"]: r
        for r in OwnPostStat.objects.filter(day__gte=filters.start, day__lte=filters.end)
        .values("channel")
        .annotate(p=Sum("posts"), re=Sum("reactions"), co=Sum("comments"))
    }
    rows = []
    for channel, incoming in received:
        p = posts.get(channel, {})
        sent = p.get("p") or 0
        counts = decided.get(channel, {})
        rows.append(
            {
                "channel": channel,
                "posts": sent,
                "reactions": p.get("re") or 0,
                "received": incoming,
                "answered": counts.get("replies", 0),
                "silent": counts.get("silent", 0),
                "dialogue_ratio": round(incoming / sent, 2) if sent else None,
            }
        )
    return rows


__all__ = ["Dashboard", "Filters", "build_dashboard", "cached_dashboard"]
