"""Simulating a draft protocol on stored messages before it is published."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from typing import Any

from django.utils import timezone

from nabij.actions.decisions import HISTORY_DAYS
from nabij.actions.protocols import check_protocol_source, compiled, published_version
from nabij.businesstime import is_open
from nabij.models import Contact, Message, MessageAnalysis, Organisation
from nabij.protocol import SimulationResult, simulate


def _items(days: int) -> Iterator[tuple[str, dict[str, Any], dict[str, Any]]]:
    """(key, analysis, context) for every analysed inbound message of the last N days."""
    org = Organisation.current()
    office = org.office()
    since = timezone.now() - timedelta(days=days)
    contacts = {
        c.pk: c
        for c in Contact.objects.filter(
            messages__sent_at__gte=since - timedelta(days=HISTORY_DAYS)
        ).distinct()
    }
    # Author history and replies, computed in one pass over the messages in time order.
    history: dict[int, list[Any]] = {}
    replied: set[int] = set()
    seen_inbound: set[int] = set()
    rows = (
        Message.objects.filter(sent_at__gte=since - timedelta(days=HISTORY_DAYS))
        .exclude(direction="note")
        .order_by("sent_at", "pk")
        .values_list(
            "pk",
            "direction",
            "contact_id",
            "conversation_id",
            "sent_at",
            "public",
            "channel__kind",
            "channel__slug",
            "external_id",
        )
    )
    analyses = {
        mid: data
        for mid, data in MessageAnalysis.objects.filter(current=True, message__sent_at__gte=since)
        .values_list("message_id", "data")
        .iterator(chunk_size=5000)
    }
    for pk, direction, contact_id, conv_id, sent_at, public, kind, slug, ext in rows.iterator(
        chunk_size=5000
    ):
        if direction == "outbound":
            replied.add(conv_id)
            continue
        times = history.setdefault(contact_id or 0, [])
        times.append(sent_at)
        first = conv_id not in seen_inbound
        seen_inbound.add(conv_id)
        if sent_at < since or pk not in analyses:
            continue
        cutoff = sent_at - timedelta(days=HISTORY_DAYS)
        contact = contacts.get(contact_id or 0)
        context = {
            "channel": kind,
            "public": public,
            "first_message": first,
            "author_messages_recent": sum(1 for t in times if t >= cutoff),
            "author_recent_days": HISTORY_DAYS,
            "author_hidden_count": contact.hidden_count if contact else 0,
            "author_flagged_abuser": bool(contact and contact.flagged_abuser),
            "conversation_has_reply": conv_id in replied,
            "office_hours": is_open(sent_at, office),
            "crisis_mode": org.crisis_mode,
        }
        yield f"{slug}:{ext}", analyses[pk], context


def simulate_draft(
    source: str, *, days: int = 30, max_changes: int | None = 200
) -> SimulationResult:
    """Run the published protocol and a draft over recent messages and compare."""
    draft = check_protocol_source(source)
    current = compiled(published_version())
    return simulate(current, draft, _items(max(1, days)), max_changes=max_changes)
