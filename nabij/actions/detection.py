"""Running signal detection over stored messages, and keeping the patterns it finds."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from typing import Any

from django.db import connection, transaction
from django.db.models import TextField
from django.db.models.fields.json import KeyTextTransform
from django.db.models.functions import Cast
from django.utils import timezone

from nabij.actions.audit import do_record_audit_event
from nabij.actions.patterns import do_store_patterns
from nabij.actions.roles import ROLE_ANALYST, ROLE_COORDINATOR, people_in_roles
from nabij.actions.rollups import day_bounds
from nabij.models import DetectionRun, MessageAnalysis, Organisation, Pattern
from nabij.models.detection import SOURCE_PERIODIC
from nabij.signals import SignalConfig, SignalMessage, detect
from nabij.signals.detect import text_needed_from

__all__ = [
    "detect_and_store",
    "do_alert_new_signals",
    "do_run_periodic_detection",
    "do_store_detection",
    "do_store_patterns",
    "run_detection",
    "signal_messages",
    "stored_detection",
]

HISTORY = timedelta(days=SignalConfig().spikes.history_days)  # spikes compare with this
DETECTION_DAYS = 30  # the hourly job looks back this many days, today included


class _TextOf(KeyTextTransform):
    """A string inside a JSON column, as text; on SQLite one JSON_EXTRACT (Django's
    generic form parses the document three times per row)."""

    def as_sqlite(self, compiler: Any, connection: Any, **extra_context: Any) -> Any:
        lhs, params, keys = self.preprocess_lhs(compiler, connection)
        path = "$" + "".join(f".{json.dumps(key)}" for key in keys)
        return f"JSON_EXTRACT({lhs}, %s)", (*params, path)


def _rows(queryset: Any, chunk: int = 10_000) -> Iterator[tuple[Any, ...]]:
    """The rows of a values_list query, read with the database's own value types.

    Skips the ORM's per-value converters (the values here need none) on the hot path of
    detection; datetimes may come back naive UTC (SQLite) or aware (PostgreSQL).
    """
    sql, params = queryset.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        while rows := cursor.fetchmany(chunk):
            yield from rows


def _as_text(field: str) -> Cast:
    """A date-time column read as text: parsed by `_moment` in C, where the drivers' own
    conversion (Django's time-zone loader on PostgreSQL) is Python code per value."""
    return Cast(field, output_field=TextField())


def _moment(value: Any) -> datetime:
    """A date-time read as text as an aware datetime (SQLite keeps naive UTC)."""
    moment = value if isinstance(value, datetime) else datetime.fromisoformat(value)
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)


def _inbound(lo: datetime, hi: datetime) -> Any:
    return MessageAnalysis.objects.filter(
        current=True,
        message__direction="inbound",
        message__sent_at__gte=lo,
        message__sent_at__lt=hi,
    ).order_by()


def signal_messages(
    lo: datetime, hi: datetime, *, text_from: datetime | None = None
) -> list[SignalMessage]:
    """Analysed inbound messages in [lo, hi) as redacted records for the statistics.

    Messages before `text_from` are only counted (spike history): they are read without
    text, author or tone, at a fraction of the cost. `type_scores` are never read.
    """
    split = min(max(text_from or lo, lo), hi)
    out = []
    counted = _inbound(lo, split).values_list(
        "message__channel__slug", _as_text("message__sent_at"), "type", "topic"
    )
    for channel, sent_at, kind, topic in _rows(counted):
        out.append(
            SignalMessage(
                key="",
                channel=channel,
                author_key="",
                author_first_seen=None,
                sent_at=_moment(sent_at),
                text="",
                type=kind or "overig",
                topic=topic or "overig",
            )
        )
    full = _inbound(split, hi).values_list(
        "message__channel__slug",
        "message__external_id",
        "message__contact__pseudonym",
        _as_text("message__contact__first_seen_at"),
        _as_text("message__sent_at"),
        _TextOf("redacted_text", "data"),
        "type",
        "sentiment",
        "emotion",
        "toxicity",
        "topic",
    )
    for channel, ext, pseudonym, first_seen, sent_at, text, kind, sent, emo, tox, topic in _rows(
        full
    ):
        out.append(
            SignalMessage(
                key=f"{channel}:{ext}",
                channel=channel,
                author_key=pseudonym or f"{channel}:{ext}",
                author_first_seen=_moment(first_seen) if first_seen else None,
                sent_at=_moment(sent_at),
                text=str(text or ""),
                type=kind or "overig",
                sentiment=float(sent or 0.0),
                emotion=emo or "neutraal",
                toxicity=float(tox or 0.0),
                topic=topic or "overig",
            )
        )
    return out


def _embedder() -> Any:
    from nabij.actions.composer import _default_embed

    return _default_embed


