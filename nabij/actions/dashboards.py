"""Dashboard data, read from the roll-up tables only (never from raw messages)."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from django.db.models import QuerySet, Sum

from nabij.actions.rollups import histogram_percentile
from nabij.models import RESPONSE_BUCKETS, DailyStat, DecisionStat, OwnPostStat, ResponseStat

SILENCE_ACTIONS = ("bewust_niet_reageren", "verbergen", "monitoren")
REPLY_ACTIONS = ("beantwoorden", "prive_voortzetten", "indirect_reageren")


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


def _daily(filters: Filters) -> QuerySet[DailyStat]:
    qs = DailyStat.objects.filter(day__gte=filters.start, day__lte=filters.end)
    if filters.channel:
        qs = qs.filter(channel=filters.channel)
    if filters.topic:
        qs = qs.filter(topic=filters.topic)
    return qs


def build_dashboard(filters: Filters) -> Dashboard:
    """Assemble every series and table for the period (a handful of aggregate queries)."""
    board = Dashboard(filters)
    index = {d: i for i, d in enumerate(filters.days)}
    n = len(index)
    volume: dict[str, list[int]] = defaultdict(lambda: [0] * n)
    sums: dict[str, list[float]] = defaultdict(lambda: [0.0] * n)
    daily = _daily(filters)
    for row in daily.values("day", "type").annotate(
        m=Sum("messages"),
        s=Sum("sentiment_sum"),
        neg=Sum("negative"),
        tox=Sum("toxic"),
        angry=Sum("angry"),
        tired=Sum("tired"),
        frus=Sum("frustrated"),
    ):
        i = index.get(row["day"])
        if i is None:
            continue
        volume[row["type"]][i] += row["m"]
        for key, value in (
            ("messages", row["m"]),
            ("sentiment", row["s"]),
            ("negative", row["neg"]),
            ("toxic", row["tox"]),
            ("angry", row["angry"]),
            ("tired", row["tired"]),
            ("frustrated", row["frus"]),
        ):
            sums[key][i] += value or 0
    board.volume = dict(sorted(volume.items()))
    board.totals = {t: sum(v) for t, v in board.volume.items()}
    msgs = sums["messages"]

    def share(key: str) -> list[float]:
        return [round(sums[key][i] / msgs[i], 3) if msgs[i] else 0.0 for i in range(n)]

    board.tone = {
        "sentiment": [
            round(sums["sentiment"][i] / msgs[i], 3) if msgs[i] else 0.0 for i in range(n)
        ],
        "negative": share("negative"),
        "toxic": share("toxic"),
        "angry": share("angry"),
        "frustrated": share("frustrated"),
        "tired": share("tired"),
    }
    board.topics = [
        (r["topic"] or "—", r["m"], round((r["neg"] or 0) / r["m"], 2) if r["m"] else 0.0)
        for r in daily.values("topic")
        .annotate(m=Sum("messages"), neg=Sum("negative"))
        .order_by("-m")[:15]
    ]
    board.channels = [
        (r["channel"], r["m"])
        for r in daily.values("channel").annotate(m=Sum("messages")).order_by("-m")
    ]
    decisions = DecisionStat.objects.filter(day__gte=filters.start, day__lte=filters.end)
    if filters.channel:
        decisions = decisions.filter(channel=filters.channel)
    board.decisions = [
        (r["action"], r["reason_code"], r["n"])
        for r in decisions.values("action", "reason_code").annotate(n=Sum("count")).order_by("-n")
    ]
    board.responsiveness = responsiveness(filters)
    board.effectiveness = effectiveness(filters, board.channels, decisions)
    return board


def responsiveness(filters: Filters) -> list[dict[str, Any]]:
    """Per channel and type: reply rate, median and p90 time to first reply, deadlines met."""
    qs = ResponseStat.objects.filter(day__gte=filters.start, day__lte=filters.end)
    if filters.channel:
        qs = qs.filter(channel=filters.channel)
    groups: dict[tuple[str, str], dict[str, Any]] = {}
    for row in qs.values("channel", "type", "conversations", "replied", "within_deadline",
                         "with_deadline", "histogram"):  # fmt: skip
        key = (row["channel"], row["type"])
        g = groups.setdefault(
            key,
            {"channel": key[0], "type": key[1], "conversations": 0, "replied": 0,
             "within": 0, "with_deadline": 0, "hist": [0] * (len(RESPONSE_BUCKETS) + 1)},
        )  # fmt: skip
        g["conversations"] += row["conversations"]
        g["replied"] += row["replied"]
        g["within"] += row["within_deadline"]
        g["with_deadline"] += row["with_deadline"]
        for i, c in enumerate(row["histogram"] or []):
            if i < len(g["hist"]):
                g["hist"][i] += c
    out = []
    for g in sorted(groups.values(), key=lambda x: -x["conversations"]):
        out.append(
            {
                "channel": g["channel"],
                "type": g["type"],
                "conversations": g["conversations"],
                "reply_rate": round(g["replied"] / g["conversations"], 2)
                if g["conversations"]
                else 0,
                "median_minutes": histogram_percentile(g["hist"], 50),
                "p90_minutes": histogram_percentile(g["hist"], 90),
                "deadline_met": round(g["within"] / g["with_deadline"], 2)
                if g["with_deadline"]
                else None,
            }
        )
    return out


def effectiveness(
    filters: Filters, received: list[tuple[str, int]], decisions: QuerySet[DecisionStat]
) -> list[dict[str, Any]]:
    """Own posts sent versus dialogue received per channel — the 'sending out stuff' ratio."""
    posts = {
        r["channel"]: r
        for r in OwnPostStat.objects.filter(day__gte=filters.start, day__lte=filters.end)
        .values("channel")
        .annotate(p=Sum("posts"), re=Sum("reactions"), co=Sum("comments"))
    }
    replies = {
        r["channel"]: r["n"]
        for r in decisions.filter(action__in=REPLY_ACTIONS)
        .values("channel")
        .annotate(n=Sum("count"))
    }
    silent = {
        r["channel"]: r["n"]
        for r in decisions.filter(action__in=SILENCE_ACTIONS)
        .values("channel")
        .annotate(n=Sum("count"))
    }
    rows = []
    for channel, incoming in received:
        p = posts.get(channel, {})
        sent = p.get("p") or 0
        rows.append(
            {
                "channel": channel,
                "posts": sent,
                "reactions": p.get("re") or 0,
                "received": incoming,
                "answered": replies.get(channel, 0),
                "silent": silent.get(channel, 0),
                "dialogue_ratio": round(incoming / sent, 2) if sent else None,
            }
        )
    return rows


__all__ = ["Dashboard", "Filters", "build_dashboard"]
