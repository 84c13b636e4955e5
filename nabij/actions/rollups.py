"""Incremental roll-ups for the dashboards: only days touched since the last run are redone.

A run looks at messages, analyses and decisions with ids above the stored cursors,
collects the days they belong to, and recomputes those days from the raw rows with a
few GROUP BY queries. Dashboards then read only the roll-up tables.
"""

from __future__ import annotations

import bisect
from collections import defaultdict
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import transaction
from django.db.models import Max, Min

from nabij.models import (
    RESPONSE_BUCKETS,
    Conversation,
    DailyStat,
    Decision,
    DecisionStat,
    Message,
    MessageAnalysis,
    ResponseStat,
    RollupState,
)

FINAL = ("confirmed", "overridden")


def _tz() -> ZoneInfo:
    return ZoneInfo(settings.TIME_ZONE)


def day_bounds(first: date, last: date | None = None) -> tuple[datetime, datetime]:
    """From the start of `first` to the end of `last` (default: `first`), local time."""
    start = datetime.combine(first, datetime.min.time(), tzinfo=_tz())
    end = datetime.combine(last or first, datetime.min.time(), tzinfo=_tz())
    return start, end + timedelta(days=1)


def _days_of(times: Any) -> set[date]:
    tz = _tz()
    return {t.astimezone(tz).date() for t in times if t is not None}


def do_refresh_rollups(*, full: bool = False) -> dict[str, int]:
    """Bring the roll-ups up to date; returns how many days were recomputed."""
    with transaction.atomic():
        state, _ = RollupState.objects.select_for_update().get_or_create(name="dashboards")
        if full:
            state.last_message_id = state.last_decision_id = state.last_analysis_id = 0
        top_message = Message.objects.aggregate(m=Max("pk"))["m"] or 0
        top_analysis = MessageAnalysis.objects.aggregate(m=Max("pk"))["m"] or 0
        top_decision = Decision.objects.aggregate(m=Max("pk"))["m"] or 0
        days: set[date] = set()
        if full:
            bounds = Message.objects.aggregate(a=Min("sent_at"), b=Max("sent_at"))
            if bounds["a"] is not None:
                tz = _tz()
                d = bounds["a"].astimezone(tz).date()
                while d <= bounds["b"].astimezone(tz).date():
                    days.add(d)
                    d += timedelta(days=1)
        else:
            days |= _days_of(
                Message.objects.filter(
                    pk__gt=state.last_message_id, pk__lte=top_message
                ).values_list("sent_at", flat=True)
            )
            days |= _days_of(
                Message.objects.filter(
                    analyses__pk__gt=state.last_analysis_id, analyses__pk__lte=top_analysis
                ).values_list("sent_at", flat=True)
            )
            days |= _days_of(
                Message.objects.filter(
                    decisions__pk__gt=state.last_decision_id, decisions__pk__lte=top_decision
                ).values_list("sent_at", flat=True)
            )
            # A reply changes the response time of the day its conversation started.
            days |= _days_of(
                Conversation.objects.filter(
                    messages__pk__gt=state.last_message_id,
                    messages__pk__lte=top_message,
                    messages__direction="outbound",
                ).values_list("started_at", flat=True)
            )
        for day in sorted(days):
            _recompute_day(day)
        if days:
            from nabij.actions.ownposts import do_count_own_posts_from_messages

            do_count_own_posts_from_messages()
        state.last_message_id = top_message
        state.last_analysis_id = top_analysis
        state.last_decision_id = top_decision
        state.save()
    return {"days": len(days)}


def _recompute_day(day: date) -> None:
    start, end = day_bounds(day)
    DailyStat.objects.filter(day=day).delete()
    ResponseStat.objects.filter(day=day).delete()
    DecisionStat.objects.filter(day=day).delete()
    _daily(day, start, end)
    _responses(day, start, end)
    _decisions(day, start, end)


