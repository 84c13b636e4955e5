"""Dashboards for analysts and coordinators (they read roll-ups only)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta
from html import escape

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext

from nabij.actions.dashboards import Filters, cached_dashboard
from nabij.actions.roles import has_capability
from nabij.models import Channel, DailyStat, Pattern, Team, Topic
from nabij.models.vocab import MessageType

MAX_DAYS = 370
TYPE_LABELS = dict(MessageType.choices)  # type code -> label in the active language


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
        channel=_choice(get("kanaal", "")),
        topic=_choice(get("onderwerp", "")),
    )


def _choice(value: object) -> str:
    """A channel or topic slug from the query string: printable (no NUL bytes), at most 60."""
    return "".join(c for c in str(value or "")[:60] if c.isprintable())


@login_required
def overview(request: HttpRequest) -> HttpResponse:
    """Volume, tone, topics, decisions, responsiveness and channel effectiveness."""
    if not has_capability(request.user, "view_dashboards"):
        raise DjangoPermissionDenied
    filters = read_filters(request.GET)
    board = cached_dashboard(filters)
    labels = [d.isoformat() for d in filters.days]
    charts = {
        "volume": {
            "type": "bar",
            "stacked": True,
            "labels": labels,
            "series": [
                {"label": str(TYPE_LABELS.get(k, k)), "data": v} for k, v in board.volume.items()
            ],
        },
        "tone": {
            "type": "line",
            "labels": labels,
            "series": [
                {"label": gettext("negatief (aandeel)"), "data": board.tone.get("negative", [])},
                {"label": gettext("boos (aandeel)"), "data": board.tone.get("angry", [])},
                {"label": gettext("vermoeid (aandeel)"), "data": board.tone.get("tired", [])},
                {"label": gettext("toxisch (aandeel)"), "data": board.tone.get("toxic", [])},
            ],
        },
        "topics": {
            "type": "bar",
            "horizontal": True,
            "labels": [t for t, _, _ in board.topics],
            "series": [{"label": gettext("berichten"), "data": [n for _, n, _ in board.topics]}],
        },
    }
    text = _localizer()  # the day tables of a year hold thousands of numbers
    tone = [board.tone[k] for k in ("negative", "angry", "tired", "toxic")]
    tone_rows = [(day, [text(series[i]) for series in tone]) for i, day in enumerate(labels)]
    volume_rows = [
        (day, [text(series[i]) for series in board.volume.values()]) for i, day in enumerate(labels)
    ]
    return render(
        request,
        "nabij/dashboard.html",
        {
            "board": board,
            "filters": filters,
            "charts": charts,
            "tone_rows": day_rows(tone_rows),
            "volume_rows": day_rows(volume_rows),
            "channels": Channel.objects.order_by("name").only("slug", "name"),
            "topics": Topic.objects.order_by("name").only("slug", "name"),
        },
    )


def day_rows(rows: list[tuple[str, list[str]]]) -> SafeString:
    """Table rows of a per-day table: the day as row header, then a cell per value.

    Joined here instead of in a template loop, which costs more than the dashboard's
    queries once a period is a year (365 rows of up to eleven cells).
    """
    head = '<tr class="utrecht-table__row"><th class="utrecht-table__header-cell" scope="row">'
    cell = '<td class="utrecht-table__cell">'
    return mark_safe(  # noqa: S308 (every value is escaped)
        "".join(
            f"{head}{escape(day)}</th>"
            + "".join(f"{cell}{escape(value)}</td>" for value in values)
            + "</tr>"
            for day, values in rows
        )
    )


def _localizer() -> Callable[[float], str]:
    """Numbers as the template would show them, each distinct value formatted only once."""
    seen: dict[tuple[type, float], str] = {}

    def text(value: float) -> str:
        key = (type(value), value)  # 0 and 0.0 are equal keys but read "0" and "0,0"
        if key not in seen:
            seen[key] = str(formats.localize(value))
        return seen[key]

    return text


def _week(request: HttpRequest) -> date:
    from nabij.actions.heartbeat import parse_week

    value = request.GET.get("week", "")
    try:
        return parse_week(value)
    except ValueError:
        latest = DailyStat.objects.order_by("-day").values_list("day", flat=True).first()
        today = latest or timezone.localdate()
        return today - timedelta(days=today.weekday())


def _require_dashboards(request: HttpRequest) -> None:
    if not has_capability(request.user, "view_dashboards"):
        raise DjangoPermissionDenied


@login_required
def heartbeat(request: HttpRequest) -> HttpResponse:
    """The weekly heartbeat as a web page."""
    from nabij.actions.heartbeat import build_heartbeat, render_heartbeat

    _require_dashboards(request)
    report = build_heartbeat(_week(request))
    return HttpResponse(render_heartbeat(report, for_pdf=False))


@login_required
def heartbeat_pdf(request: HttpRequest) -> HttpResponse:
    """The weekly heartbeat as a PDF download."""
    from weasyprint import HTML

    from nabij.actions.heartbeat import build_heartbeat, render_heartbeat

    _require_dashboards(request)
    report = build_heartbeat(_week(request))
    pdf = HTML(string=render_heartbeat(report)).write_pdf()
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="hartslag-{report["week"]}.pdf"'
    return response


@login_required
def patterns(request: HttpRequest) -> HttpResponse:
    """Detected patterns, newest first, with their status and owner."""
    _require_dashboards(request)
    statuses = {value: str(label) for value, label in Pattern.Status.choices}
    found = Pattern.objects.order_by("-last_seen").values_list(
        "pk", "title", "status", "owner__name", "first_seen", "last_seen"
    )[:200]
    rows = [
        {
            "url": reverse("pattern_detail", args=[pk]),
            "title": title,
            "status": statuses.get(status, status),
            "owner": owner or "—",
            "first_seen": first_seen,
            "last_seen": last_seen,
        }
        for pk, title, status, owner, first_seen, last_seen in found
    ]
    return render(request, "nabij/patterns.html", {"rows": rows})


@login_required
def pattern_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """One pattern: examples, trend, owner, status and what we did (editable)."""
    from django.contrib import messages as flash
    from django.db import transaction
    from django.shortcuts import get_object_or_404, redirect

    from nabij.actions.patterns import do_update_pattern

    _require_dashboards(request)
    pattern = get_object_or_404(Pattern.objects.select_related("owner"), pk=pk)
    if request.method == "POST":
        if not has_capability(request.user, "manage_protocol"):
            raise DjangoPermissionDenied
        with transaction.atomic():
            do_update_pattern(
                request.user,
                pattern,
                status=request.POST.get("status", pattern.status),
                owner_slug=request.POST.get("owner", ""),
                what_we_did=request.POST.get("what_we_did", "")[:5000],
                share=request.POST.get("share") == "1",
            )
        flash.success(request, gettext("Patroon bijgewerkt."))
        return redirect("pattern_detail", pk=pk)
    members = pattern.members.select_related("channel").order_by("sent_at")[:50]
    return render(
        request,
        "nabij/pattern_detail.html",
        {
            "pattern": pattern,
            "members": members,
            "teams": Team.objects.order_by("name"),
            "statuses": Pattern.Status.choices,
            "chart": {
                "type": "bar",
                "labels": [str(t.get("date", "")) for t in pattern.trend if isinstance(t, dict)],
                "series": [
                    {
                        "label": gettext("berichten"),
                        "data": [t.get("count", 0) for t in pattern.trend if isinstance(t, dict)],
                    }
                ],
            },
        },
    )
