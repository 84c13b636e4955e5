"""The weekly heartbeat report for management: what lives among residents, and what we did."""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta
from importlib import resources
from typing import Any

from django.db.models import Sum
from django.template.loader import render_to_string
from django.utils import timezone

from nabij.actions.dashboards import REPLY_ACTIONS, SILENCE_ACTIONS
from nabij.actions.rollups import day_bounds, do_refresh_rollups, histogram_percentile
from nabij.models import (
    RESPONSE_BUCKETS,
    DailyStat,
    DecisionStat,
    MessageAnalysis,
    Organisation,
    Pattern,
    ResponseStat,
)

_WEEK = re.compile(r"^(\d{4})-?W(\d{1,2})$")
_HANDLE = re.compile(r"@[\w.@-]+")
_URL = re.compile(r"https?://\S+")
QUOTES = 5


def parse_week(value: str) -> date:
    """The Monday of an ISO week such as 2026-W47."""
    match = _WEEK.match(value.strip().upper())
    if not match:
        raise ValueError(f"not an ISO week like 2026-W47: {value!r}")
    try:
        return date.fromisocalendar(int(match.group(1)), int(match.group(2)), 1)
    except ValueError as exc:
        raise ValueError(f"no such week: {value!r}") from exc


def anonymise(text: str) -> str:
    """A quote fit for management: personal data already redacted, handles and links too."""
    text = _URL.sub("[link]", _HANDLE.sub("[account]", text))
    text = " ".join(text.split())
    return text[:277] + "…" if len(text) > 280 else text


def _week_totals(monday: date) -> dict[str, Any]:
    sunday = monday + timedelta(days=6)
    week = DailyStat.objects.filter(day__gte=monday, day__lte=sunday)
    before = DailyStat.objects.filter(day__gte=monday - timedelta(weeks=4), day__lt=monday)
    total = week.aggregate(n=Sum("messages"))["n"] or 0
    baseline = (before.aggregate(n=Sum("messages"))["n"] or 0) / 4
    by_type = list(week.values("type").annotate(n=Sum("messages")).order_by("-n"))
    topics = []
    previous = {
        r["topic"]: (r["n"] or 0) / 4 for r in before.values("topic").annotate(n=Sum("messages"))
    }
    for r in (
        week.exclude(topic="")
        .values("topic")
        .annotate(n=Sum("messages"), neg=Sum("negative"), angry=Sum("angry"), tired=Sum("tired"))
        .order_by("-neg", "-n")[:8]
    ):
        topics.append(
            {
                "topic": r["topic"],
                "messages": r["n"],
                "negative": r["neg"],
                "negative_share": round(r["neg"] / r["n"], 2) if r["n"] else 0,
                "angry": r["angry"],
                "tired": r["tired"],
                "change": round(r["n"] - previous.get(r["topic"], 0.0), 1),
            }
        )
    return {"total": total, "baseline": round(baseline, 1), "by_type": by_type, "topics": topics}


def _responsiveness(monday: date) -> dict[str, Any]:
    sunday = monday + timedelta(days=6)
    hist = [0] * (len(RESPONSE_BUCKETS) + 1)
    convs = replied = within = with_deadline = 0
    for row in ResponseStat.objects.filter(day__gte=monday, day__lte=sunday):
        convs += row.conversations
        replied += row.replied
        within += row.within_deadline
        with_deadline += row.with_deadline
        for i, c in enumerate(row.histogram or []):
            if i < len(hist):
                hist[i] += c
    decisions = DecisionStat.objects.filter(day__gte=monday, day__lte=sunday)
    total_decided = decisions.aggregate(n=Sum("count"))["n"] or 0
    silent = decisions.filter(action__in=SILENCE_ACTIONS).aggregate(n=Sum("count"))["n"] or 0
    answered = decisions.filter(action__in=REPLY_ACTIONS).aggregate(n=Sum("count"))["n"] or 0
    reasons = list(
        decisions.filter(action__in=SILENCE_ACTIONS)
        .values("reason_code")
        .annotate(n=Sum("count"))
        .order_by("-n")[:5]
    )
    return {
        "conversations": convs,
        "reply_rate": round(replied / convs, 2) if convs else None,
        "median_minutes": histogram_percentile(hist, 50),
        "p90_minutes": histogram_percentile(hist, 90),
        "deadline_met": round(within / with_deadline, 2) if with_deadline else None,
        "answered": answered,
        "silent": silent,
        "silent_share": round(silent / total_decided, 2) if total_decided else None,
        "silence_reasons": reasons,
        "open": decisions.filter(state="open").aggregate(n=Sum("count"))["n"] or 0,
    }