def _daily(day: date, start: datetime, end: datetime) -> None:
    rows: dict[tuple[str, str, str], DailyStat] = {}
    analyses = MessageAnalysis.objects.filter(
        current=True,
        message__direction="inbound",
        message__sent_at__gte=start,
        message__sent_at__lt=end,
    ).values_list(
        "message__channel__slug",
        "type",
        "topic",
        "sentiment",
        "sentiment_label",
        "toxicity",
        "emotion",
        "message__contact__first_seen_at",
    )
    for channel, kind, topic, sentiment, label, toxicity, emotion, first_seen in analyses.iterator(
        chunk_size=5000
    ):
        key = (channel, kind or "overig", topic or "")
        stat = rows.get(key)
        if stat is None:
            stat = rows[key] = DailyStat(day=day, channel=key[0], type=key[1], topic=key[2])
        stat.messages += 1
        stat.sentiment_sum += float(sentiment or 0.0)
        stat.negative += label == "negatief"
        stat.positive += label == "positief"
        stat.toxic += (toxicity or 0.0) >= 0.5
        stat.angry += emotion == "boos"
        stat.frustrated += emotion == "frustratie"
        stat.sad += emotion == "verdriet"
        stat.afraid += emotion == "angst"
        stat.tired += emotion == "vermoeidheid"
        stat.new_authors += bool(first_seen and first_seen >= start - timedelta(days=7))
    DailyStat.objects.bulk_create(rows.values())


def bucket_of(minutes: float) -> int:
    """Index of the response-time bucket for a number of minutes."""
    return bisect.bisect_left(RESPONSE_BUCKETS, minutes)


def _responses(day: date, start: datetime, end: datetime) -> None:
    rows: dict[tuple[str, str], ResponseStat] = {}
    convs = (
        Conversation.objects.filter(started_at__gte=start, started_at__lt=end)
        .exclude(last_inbound_at__isnull=True)
        .values_list("channel__slug", "type", "first_response_at", "first_response_due", "pk")
    )
    first_inbound = dict(
        Message.objects.filter(
            conversation__started_at__gte=start,
            conversation__started_at__lt=end,
            direction="inbound",
        )
        .values("conversation_id")
        .annotate(first=Min("sent_at"))
        .values_list("conversation_id", "first")
    )
    for channel, kind, responded, due, pk in convs:
        key = (channel, kind or "overig")
        stat = rows.get(key)
        if stat is None:
            stat = rows[key] = ResponseStat(
                day=day, channel=channel, type=key[1], histogram=[0] * (len(RESPONSE_BUCKETS) + 1)
            )
        stat.conversations += 1
        if due is not None:
            stat.with_deadline += 1
            if responded is not None and responded <= due:
                stat.within_deadline += 1
        opened = first_inbound.get(pk)
        if responded is not None and opened is not None and responded >= opened:
            stat.replied += 1
            minutes = (responded - opened).total_seconds() / 60
            stat.histogram[bucket_of(minutes)] += 1
    ResponseStat.objects.bulk_create(rows.values())


def _decisions(day: date, start: datetime, end: datetime) -> None:
    latest: dict[int, tuple[str, str, str, str]] = {}
    final: dict[int, tuple[str, str, str, str]] = {}
    for message_id, channel, action, reason, state in (
        Decision.objects.filter(message__sent_at__gte=start, message__sent_at__lt=end)
        .order_by("created_at", "pk")
        .values_list("message_id", "message__channel__slug", "action", "reason_code", "state")
    ):
        latest[message_id] = (channel, action, reason, state)
        if state in FINAL:
            final[message_id] = (channel, action, reason, state)
    counts: dict[tuple[str, str, str, str], int] = defaultdict(int)
    for message_id, row in latest.items():
        channel, action, reason, state = final.get(message_id, row)
        counts[(channel, action, reason, state if state in FINAL else "open")] += 1
    DecisionStat.objects.bulk_create(
        [
            DecisionStat(day=day, channel=c, action=a, reason_code=r, state=s, count=n)
            for (c, a, r, s), n in counts.items()
        ]
    )


def histogram_percentile(histogram: list[int], pct: float) -> float | None:
    """Approximate percentile (minutes) from a bucketed histogram (upper bound of bucket)."""
    total = sum(histogram)
    if total == 0:
        return None
    target = total * pct / 100
    seen = 0
    for index, count in enumerate(histogram):
        seen += count
        if seen >= target:
            return float(RESPONSE_BUCKETS[index]) if index < len(RESPONSE_BUCKETS) else None
    return None