def run_detection(
    start: date, end: date, *, embedder: Any = "default", timings: dict[str, float] | None = None
) -> dict[str, list[dict]]:
    """Spikes, patterns and warnings for the period [start, end] (dates inclusive)."""
    t0 = time.perf_counter()
    lo, hi = day_bounds(start, end)
    messages = signal_messages(lo - HISTORY, hi, text_from=text_needed_from(lo))
    org = Organisation.current()
    if timings is not None:
        timings["load"] = time.perf_counter() - t0
    return detect(
        messages,
        start,
        end,
        embedder=_embedder() if embedder == "default" else embedder,
        gazetteer=org.places or None,
        timings=timings,
    )


def do_store_detection(
    result: dict[str, list[dict]], start: date, end: date, *, computed_at: datetime,
    seconds: float, source: str, lexical: bool,
) -> DetectionRun:  # fmt: skip
    """Keep a detection result; it replaces runs over the same period and older hourly runs."""
    with transaction.atomic():
        run = DetectionRun.objects.create(
            start=start, end=end, computed_at=computed_at, seconds=round(seconds, 2),
            source=source, lexical=lexical, result=result,
        )  # fmt: skip
        stale = DetectionRun.objects.filter(start=start, end=end)
        if source == SOURCE_PERIODIC:
            stale = stale | DetectionRun.objects.filter(
                source=SOURCE_PERIODIC, computed_at__lte=computed_at
            )
        replaced, _ = stale.exclude(pk=run.pk).delete()
        counts = {kind: len(items) for kind, items in result.items()}
        do_record_audit_event(
            None,
            "signals.detected",
            run,
            {"start": start.isoformat(), "end": end.isoformat(), "source": source,
             "found": counts, "replaced": replaced},
        )  # fmt: skip
    return run


def detect_and_store(
    start: date, end: date, *, source: str, embedder: Any = "default", now: datetime | None = None
) -> tuple[dict[str, list[dict]], DetectionRun]:
    """Run detection over [start, end] and keep the result (see `do_store_detection`).

    `now` is when the messages are read (default: the clock)."""
    computed_at = now or timezone.now()
    began = time.perf_counter()
    timings: dict[str, float] = {}
    result = run_detection(start, end, embedder=embedder, timings=timings)
    run = do_store_detection(
        result, start, end, computed_at=computed_at, seconds=time.perf_counter() - began,
        source=source, lexical=embedder is None or bool(timings.get("lexical_vectors")),
    )  # fmt: skip
    return result, run


def do_run_periodic_detection(*, now: datetime | None = None, embedder: Any = "default") -> int:
    """The hourly job: detect over the last DETECTION_DAYS days, keep the result and the
    patterns, and alert once about new signals; returns the number of new alerts."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    start = today - timedelta(days=DETECTION_DAYS - 1)
    result, _ = detect_and_store(start, today, source=SOURCE_PERIODIC, embedder=embedder, now=now)
    return do_alert_new_signals(result, do_store_patterns(result))


def stored_detection(first: date, last: date) -> DetectionRun | None:
    """The newest stored run that covers [first, last], or covers it up to the day it ran.

    A run over the last 30 days, made on a Wednesday, covers that week so far.
    """
    tz = timezone.get_current_timezone()
    candidates = (
        DetectionRun.objects.filter(start__lte=first, end__gte=first)
        .order_by("-computed_at", "-pk")
        .values_list("pk", "end", "computed_at")
    )
    for pk, end, computed_at in candidates[:20]:
        if end >= last or end >= computed_at.astimezone(tz).date():
            return DetectionRun.objects.get(pk=pk)
    return None


def do_alert_new_signals(result: dict[str, list[dict]], patterns: list[Pattern]) -> int:
    """Notify coordinators and analysts once about new patterns, spikes and warnings."""

    from nabij.models import Notification

    people = people_in_roles(ROLE_COORDINATOR, ROLE_ANALYST)
    fresh = [p for p in patterns if not p.explanation.get("alerted")]
    items = [f"Nieuw patroon: {p.title}" for p in fresh]
    for spike in result.get("spikes", []) + result.get("warnings", []):
        examples = ", ".join(spike.get("messages", [])[:3])
        items.append(f"{spike['title']} (bijv. {examples})")
    known = set(
        Notification.objects.filter(kind=Notification.Kind.SIGNAL).values_list("text", flat=True)
    )
    new = [text[:300] for text in items if text[:300] not in known]
    Notification.objects.bulk_create(
        [Notification(user=u, kind=Notification.Kind.SIGNAL, text=t) for u in people for t in new]
    )
    for p in fresh:
        p.explanation = {**p.explanation, "alerted": True}
    Pattern.objects.bulk_update(fresh, ["explanation"], batch_size=500)
    return len(new)
