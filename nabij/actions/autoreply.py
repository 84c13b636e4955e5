"""Honest automatic replies outside office hours, each followed up by a person."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta

from django.utils import timezone

from nabij.actions.audit import do_record_audit_event
from nabij.actions.delivery import queue_reply_delivery
from nabij.actions.desk import do_create_followup
from nabij.businesstime import outside_hours_notice
from nabij.models import Action, Message, Organisation, Reply

# Only live messages get an automatic reply, never a backlog being imported.
LIVE_WINDOW = timedelta(hours=1)
NO_AUTO_REPLY = {"verbergen", "bewust_niet_reageren", "monitoren"}
SAFETY_NL = " Is er direct gevaar? Bel 112. Praten over zelfmoord kan bij 113 (0800-0113)."


def auto_reply_text(notice_text: str, urgent: bool) -> str:
    """The honest automatic text: that it is automatic, and when a person reads it."""
    text = f"Dit is een automatisch bericht. {notice_text}"
    if urgent:
        text += SAFETY_NL
    return text


def do_auto_replies(messages: Sequence[Message], now: datetime | None = None) -> list[Reply]:
    """Queue automatic replies for live messages that arrive outside office hours."""
    now = now or timezone.now()
    org = Organisation.current()
    office = org.office()
    created = []
    live = Message.objects.filter(
        pk__in=[m.pk for m in messages], direction="inbound", sent_at__gte=now - LIVE_WINDOW
    ).select_related("channel", "conversation")
    for message in live:
        channel = message.channel
        if not channel.config.get("auto_reply"):
            continue
        notice = outside_hours_notice(message.sent_at, office)
        if notice.open_now:
            continue
        advice = message.decisions.order_by("-created_at").first()
        if advice is not None and advice.action in NO_AUTO_REPLY:
            continue
        conv = message.conversation
        if Reply.objects.filter(message__conversation=conv, automatic=True).exists():
            continue  # one automatic reply per conversation is enough
        urgent = advice is not None and advice.action == Action.ESCALEREN
        text = auto_reply_text(notice.text, urgent or message.urgency == "acuut")
        outbound = Message.objects.create(
            conversation=conv,
            channel=channel,
            direction=Message.Direction.OUTBOUND,
            text=text,
            sent_at=now,
            public=message.public,
            in_reply_to=message.external_id or "",
        )
        reply = Reply.objects.create(
            message=outbound,
            in_reply_to=message,
            automatic=True,
            visibility="public" if message.public else "private",
        )
        do_create_followup(
            None,
            conv,
            title="Automatisch beantwoord buiten kantoortijd: echt antwoord geven",
            due_at=notice.read_from,
            source="auto_reply",
            message=message,
        )
        do_record_audit_event(None, "reply.automatic", outbound, {"conversation": conv.pk})
        queue_reply_delivery(reply.pk)
        created.append(reply)
    return created
