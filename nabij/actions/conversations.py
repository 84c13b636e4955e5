"""Working on conversations: access, internal notes, replies, assignment."""

from __future__ import annotations

from typing import Any

from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from nabij.actions.audit import do_record_audit_event
from nabij.actions.composer import length_limit, signature_name
from nabij.actions.delivery import queue_reply_delivery
from nabij.actions.errors import ActionError, PermissionDenied
from nabij.actions.roles import has_capability
from nabij.models import Conversation, Message, Reply

MAX_NOTE = 10_000
MAX_REPLY = 20_000

# What check_text says per kind of text: (empty, too long); rendered when raised.
TEXT_PROBLEMS: dict[str, tuple[Promise, Promise]] = {
    "note": (
        gettext_lazy("de notitie is leeg"),
        gettext_lazy("de notitie is langer dan %(limit)s tekens"),
    ),
    "reply": (
        gettext_lazy("het antwoord is leeg"),
        gettext_lazy("het antwoord is langer dan %(limit)s tekens"),
    ),
}


def access_conversation(user: Any, conversation_id: int) -> Conversation:
    """The conversation, if the user may work on conversations."""
    if not has_capability(user, "work_inbox"):
        raise PermissionDenied(_("je mag geen gesprekken openen"))
    conv = (
        Conversation.objects.select_related("channel", "contact", "assignee", "team")
        .filter(pk=conversation_id)
        .first()
    )
    if conv is None:
        raise ActionError(_("gesprek niet gevonden"))
    return conv


def check_text(text: str, limit: int, what: str) -> str:
    """Strip and validate a text typed by a person; `what` is "note" or "reply"."""
    empty, too_long = TEXT_PROBLEMS[what]
    cleaned = (text or "").replace("\x00", "").strip()
    if not cleaned:
        raise ActionError(str(empty))
    if len(cleaned) > limit:
        raise ActionError(str(too_long) % {"limit": limit})
    return cleaned


def do_add_note(user: Any, conv: Conversation, text: str) -> Message:
    """Add an internal note (never sent to the resident)."""
    text = check_text(text, MAX_NOTE, "note")
    now = timezone.now()
    note = Message.objects.create(
        conversation=conv,
        channel=conv.channel,
        author_user=user,
        direction=Message.Direction.NOTE,
        text=text,
        sent_at=now,
        public=False,
    )
    conv.message_count += 1
    conv.last_message_at = max(conv.last_message_at, now)
    conv.save(update_fields=["message_count", "last_message_at"])
    do_record_audit_event(user, "note.added", note, {"conversation": conv.pk})
    from nabij.actions.desk import notify_mentions

    notify_mentions(user, note)
    return note


def with_signature(text: str, user: Any) -> str:
    """Sign with the agent's first name unless the text already ends with it."""
    name = signature_name(user)
    if not name or text.rstrip(" .!").endswith(name):
        return text
    return f"{text}\n{name}"


def do_store_reply(
    user: Any, conv: Conversation, text: str, *, in_reply_to: Message | None = None
) -> Reply:
    """Store a reply from an agent; the channel's worker delivers it."""
    if not has_capability(user, "send_replies"):
        raise PermissionDenied(_("je mag geen antwoorden versturen"))
    text = with_signature(check_text(text, MAX_REPLY, "reply"), user)
    limit = length_limit(conv.channel.kind)
    if limit is not None and len(text) > limit:
        raise ActionError(
            _("het antwoord is %(length)s tekens lang; %(channel)s staat er %(limit)s toe")
            % {"length": len(text), "channel": conv.channel.name, "limit": limit}
        )
    now = timezone.now()
    if in_reply_to is None:
        in_reply_to = (
            conv.messages.filter(direction=Message.Direction.INBOUND).order_by("-sent_at").first()
        )
    message = Message.objects.create(
        conversation=conv,
        channel=conv.channel,
        author_user=user,
        direction=Message.Direction.OUTBOUND,
        text=text,
        sent_at=now,
        public=conv.public,
        in_reply_to=(in_reply_to.external_id or "") if in_reply_to else "",
    )
    reply = Reply.objects.create(
        message=message,
        in_reply_to=in_reply_to,
        state=Reply.State.QUEUED,
        visibility="public" if conv.public else "private",
        created_by=user,
    )
    conv.message_count += 1
    conv.last_message_at = max(conv.last_message_at, now)
    if conv.first_response_at is None:
        conv.first_response_at = now
    if conv.status == Conversation.Status.NEW:
        conv.status = Conversation.Status.OPEN
    conv.save(update_fields=["message_count", "last_message_at", "first_response_at", "status"])
    do_record_audit_event(
        user, "reply.queued", message, {"conversation": conv.pk, "reply": reply.pk}
    )
    queue_reply_delivery(reply.pk)
    return reply
