"""Deadlines: breach alerts in the app and by e-mail, overdue follow-ups, pauses."""

from __future__ import annotations

import logging
from datetime import datetime
from typing import Any

from django.core.mail import send_mail
from django.db import transaction
from django.utils import timezone

from nabij.actions.audit import AuditBuffer
from nabij.actions.roles import ROLE_COORDINATOR, people_in_roles
from nabij.models import Conversation, FollowUp, Notification

logger = logging.getLogger(__name__)
RESOLUTION_HOURS = 40.0


def _recipients(conv: Conversation) -> list[Any]:
    """Who hears about a breach: the assignee, else the team, else the coordinators."""
    if conv.assignee_id:
        return [conv.assignee]
    if conv.team is not None:
        members = list(conv.team.members.filter(is_active=True))
        if members:
            return members
    return people_in_roles(ROLE_COORDINATOR)


def do_check_deadlines(now: datetime | None = None, *, mailer: Any = send_mail) -> dict[str, int]:
    """Alert once per breached first-response deadline and per overdue follow-up."""
    now = now or timezone.now()
    audit = AuditBuffer()
    breached = 0
    mails: list[tuple[str, str, list[str]]] = []
    with transaction.atomic():
        rows = (
            Conversation.objects.select_for_update(of=("self",))
            .filter(
                first_response_due__lt=now,
                first_response_at__isnull=True,
                breach_alerted_at__isnull=True,
            )
            .exclude(status=Conversation.Status.CLOSED)
            .select_related("team", "assignee", "contact")[:500]
        )
        for conv in rows:
            people = _recipients(conv)
            text = f"Termijn verlopen: {conv.preview[:120]}"
            Notification.objects.bulk_create(
                [
                    Notification(
                        user=u, kind=Notification.Kind.BREACH, text=text, conversation=conv
                    )
                    for u in people
                ]
            )
            conv.breach_alerted_at = now
            conv.save(update_fields=["breach_alerted_at"])
            audit.add(None, "deadline.breached", conv, {"notified": len(people)})
            to = [u.email for u in people if u.email]
            if conv.team and conv.team.email:
                to.append(conv.team.email)
            if to:
                mails.append((text, conv.preview, sorted(set(to))))
            breached += 1
        overdue = 0
        for followup in FollowUp.objects.filter(
            status=FollowUp.Status.OPEN, due_at__lt=now
        ).select_related("conversation"):
            user_id = followup.assignee_id or followup.created_by_id
            if user_id is None:
                continue
            exists = Notification.objects.filter(
                kind=Notification.Kind.FOLLOWUP, user_id=user_id, text__endswith=f"#{followup.pk}"
            ).exists()
            if exists:
                continue
            Notification.objects.create(
                user_id=user_id,
                kind=Notification.Kind.FOLLOWUP,
                conversation_id=followup.conversation_id,
                text=f"Opvolging te laat: {followup.title[:200]} #{followup.pk}",
            )
            overdue += 1
        audit.flush()
    for subject, body, to in mails:
        try:
            mailer(
                f"[Nabij] {subject[:150]}",
                f"{body}\n\nDe termijn voor een eerste reactie is verlopen.",
                None,
                to,
            )
        except Exception:  # a mail server hiccup must not stop the alerts in the app
            logger.warning("could not send a breach alert to %d addresses", len(to))
    return {"breached": breached, "overdue_followups": overdue}
