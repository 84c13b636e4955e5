"""Incremental roll-ups for the dashboards: only days touched since the last run are redone.

A run looks at messages, analyses and decisions with ids above the stored cursors,
collects the days they belong to, and recomputes those days from the raw rows with a
few GROUP BY queries. Each day also yields its dashboard blocks of one day; the 7- and
28-day blocks that hold a recomputed day are then summed again from the blocks below
them. Dashboards read only the roll-up tables: a period is a handful of blocks.
"""

from __future__ import annotations

import bisect
import itertools
from collections import defaultdict
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import transaction
from django.db.models import Max, Min, Sum

from nabij.models import (
    BLOCK_EPOCH,
    BLOCK_GRAINS,
    RESPONSE_BUCKETS,
    Conversation,
    DailyStat,
    Decision,
    DecisionBlockStat,
    DecisionStat,
    Message,
    MessageAnalysis,
    ResponseBlockStat,
    ResponseStat,
    RollupState,
    TopicBlockStat,
    TypeDayStat,
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
        _recompute_blocks(days)
        if days:
            from nabij.actions.ownposts import do_count_own_posts_from_messages

            do_count_own_posts_from_messages()
        cursors = (top_message, top_analysis, top_decision)
        before = (state.last_message_id, state.last_analysis_id, state.last_decision_id)
        if days or full or cursors != before:  # unchanged: cached dashboards stay valid
            state.last_message_id, state.last_analysis_id, state.last_decision_id = cursors
            state.version += 1
            state.save()
    return {"days": len(days)}


def do_mark_rollups_changed() -> None:
    """Note that roll-up rows changed outside a refresh (own posts imported): new version."""
    with transaction.atomic():
        state, _ = RollupState.objects.select_for_update().get_or_create(name="dashboards")
        state.version += 1
        state.save(update_fields=["version", "updated_at"])


def rollup_version() -> str:
    """A token that changes whenever the roll-ups change (cache keys of the dashboards)."""
    row = (
        RollupState.objects.filter(name="dashboards")
        .values_list("pk", "version", "updated_at")
        .first()
    )
    if row is None:
        return "none"
    pk, version, updated = row
    return f"{pk}.{version}.{updated.timestamp():.6f}"


def _recompute_day(day: date) -> None:
    start, end = day_bounds(day)
    DailyStat.objects.filter(day=day).delete()
    ResponseStat.objects.filter(day=day).delete()
    DecisionStat.objects.filter(day=day).delete()
    TypeDayStat.objects.filter(day=day).delete()
    for model in BLOCK_COLUMNS:
        model.objects.filter(grain=1, start=day).delete()
    _day_blocks(day, _daily(day, start, end))
    _response_blocks(day, _responses(day, start, end))
    _decision_blocks(day, _decisions(day, start, end))


def _daily(day: date, start: datetime, end: datetime) -> list[DailyStat]:
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
    return DailyStat.objects.bulk_create(rows.values())


def bucket_of(minutes: float) -> int:
    """Index of the response-time bucket for a number of minutes."""
    return bisect.bisect_left(RESPONSE_BUCKETS, minutes)


def _responses(day: date, start: datetime, end: datetime) -> list[ResponseStat]:
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
    return ResponseStat.objects.bulk_create(rows.values())


def _decisions(day: date, start: datetime, end: datetime) -> list[DecisionStat]:
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
    return DecisionStat.objects.bulk_create(
        [
            DecisionStat(day=day, channel=c, action=a, reason_code=r, state=s, count=n)
            for (c, a, r, s), n in counts.items()
        ]
    )


# --- dashboard blocks ------------------------------------------------------------------

RESPONSE_HISTOGRAM = ResponseBlockStat.HISTOGRAM
BlockModel = type[TopicBlockStat] | type[ResponseBlockStat] | type[DecisionBlockStat]
# Per block model: the columns it is grouped by (below grain and start), the columns summed.
BLOCK_COLUMNS: dict[BlockModel, tuple[tuple[str, ...], tuple[str, ...]]] = {
    TopicBlockStat: (("channel", "topic"), ("messages", "negative")),
    ResponseBlockStat: (
        ("channel", "type"),
        ("conversations", "replied", "within_deadline", "with_deadline", *RESPONSE_HISTOGRAM),
    ),
    DecisionBlockStat: (("channel", "action", "reason_code"), ("count",)),
}
TONE_FIELDS = ("messages", "sentiment_sum", "negative", "toxic", "angry", "frustrated", "tired")


def block_start(day: date, grain: int) -> date:
    """First day of the block of `grain` days that holds `day`."""
    return day - timedelta(days=(day - BLOCK_EPOCH).days % grain)


def cover(first: date, last: date) -> list[tuple[int, date, date]]:
    """The days first..last as blocks: (grain, first block start, last block start) runs.

    Longest blocks in the middle, shorter ones towards the edges; at most two runs per
    grain below the longest, so a year is about 30 blocks instead of 365 days.
    """
    runs: list[tuple[int, date, date]] = []

    def split(lo: date, hi: date, grains: tuple[int, ...]) -> None:  # hi exclusive
        if lo >= hi:
            return
        grain, rest = grains[0], grains[1:]
        if not rest:
            runs.append((grain, lo, hi - timedelta(days=grain)))
            return
        inner_lo = block_start(lo + timedelta(days=grain - 1), grain)  # lo rounded up
        inner_hi = block_start(hi, grain)  # hi rounded down
        if inner_lo >= inner_hi:
            split(lo, hi, rest)
            return
        split(lo, inner_lo, rest)
        runs.append((grain, inner_lo, inner_hi - timedelta(days=grain)))
        split(inner_hi, hi, rest)

    split(first, last + timedelta(days=1), BLOCK_GRAINS)
    return sorted(runs)


def _day_blocks(day: date, daily: list[DailyStat]) -> None:
    """The day's DailyStat rows without the topic, and its one-day topic blocks."""
    by_type: dict[tuple[str, str], TypeDayStat] = {}
    by_topic: dict[tuple[str, str], TopicBlockStat] = {}
    for row in daily:
        typed = by_type.get((row.channel, row.type))
        if typed is None:
            typed = by_type[(row.channel, row.type)] = TypeDayStat(
                day=day, channel=row.channel, type=row.type
            )
        for name in TONE_FIELDS:
            setattr(typed, name, getattr(typed, name) + getattr(row, name))
        topic = by_topic.get((row.channel, row.topic))
        if topic is None:
            topic = by_topic[(row.channel, row.topic)] = TopicBlockStat(
                grain=1, start=day, channel=row.channel, topic=row.topic
            )
        topic.messages += row.messages
        topic.negative += row.negative
    TypeDayStat.objects.bulk_create(by_type.values())
    TopicBlockStat.objects.bulk_create(by_topic.values())


def _response_blocks(day: date, responses: list[ResponseStat]) -> None:
    blocks = []
    for row in responses:
        block = ResponseBlockStat(
            grain=1,
            start=day,
            channel=row.channel,
            type=row.type,
            conversations=row.conversations,
            replied=row.replied,
            within_deadline=row.within_deadline,
            with_deadline=row.with_deadline,
        )
        for name, count in zip(ResponseBlockStat.HISTOGRAM, row.histogram, strict=False):
            setattr(block, name, count)
        blocks.append(block)
    ResponseBlockStat.objects.bulk_create(blocks)


def _decision_blocks(day: date, decisions: list[DecisionStat]) -> None:
    counts: dict[tuple[str, str, str], int] = defaultdict(int)
    for row in decisions:
        counts[(row.channel, row.action, row.reason_code)] += row.count
    DecisionBlockStat.objects.bulk_create(
        DecisionBlockStat(grain=1, start=day, channel=c, action=a, reason_code=r, count=n)
        for (c, a, r), n in counts.items()
    )


def _recompute_blocks(days: set[date]) -> None:
    """Re-add the longer blocks that hold any of `days` from the blocks one size shorter."""
    grains = sorted(BLOCK_GRAINS)  # 1, 7, 28: each is summed from the one before
    for smaller, grain in itertools.pairwise(grains):
        starts = sorted({block_start(day, grain) for day in days})
        for model, (keys, sums) in BLOCK_COLUMNS.items():
            for start in starts:
                model.objects.filter(grain=grain, start=start).delete()
                rows = (
                    model.objects.filter(
                        grain=smaller, start__gte=start, start__lt=start + timedelta(days=grain)
                    )
                    .values(*keys)
                    .annotate(**{f"sum_{name}": Sum(name) for name in sums})
                )
                blocks: list[Any] = [
                    model(
                        grain=grain,
                        start=start,
                        **{key: row[key] for key in keys},
                        **{name: row[f"sum_{name}"] for name in sums},
                    )
                    for row in rows
                ]
                model.objects.bulk_create(blocks)


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
