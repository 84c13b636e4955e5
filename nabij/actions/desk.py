"""The desk: assignment, hand-over, status, presence, follow-ups and notifications."""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from typing import Any

from django.contrib.auth import get_user_model
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from nabij.actions.audit import do_record_audit_event
from nabij.actions.errors import ActionError
from nabij.models import (
    Conversation,
    ConversationPresence,
    FollowUp,
    Message,
    Notification,
    Team,
)

PRESENCE_SECONDS = 30
MENTION_RE = re.compile(r"(?<![\w@])@([\w.-]{2,150})")


def do_assign(actor: Any, conv: Conversation, assignee: Any | None) -> None:
    """Give the conversation to a person (or to nobody)."""
    conv.assignee = assignee
    if conv.status == Conversation.Status.NEW and assignee is not None:
        conv.status = Conversation.Status.OPEN
    conv.save(update_fields=["assignee", "status"])
    do_record_audit_event(
        actor, "conversation.assigned", conv, {"assignee": assignee.pk if assignee else None}
    )


def do_hand_over(actor: Any, conv: Conversation, team: Team, note: str = "") -> None:
    """Hand the conversation over to a team, optionally with a note for them."""
    conv.team = team
    conv.assignee = None
    conv.save(update_fields=["team", "assignee"])
    if note.strip():
        from nabij.actions.conversations import do_add_note

        do_add_note(actor, conv, f"Overgedragen aan {team.name}: {note.strip()}")
    do_record_audit_event(actor, "conversation.handed_over", conv, {"team": team.slug})


def do_set_status(actor: Any, conv: Conversation, status: str) -> None:
    """Change the status; waiting for the resident pauses the resolution deadline."""
    if status not in Conversation.Status.values:
        raise ActionError(_("onbekende status %(status)s") % {"status": repr(str(status)[:40])})
    now = timezone.now()
    if conv.status == Conversation.Status.WAITING and conv.waiting_since:
        # Deadlines stand still while we wait for the resident: move them on.
        paused = now - conv.waiting_since
        conv.paused_seconds += int(paused.total_seconds())
        if conv.resolution_due:
            conv.resolution_due += paused
        if conv.first_response_due and conv.first_response_at is None:
            conv.first_response_due += paused
        conv.waiting_since = None
    if status == Conversation.Status.WAITING:
        conv.waiting_since = now
    conv.closed_at = now if status == Conversation.Status.CLOSED else None
    old = conv.status
    conv.status = status
    conv.save(
        update_fields=[
            "status",
            "waiting_since",
            "paused_seconds",
            "closed_at",
            "resolution_due",
            "first_response_due",
        ]
    )
    do_record_audit_event(actor, "conversation.status", conv, {"from": old, "to": status})


def do_mark_presence(user: Any, conv: Conversation, *, typing: bool) -> list[dict[str, Any]]:
    """Record that the user has the conversation open; return the others who do too."""
    now = timezone.now()
    updated = ConversationPresence.objects.filter(conversation=conv, user=user).update(
        seen_at=now, typing=typing
    )
    if not updated:
        try:
            with transaction.atomic():
                ConversationPresence.objects.create(
                    conversation=conv, user=user, seen_at=now, typing=typing
                )
        except IntegrityError:
            pass
    since = now - timedelta(seconds=PRESENCE_SECONDS)
    others = (
        ConversationPresence.objects.filter(conversation=conv, seen_at__gte=since)
        .exclude(user=user)
        .select_related("user")
    )
    return [
        {"name": p.user.first_name or p.user.get_username(), "typing": p.typing} for p in others
    ]


def notify_mentions(actor: Any, note: Message) -> list[Notification]:
    """Notify every colleague mentioned as @username in an internal note."""
    names = set(MENTION_RE.findall(note.text))
    if not names:
        return []
    User = get_user_model()
    users = User.objects.filter(username__in=names, is_active=True).exclude(pk=actor.pk)
    who = actor.first_name or actor.get_username()
    return Notification.objects.bulk_create(
        [
            Notification(
                user=u,
                kind=Notification.Kind.MENTION,
                text=f"{who} noemde je in een notitie: {note.text[:200]}",
                conversation_id=note.conversation_id,
            )
            for u in users
        ]
    )


def check_followup(title: str, due_at: datetime | None) -> str:
    """Validate a follow-up's title and date."""
    title = (title or "").strip()
    if not title:
        raise ActionError(_("zeg wat er moet gebeuren"))
    if len(title) > 300:
        raise ActionError(_("de omschrijving is langer dan %(limit)s tekens") % {"limit": 300})
    if due_at is None:
        raise ActionError(_("een opvolging heeft een datum nodig"))
    return title


def do_create_followup(
    actor: Any,
    conv: Conversation,
    *,
    title: str,
    due_at: datetime | None,
    source: str = "manual",
    message: Message | None = None,
) -> FollowUp:
    """Create a follow-up (a promise with a date) for the conversation."""
    title = check_followup(title, due_at)
    assert due_at is not None
    followup = FollowUp.objects.create(
        conversation=conv,
        message=message,
        title=title,
        due_at=due_at,
        assignee=actor if getattr(actor, "pk", None) else conv.assignee,
        source=source[:20],
        created_by=actor if getattr(actor, "pk", None) else None,
    )
    do_record_audit_event(
        actor, "followup.created", followup, {"conversation": conv.pk, "due": due_at.isoformat()}
    )
    return followup


def do_complete_followup(actor: Any, followup: FollowUp) -> None:
    """Mark a follow-up as done."""
    if followup.status != FollowUp.Status.OPEN:
        raise ActionError(_("deze opvolging staat niet open"))
    followup.status = FollowUp.Status.DONE
    followup.completed_at = timezone.now()
    followup.save(update_fields=["status", "completed_at"])
    do_record_audit_event(actor, "followup.completed", followup, {})


def do_mark_notifications_read(user: Any) -> int:
    """Mark all of a person's notifications as read."""
    return Notification.objects.filter(user=user, read_at__isnull=True).update(
        read_at=timezone.now()
    )
