"""Dashboards for analysts and coordinators (they read roll-ups only)."""

from __future__ import annotations

from datetime import date, timedelta

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from nabij.actions.dashboards import Filters, build_dashboard
from nabij.actions.roles import has_capability
from nabij.models import Channel, DailyStat, Topic

MAX_DAYS = 370


def _date(value: str, default: date) -> date:
    try:
        return date.fromisoformat(value)
    except (TypeError, ValueError):
        return default


def read_filters(params: object) -> Filters:
    """Period (default: the last 8 weeks of data), channel and topic from GET parameters."""
    get = getattr(params, "get", lambda *_: "")
    latest = DailyStat.objects.order_by("-day").values_list("day", flat=True).first()
    end_default = latest or timezone.localdate()
    end = _date(get("tot", ""), end_default)
    start = _date(get("van", ""), end - timedelta(days=55))
    if start > end:
        start, end = end, start
    if (end - start).days > MAX_DAYS:
        start = end - timedelta(days=MAX_DAYS)
    return Filters(
        start=start,
        end=end,
        channel=str(get("kanaal", "") or "")[:60],
        topic=str(get("onderwerp", "") or "")[:60],
    )


@login_required
def overview(request: HttpRequest) -> HttpResponse:
    """Volume, tone, topics, decisions, responsiveness and channel effectiveness."""
    if not has_capability(request.user, "view_dashboards"):
        raise DjangoPermissionDenied
    filters = read_filters(request.GET)
    board = build_dashboard(filters)
    labels = [d.isoformat() for d in filters.days]
    charts = {
        "volume": {
            "type": "bar",
            "stacked": True,
            "labels": labels,
            "series": [{"label": k, "data": v} for k, v in board.volume.items()],
        },
        "tone": {
            "type": "line",
            "labels": labels,
            "series": [
                {"label": "negatief (aandeel)", "data": board.tone.get("negative", [])},
                {"label": "boos (aandeel)", "data": board.tone.get("angry", [])},
                {"label": "vermoeid (aandeel)", "data": board.tone.get("tired", [])},
                {"label": "toxisch (aandeel)", "data": board.tone.get("toxic", [])},
            ],
        },
        "topics": {
            "type": "bar",
            "horizontal": True,
            "labels": [t for t, _, _ in board.topics],
            "series": [{"label": "berichten", "data": [n for _, n, _ in board.topics]}],
        },
    }
    tone_rows = [
        (
            labels[i],
            board.tone["negative"][i],
            board.tone["angry"][i],
            board.tone["tired"][i],
            board.tone["toxic"][i],
        )
        for i in range(len(labels))
    ]
    volume_rows = [
        (labels[i], [board.volume[k][i] for k in board.volume]) for i in range(len(labels))
    ]
    return render(
        request,
        "nabij/dashboard.html",
        {
            "board": board,
            "filters": filters,
            "charts": charts,
            "tone_rows": tone_rows,
            "volume_rows": volume_rows,
            "channels": Channel.objects.order_by("name").only("slug", "name"),
            "topics": Topic.objects.order_by("name").only("slug", "name"),
        },
    )
