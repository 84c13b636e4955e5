"""Views of the first UI: inbox, conversation, note and reply."""

from __future__ import annotations

from typing import Any

from django.contrib import messages as flash
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.db import transaction
from django.db.models import Prefetch
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from nabij.actions.decisions import unaccounted_silence
from nabij.actions.conversations import access_conversation, do_add_note, do_store_reply
from nabij.actions.errors import ActionError, PermissionDenied
from nabij.actions.roles import has_capability
from nabij.models import (
    Action,
    Channel,
    Conversation,
    Decision,
    Message,
    MessageAnalysis,
    MessageType,
)

PAGE_SIZE = 50


def _require(request: HttpRequest, capability: str) -> None:
    if not has_capability(request.user, capability):
        raise DjangoPermissionDenied


def _filters(request: HttpRequest) -> dict[str, str]:
    keys = ("channel", "status", "type")
    return {k: request.GET.get(k, "").strip()[:40] for k in keys if request.GET.get(k, "").strip()}


@login_required
def inbox(request: HttpRequest) -> HttpResponse:
    """All conversations of all channels, most urgent and earliest deadline first."""
    _require(request, "work_inbox")
    filters = _filters(request)
    qs = Conversation.objects.select_related("channel", "contact", "assignee")
    if "channel" in filters:
        qs = qs.filter(channel__slug=filters["channel"])
    if "status" in filters:
        qs = qs.filter(status=filters["status"])
    else:
        qs = qs.exclude(status=Conversation.Status.CLOSED)
    if "type" in filters:
        qs = qs.filter(type=filters["type"])
    qs = qs.order_by("-urgency_rank", "first_response_due", "-last_message_at", "-pk")
    try:
        page = max(1, min(int(request.GET.get("page", "1")), 10_000))
    except ValueError:
        page = 1
    rows = list(qs[(page - 1) * PAGE_SIZE : page * PAGE_SIZE + 1])
    has_next = len(rows) > PAGE_SIZE
    query = "&".join(f"{k}={v}" for k, v in filters.items())
    return render(
        request,
        "nabij/inbox.html",
        {
            "conversations": rows[:PAGE_SIZE],
            "page": page,
            "has_next": has_next,
            "has_previous": page > 1,
            "filters": filters,
            "query": query,
            "channels": Channel.objects.order_by("name").only("slug", "name"),
            "statuses": Conversation.Status.choices,
            "types": MessageType.choices,
            "silence_count": unaccounted_silence().count(),
        },
    )


def _load_conversation(request: HttpRequest, conversation_id: int) -> Conversation:
    try:
        return access_conversation(request.user, conversation_id)
    except PermissionDenied:
        raise DjangoPermissionDenied from None
    except ActionError:
        raise Http404 from None


@login_required
def conversation(request: HttpRequest, conversation_id: int) -> HttpResponse:
    """One conversation: thread, contact, and the analysis that exists."""
    conv = _load_conversation(request, conversation_id)
    thread = list(
        conv.messages.select_related("author_user", "reply")
        .prefetch_related(
            Prefetch(
                "analyses",
                queryset=MessageAnalysis.objects.filter(current=True),
                to_attr="current_analyses",
            )
        )
        .order_by("sent_at", "pk")
    )
    advice = {}
    for decision in Decision.objects.filter(conversation=conv).order_by("created_at", "pk"):
        advice[decision.message_id] = decision
    items: list[dict[str, Any]] = []
    for message in thread:
        analysis = message.current_analyses[0] if message.current_analyses else None
        items.append({"message": message, "analysis": analysis, "decision": advice.get(message.pk)})
    other = []
    if conv.contact_id:
        other = list(
            Conversation.objects.filter(contact_id=conv.contact_id)
            .exclude(pk=conv.pk)
            .order_by("-last_message_at")[:10]
        )
    return render(
        request,
        "nabij/conversation.html",
        {
            "conv": conv,
            "items": items,
            "other_conversations": other,
            "actions": Action.choices,
        },
    )


@login_required
@require_POST
def add_note(request: HttpRequest, conversation_id: int) -> HttpResponse:
    """Add an internal note to the conversation."""
    with transaction.atomic():
        conv = _load_conversation(request, conversation_id)
        try:
            do_add_note(request.user, conv, request.POST.get("text", ""))
        except ActionError as exc:
            flash.error(request, _("De notitie is niet opgeslagen: %(reason)s") % {"reason": exc})
        else:
            flash.success(request, _("Notitie toegevoegd."))
    return redirect("conversation", conversation_id=conversation_id)


@login_required
@require_POST
def add_reply(request: HttpRequest, conversation_id: int) -> HttpResponse:
    """Store a reply; it is delivered through the conversation's channel."""
    with transaction.atomic():
        conv = _load_conversation(request, conversation_id)
        try:
            do_store_reply(request.user, conv, request.POST.get("text", ""))
        except PermissionDenied:
            raise DjangoPermissionDenied from None
        except ActionError as exc:
            flash.error(request, _("Het antwoord is niet opgeslagen: %(reason)s") % {"reason": exc})
        else:
            flash.success(request, _("Antwoord opgeslagen en klaargezet voor verzending."))
    return redirect("conversation", conversation_id=conversation_id)


def home(request: HttpRequest) -> HttpResponse:
    """Send people to the inbox (or the login page)."""
    return redirect("inbox")


__all__ = ["Message", "add_note", "add_reply", "conversation", "home", "inbox"]
