"""Desk views: assignment, hand-over, status, presence, tone mirror, follow-ups."""

from __future__ import annotations

from datetime import datetime, time
from zoneinfo import ZoneInfo

from django.conf import settings
from django.contrib import messages as flash
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from nabij.actions.composer import check_tone, length_limit
from nabij.actions.desk import (
    do_assign,
    do_complete_followup,
    do_create_followup,
    do_hand_over,
    do_mark_notifications_read,
    do_mark_presence,
    do_set_status,
)
from nabij.actions.errors import ActionError
from nabij.actions.roles import has_capability
from nabij.models import FollowUp, Notification, Team
from nabij.web.views import load_conversation


def _back(conversation_id: int) -> HttpResponse:
    return redirect("conversation", conversation_id=conversation_id)


@login_required
@require_POST
def assign(request: HttpRequest, conversation_id: int) -> HttpResponse:
    """Assign to me, to a colleague, or to nobody."""
    with transaction.atomic():
        conv = load_conversation(request, conversation_id)
        value = request.POST.get("assignee", "")
        user = None
        if value == "me":
            user = request.user
        elif value:
            user = get_user_model().objects.filter(pk=value, is_active=True).first()
            if user is None:
                raise Http404
        do_assign(request.user, conv, user)
    flash.success(request, _("Behandelaar bijgewerkt."))
    return _back(conversation_id)


@login_required
@require_POST
def hand_over(request: HttpRequest, conversation_id: int) -> HttpResponse:
    """Hand the conversation over to a team."""
    with transaction.atomic():
        conv = load_conversation(request, conversation_id)
        team = Team.objects.filter(slug=request.POST.get("team", "")).first()
        if team is None:
            flash.error(request, _("Kies een team."))
            return _back(conversation_id)
        do_hand_over(request.user, conv, team, request.POST.get("note", "")[:2000])
    flash.success(request, _("Overgedragen aan %(team)s.") % {"team": team.name})
    return _back(conversation_id)


@login_required
@require_POST
def set_status(request: HttpRequest, conversation_id: int) -> HttpResponse:
    """Change the conversation's status."""
    with transaction.atomic():
        conv = load_conversation(request, conversation_id)
        try:
            do_set_status(request.user, conv, request.POST.get("status", ""))
        except ActionError as exc:
            flash.error(request, str(exc))
        else:
            flash.success(request, _("Status bijgewerkt."))
    return _back(conversation_id)


@login_required
@require_POST
def presence(request: HttpRequest, conversation_id: int) -> HttpResponse:
    """Heartbeat from an open conversation (htmx); answers with the collision warning."""
    with transaction.atomic():
        conv = load_conversation(request, conversation_id)
        others = do_mark_presence(request.user, conv, typing=request.POST.get("typing") == "1")
    return render(request, "nabij/_presence.html", {"others": others})


@login_required
@require_POST
def tone(request: HttpRequest, conversation_id: int) -> HttpResponse:
    """The tone mirror on the draft being typed (htmx)."""
    conv = load_conversation(request, conversation_id)
    draft = request.POST.get("text", "")
    findings = check_tone(conv, draft) if draft.strip() else []
    limit = length_limit(conv.channel.kind)
    return render(
        request,
        "nabij/_tone.html",
        {
            "findings": [f.to_dict() for f in findings],
            "length": len(draft),
            "limit": limit,
            "over_limit": limit is not None and len(draft) > limit,
            "conv": conv,
            "draft": draft,
        },
    )


@login_required
@require_POST
def apply_tone(request: HttpRequest, conversation_id: int) -> HttpResponse:
    """Apply the tone mirror's direct replacements and show the result (htmx)."""
    from nabij.tone import suggest_rewrite

    conv = load_conversation(request, conversation_id)
    draft = request.POST.get("text", "")[:20_000]
    rewritten = suggest_rewrite(draft, check_tone(conv, draft))
    return render(
        request,
        "nabij/_reply_textarea.html",
        {"text": rewritten, "conv": conv, "limit": length_limit(conv.channel.kind)},
    )


def _parse_due(value: str) -> datetime | None:
    value = (value or "").strip()
    if not value:
        return None
    tz = ZoneInfo(settings.TIME_ZONE)
    try:
        if "T" in value:
            return datetime.fromisoformat(value).replace(tzinfo=tz)
        return datetime.combine(datetime.fromisoformat(value).date(), time(17, 0), tzinfo=tz)
    except ValueError:
        return None


@login_required
@require_POST
def create_followup(request: HttpRequest, conversation_id: int) -> HttpResponse:
    """Create a follow-up, e.g. with one click from a promise in the tone mirror."""
    with transaction.atomic():
        conv = load_conversation(request, conversation_id)
        try:
            do_create_followup(
                request.user,
                conv,
                title=request.POST.get("title", ""),
                due_at=_parse_due(request.POST.get("due", "")),
                source=request.POST.get("source", "manual"),
            )
        except ActionError as exc:
            flash.error(request, _("Opvolging niet aangemaakt: %(r)s") % {"r": exc})
        else:
            flash.success(request, _("Opvolging aangemaakt."))
    return _back(conversation_id)


@login_required
@require_POST
def complete_followup(request: HttpRequest, followup_id: int) -> HttpResponse:
    """Mark a follow-up as done."""
    if not has_capability(request.user, "work_inbox"):
        raise DjangoPermissionDenied
    with transaction.atomic():
        followup = FollowUp.objects.select_for_update().filter(pk=followup_id).first()
        if followup is None:
            raise Http404
        try:
            do_complete_followup(request.user, followup)
        except ActionError as exc:
            flash.error(request, str(exc))
        else:
            flash.success(request, _("Opvolging afgerond."))
    return redirect(request.POST.get("next") or "followups")


@login_required
def followups(request: HttpRequest) -> HttpResponse:
    """Open follow-ups, overdue first; mine or everyone's."""
    if not has_capability(request.user, "work_inbox"):
        raise DjangoPermissionDenied
    mine = request.GET.get("wie") != "iedereen"
    qs = FollowUp.objects.filter(status=FollowUp.Status.OPEN).select_related(
        "conversation", "conversation__contact", "assignee"
    )
    if mine:
        qs = qs.filter(assignee_id=request.user.pk)
    rows = list(qs.order_by("due_at")[:300])
    now = timezone.now()
    return render(
        request,
        "nabij/followups.html",
        {
            "rows": rows,
            "mine": mine,
            "now": now,
            "overdue": sum(1 for f in rows if f.due_at < now),
        },
    )


@login_required
def notifications(request: HttpRequest) -> HttpResponse:
    """A person's notifications; opening the page marks them read."""
    rows = list(
        Notification.objects.filter(user_id=request.user.pk)  # type: ignore[misc]
        .select_related("conversation")
        .order_by("-created_at")[:100]
    )
    unread = {n.pk for n in rows if n.read_at is None}
    do_mark_notifications_read(request.user)
    return render(request, "nabij/notifications.html", {"rows": rows, "unread": unread})
