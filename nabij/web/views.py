"""Views of the first UI: inbox, conversation, note and reply."""

from __future__ import annotations

from typing import Any

from django.contrib import messages as flash
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.db import transaction
from django.db.models import Prefetch
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from nabij.actions.composer import (
    length_limit,
    render_template,
    signature_name,
    suggest_answers,
    template_values,
    templates_for,
)
from nabij.actions.conversations import access_conversation, do_add_note, do_store_reply
from nabij.actions.decisions import unaccounted_silence
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
    Team,
    Topic,
    Urgency,
)
from nabij.web.inbox import SAVED_VIEWS, InboxQuery, deadline_state, inbox_queryset

PAGE_SIZE = 50


def _require(request: HttpRequest, capability: str) -> None:
    if not has_capability(request.user, capability):
        raise DjangoPermissionDenied


@login_required
def inbox(request: HttpRequest) -> HttpResponse:
    """All conversations of all channels, most urgent and earliest deadline first."""
    _require(request, "work_inbox")
    query = InboxQuery.from_request(request.GET)
    qs = inbox_queryset(query, request.user)
    try:
        page = max(1, min(int(request.GET.get("page", "1")), 10_000))
    except ValueError:
        page = 1
    rows = list(qs[(page - 1) * PAGE_SIZE : page * PAGE_SIZE + 1])
    now = timezone.now()
    conversations = [(c, deadline_state(c, now)) for c in rows[:PAGE_SIZE]]
    context = {
        "conversations": conversations,
        "page": page,
        "has_next": len(rows) > PAGE_SIZE,
        "has_previous": page > 1,
        "filters": query.values,
        "query": query.querystring(page=""),
        "saved_views": SAVED_VIEWS.items(),
        "channels": Channel.objects.order_by("name").only("slug", "name"),
        "teams": Team.objects.order_by("name").only("slug", "name"),
        "topics": Topic.objects.filter(active=True).order_by("name").only("slug", "name"),
        "statuses": Conversation.Status.choices,
        "types": MessageType.choices,
        "urgencies": Urgency.choices,
        "silence_count": unaccounted_silence().count(),
        "loaded_at": now.isoformat(),
    }
    template = "nabij/_inbox_rows.html" if request.headers.get("HX-Request") else "nabij/inbox.html"
    return render(request, template, context)


@login_required
def inbox_new(request: HttpRequest) -> HttpResponse:
    """How many conversations got a message since the page was loaded (htmx poll)."""
    _require(request, "work_inbox")
    since = parse_datetime(request.GET.get("since", "") or "")
    count = 0
    if since is not None:
        count = Conversation.objects.filter(last_inbound_at__gt=since).count()
    return render(request, "nabij/_inbox_new.html", {"count": count})


def load_conversation(request: HttpRequest, conversation_id: int) -> Conversation:
    """The conversation for this request: 403 without access, 404 when it does not exist."""
    try:
        return access_conversation(request.user, conversation_id)
    except PermissionDenied:
        raise DjangoPermissionDenied from None
    except ActionError:
        raise Http404 from None


@login_required
def conversation(request: HttpRequest, conversation_id: int) -> HttpResponse:
    """One conversation: thread, contact, and the analysis that exists."""
    conv = load_conversation(request, conversation_id)
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
    contact_decisions = []
    if conv.contact_id:
        contact_decisions = list(
            Decision.objects.filter(message__contact_id=conv.contact_id)
            .exclude(state=Decision.State.RECOMMENDED)
            .order_by("-created_at")[:5]
        )
    values = template_values(conv, request.user)
    templates = [
        {"title": t.title, "text": render_template(t.text, values)} for t in templates_for(conv)
    ]
    return render(
        request,
        "nabij/conversation.html",
        {
            "conv": conv,
            "items": items,
            "other_conversations": other,
            "contact_decisions": contact_decisions,
            "actions": Action.choices,
            "statuses": Conversation.Status.choices,
            "teams": Team.objects.order_by("name"),
            "colleagues": get_user_model()
            .objects.filter(is_active=True, groups__name__in=["agent", "coordinator"])
            .distinct()
            .order_by("first_name", "username"),
            "templates": templates,
            "suggestions": suggest_answers(conv, request.user),
            "followups": list(conv.followups.order_by("status", "due_at")),
            "limit": length_limit(conv.channel.kind),
            "signature": signature_name(request.user),
        },
    )


@login_required
@require_POST
def add_note(request: HttpRequest, conversation_id: int) -> HttpResponse:
    """Add an internal note to the conversation."""
    with transaction.atomic():
        conv = load_conversation(request, conversation_id)
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
        conv = load_conversation(request, conversation_id)
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
    """Send each person to the first page their role may open (or to the login page)."""
    user = request.user
    if not user.is_authenticated:
        return redirect("login")
    for capability, target in (
        ("work_inbox", "inbox"),
        ("view_dashboards", "dashboard"),
        ("manage_channels", "channel_list"),
    ):
        if has_capability(user, capability):
            return redirect(target)
    return redirect("notifications")


__all__ = ["Message", "add_note", "add_reply", "conversation", "home", "inbox"]
