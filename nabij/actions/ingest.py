"""Ingestion: the one way a message enters Nabij, idempotent on (channel, external id)."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from nabij.actions.audit import AuditBuffer
from nabij.models import Channel, Contact, ContactIdentity, Conversation, Message

logger = logging.getLogger(__name__)

PREVIEW_LENGTH = 200


@dataclass(frozen=True)
class IngestItem:
    """A normalised message from any channel, ready to be stored."""

    external_id: str
    author_handle: str
    text: str
    sent_at: datetime
    author_name: str = ""
    in_reply_to: str | None = None
    thread_key: str = ""
    public: bool = True
    url: str = ""
    direction: str = Message.Direction.INBOUND
    labels: dict[str, Any] | None = None
    content_warning: str = ""
    subject: str = ""
    raw: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class IngestResult:
    """What happened to one item: the stored message and whether it is new."""

    message: Message
    created: bool


def _preview(text: str) -> str:
    flat = " ".join(text.split())
    return flat[: PREVIEW_LENGTH - 1] + "…" if len(flat) > PREVIEW_LENGTH else flat


class _Batch:
    """Working state of one ingest batch, so each lookup happens once per batch."""

    def __init__(self, channel: Channel, items: Sequence[IngestItem]) -> None:
        self.channel = channel
        self.items = items
        ids = {item.external_id for item in items}
        parents = {item.in_reply_to for item in items if item.in_reply_to}
        self.existing: dict[str, Message] = {
            m.external_id: m
            for m in Message.objects.filter(channel=channel, external_id__in=ids | parents)
        }
        keys = {item.thread_key for item in items if item.thread_key}
        self.threads: dict[str, Conversation] = {}
        if keys:
            for conv in Conversation.objects.filter(channel=channel, thread_key__in=keys).order_by(
                "pk"
            ):
                self.threads.setdefault(conv.thread_key, conv)
        handles = {item.author_handle for item in items if item.direction == "inbound"}
        self.contacts: dict[str, Contact] = {
            ident.handle: ident.contact
            for ident in ContactIdentity.objects.filter(
                channel=channel, handle__in=handles
            ).select_related("contact")
        }
        self.conversations: dict[int, Conversation] = {}

    def forget_empty_conversations(self) -> None:
        """Drop conversations created in a rolled-back savepoint."""
        self.conversations = {k: c for k, c in self.conversations.items() if c.message_count}
        self.threads = {k: c for k, c in self.threads.items() if c.message_count}

    def contact_for(self, item: IngestItem) -> Contact | None:
        if item.direction != Message.Direction.INBOUND:
            return None
        contact = self.contacts.get(item.author_handle)
        if contact is None:
            contact = _get_or_create_contact(self.channel, item.author_handle, item.author_name)
            self.contacts[item.author_handle] = contact
        if contact.first_seen_at is None or item.sent_at < contact.first_seen_at:
            contact.first_seen_at = item.sent_at
        if contact.last_seen_at is None or item.sent_at > contact.last_seen_at:
            contact.last_seen_at = item.sent_at
        contact.message_count += 1
        if item.author_name and not contact.display_name:
            contact.display_name = item.author_name[:200]
        return contact


def _get_or_create_contact(channel: Channel, handle: str, name: str) -> Contact:
    """Match the identity or create contact + identity; safe under concurrent creation."""
    try:
        with transaction.atomic():
            contact = Contact.objects.create(display_name=name[:200])
            ContactIdentity.objects.create(
                contact=contact, channel=channel, handle=handle[:300], name=name[:200]
            )
            return contact
    except IntegrityError:
        return ContactIdentity.objects.select_related("contact").get(
            channel=channel, handle=handle[:300]
        ).contact


def _conversation_for(batch: _Batch, item: IngestItem, contact: Contact | None) -> Conversation:
    parent = batch.existing.get(item.in_reply_to) if item.in_reply_to else None
    if parent is not None:
        conv = batch.conversations.get(parent.conversation_id)
        if conv is None:
            conv = Conversation.objects.get(pk=parent.conversation_id)
    elif item.thread_key and item.thread_key in batch.threads:
        conv = batch.threads[item.thread_key]
    else:
        conv = Conversation.objects.create(
            channel=batch.channel,
            contact=contact,
            thread_key=item.thread_key[:300],
            subject=item.subject[:300],
            public=item.public,
            last_message_at=item.sent_at,
            status=Conversation.Status.NEW
            if item.direction == Message.Direction.INBOUND
            else Conversation.Status.CLOSED,
        )
        if item.thread_key:
            batch.threads[item.thread_key] = conv
    batch.conversations[conv.pk] = conv
    if conv.contact_id is None and contact is not None:
        conv.contact = contact
    return conv


def _touch_conversation(conv: Conversation, message: Message) -> None:
    conv.message_count += 1
    if message.sent_at >= conv.last_message_at or conv.message_count == 1:
        conv.last_message_at = message.sent_at
        conv.preview = _preview(message.text)
    if message.direction == Message.Direction.INBOUND:
        if conv.last_inbound_at is None or message.sent_at >= conv.last_inbound_at:
            conv.last_inbound_at = message.sent_at
        if conv.status in (Conversation.Status.CLOSED, Conversation.Status.WAITING):
            conv.status = Conversation.Status.OPEN
    elif message.direction == Message.Direction.OUTBOUND:
        if conv.first_response_at is None:
            conv.first_response_at = message.sent_at


def do_ingest_messages(
    channel: Channel,
    items: Sequence[IngestItem],
    *,
    actor: Any = None,
    source: str = "channel",
    queue_analysis: bool = True,
) -> list[IngestResult]:
    """Store a batch of messages from one channel; items already stored are returned as-is."""
    results: list[IngestResult] = []
    audit = AuditBuffer()
    new_ids: list[int] = []
    with transaction.atomic():
        batch = _Batch(channel, items)
        for item in items:
            known = batch.existing.get(item.external_id)
            if known is not None:
                results.append(IngestResult(known, False))
                continue
            contact = batch.contact_for(item)
            message = Message(
                channel=channel,
                contact=contact if item.direction == Message.Direction.INBOUND else None,
                direction=item.direction,
                external_id=item.external_id,
                in_reply_to=(item.in_reply_to or "")[:300],
                text=item.text,
                sent_at=item.sent_at,
                public=item.public,
                url=item.url[:1000],
                content_warning=item.content_warning[:500],
                raw=item.raw,
                labels=item.labels,
            )
            try:
                with transaction.atomic():
                    conv = _conversation_for(batch, item, contact)
                    message.conversation = conv
                    message.save(force_insert=True)
            except IntegrityError:
                # A concurrent ingest stored the same (channel, external id) first.
                batch.forget_empty_conversations()
                existing = Message.objects.get(channel=channel, external_id=item.external_id)
                batch.existing[item.external_id] = existing
                if contact is not None:
                    contact.message_count -= 1
                results.append(IngestResult(existing, False))
                continue
            batch.existing[item.external_id] = message
            _touch_conversation(conv, message)
            audit.add(
                actor,
                "message.received" if item.direction == "inbound" else "message.imported",
                message,
                {
                    "channel": channel.slug,
                    "external_id": item.external_id,
                    "conversation": conv.pk,
                    "source": source,
                },
            )
            if item.direction == Message.Direction.INBOUND:
                new_ids.append(message.pk)
            results.append(IngestResult(message, True))
        if batch.conversations:
            Conversation.objects.bulk_update(
                list(batch.conversations.values()),
                [
                    "contact",
                    "message_count",
                    "last_message_at",
                    "preview",
                    "last_inbound_at",
                    "status",
                    "first_response_at",
                ],
            )
        touched = {c.pk: c for c in batch.contacts.values() if c.pk}
        if touched:
            Contact.objects.bulk_update(
                list(touched.values()),
                ["first_seen_at", "last_seen_at", "message_count", "display_name"],
            )
        audit.flush()
        if new_ids and queue_analysis:
            ids = list(new_ids)
            transaction.on_commit(lambda: _queue_analysis(ids))
    return results


def do_ingest_message(
    channel: Channel, item: IngestItem, *, actor: Any = None, source: str = "channel"
) -> IngestResult:
    """Store one message (idempotent); every inbound path ends here."""
    return do_ingest_messages(channel, [item], actor=actor, source=source)[0]


def _queue_analysis(message_ids: list[int]) -> None:
    from nabij.tasks.analysis import analyse_messages

    try:
        analyse_messages.enqueue(message_ids)
    except Exception:  # the message is stored; reanalyse picks it up later
        logger.exception("could not queue analysis for %d messages", len(message_ids))


def get_or_create_channel(kind: str, slug: str | None = None, name: str | None = None) -> Channel:
    """The channel with this slug, created on first import of a channel name."""
    slug = (slug or kind)[:60]
    channel = Channel.objects.filter(slug=slug).first()
    if channel is not None:
        return channel
    try:
        with transaction.atomic():
            return Channel.objects.create(kind=kind, slug=slug, name=name or slug.title())
    except IntegrityError:
        return Channel.objects.get(slug=slug)


def now() -> datetime:
    """The current time (a seam for tests)."""
    return timezone.now()