def _quotes(monday: date, topics: list[str]) -> list[dict[str, str]]:
    """Per topic the week's most negative message (ties: the earliest stored), if readable."""
    start, end = day_bounds(monday, monday + timedelta(days=6))
    # One pass over the week's negative messages finds every topic's candidate; scanning
    # the week once per topic took seconds at a million messages.
    best: dict[str, int] = {}
    for topic, pk in (
        MessageAnalysis.objects.filter(
            current=True,
            topic__in=topics,
            sentiment_label="negatief",
            message__direction="inbound",
            message__sent_at__gte=start,
            message__sent_at__lt=end,
        )
        .exclude(type__in=["aanval", "noodkreet", "overig"])
        .order_by("sentiment", "message_id")
        .values_list("topic", "pk")
        .iterator(chunk_size=5000)
    ):
        best.setdefault(topic, pk)
    chosen = MessageAnalysis.objects.only("data", "topic", "type").in_bulk(best.values())
    quotes: list[dict[str, str]] = []
    for topic in topics:
        analysis = chosen.get(best.get(topic, -1))
        if analysis is None:
            continue
        text = anonymise(str(analysis.data.get("redacted_text") or ""))
        if len(text) >= 30:
            quotes.append({"topic": topic, "type": analysis.type, "text": text})
        if len(quotes) >= QUOTES:
            break
    return quotes


def _moment(value: Any) -> datetime | None:
    try:
        moment = datetime.fromisoformat(str(value))
    except ValueError:
        return None
    return moment if moment.tzinfo is not None else None


def in_week(detection: dict[str, list[dict]], monday: date) -> dict[str, list[dict]]:
    """The items of a detection result that touch the week starting on `monday`.

    Spikes and polarisation weeks end at their (exclusive) `end`; patterns and bursts end
    with their last message.
    """
    lo, hi = day_bounds(monday, monday + timedelta(days=6))
    out: dict[str, list[dict]] = {}
    for kind, items in detection.items():
        kept = []
        for item in items:
            start, end = _moment(item.get("start")), _moment(item.get("end"))
            if start is None or end is None:
                continue
            inclusive = item.get("kind") in ("pattern", "rumour", "coordinated")
            if start < hi and (end >= lo if inclusive else end > lo):
                kept.append(item)
        out[kind] = kept
    return out


def week_detection(monday: date) -> tuple[dict[str, list[dict]], dict[str, Any]]:
    """Detection for the heartbeat week: from a stored run when one covers the week (the
    hourly job keeps one), otherwise computed now and stored for the next time."""
    from nabij.actions.detection import detect_and_store, stored_detection
    from nabij.models.detection import SOURCE_WEEK

    sunday = monday + timedelta(days=6)
    run = stored_detection(monday, sunday)
    fresh = run is None
    if run is None:
        _, run = detect_and_store(monday, sunday, source=SOURCE_WEEK)
    about = {
        "computed_at": run.computed_at, "start": run.start, "end": run.end,
        "source": run.source, "fresh": fresh, "lexical": run.lexical,
    }  # fmt: skip
    return dict(run.result or {}), about


def build_heartbeat(monday: date, *, detection: Any = None) -> dict[str, Any]:
    """Everything the heartbeat shows for the week starting on `monday`.

    Spikes, patterns and warnings come from `detection` when given, else from stored
    detection results (`week_detection`).
    """
    do_refresh_rollups()
    sunday = monday + timedelta(days=6)
    totals = _week_totals(monday)
    about = None
    if detection is None:
        detection, about = week_detection(monday)
    detection = in_week(detection, monday)
    lo = day_bounds(monday)[0]
    new_patterns = [p for p in detection.get("patterns", []) if (_moment(p["start"]) or lo) >= lo]
    ongoing = [p for p in detection.get("patterns", []) if p not in new_patterns]
    done = list(
        Pattern.objects.exclude(what_we_did="")
        .filter(last_seen__date__gte=monday - timedelta(weeks=4))
        .order_by("-updated_at")[:8]
    )
    iso = monday.isocalendar()
    return {
        "org": Organisation.current().name,
        "week": f"{iso.year}-W{iso.week:02d}",
        "monday": monday,
        "sunday": sunday,
        "totals": totals,
        "spikes": detection.get("spikes", [])[:8],
        "new_patterns": new_patterns[:8],
        "ongoing_patterns": ongoing[:8],
        "warnings": detection.get("warnings", [])[:8],
        "responsiveness": _responsiveness(monday),
        "quotes": _quotes(monday, [t["topic"] for t in totals["topics"]]),
        "done": done,
        "detection": about,
        "generated_at": timezone.now(),
    }


def render_heartbeat(report: dict[str, Any], *, for_pdf: bool = True) -> str:
    """The report as HTML; for the PDF the style sheet is included in the page."""
    css = resources.files("nabij").joinpath("static/nabij/heartbeat.css").read_text("utf-8")
    return render_to_string(
        "nabij/heartbeat.html", {"r": report, "inline_css": css if for_pdf else ""}
    )
