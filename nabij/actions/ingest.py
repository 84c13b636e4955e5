"""Ingestion: the one way a message enters Nabij, idempotent on (channel, external id)."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from nabij.actions.audit import AuditBuffer
from nabij.dbfeatures.bulk import insert_rows
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
        ids = {item.external_id for item in items}
        parents = {item.in_reply_to for item in items if item.in_reply_to}
        self.existing: dict[str, Message] = {
            m.external_id: m
            for m in Message.objects.filter(channel=channel, external_id__in=ids | parents).only(
                "pk", "external_id", "conversation_id", "channel_id", "direction", "sent_at"
            )
            if m.external_id
        }
        keys = {item.thread_key for item in items if item.thread_key}
        self.threads: dict[str, Conversation] = {}
        if keys:
            for conv in Conversation.objects.filter(channel=channel, thread_key__in=keys).order_by(
                "pk"
            ):
                self.threads.setdefault(conv.thread_key, conv)
        handles = {item.author_handle[:300] for item in items if item.direction == "inbound"}
        self.contacts: dict[str, Contact] = {
            ident.handle: ident.contact
            for ident in ContactIdentity.objects.filter(
                channel=channel, handle__in=handles
            ).select_related("contact")
        }
        self.new_contacts: dict[str, tuple[Contact, str]] = {}
        self.touched_contacts: dict[int, Contact] = {}
        self.conversations: dict[int, Conversation] = {}
        self.new_conversations: list[Conversation] = []
        # external id -> conversation object, for replies to messages in this batch
        self.conv_of: dict[str, Conversation] = {}

    def contact_for(self, item: IngestItem) -> Contact | None:
        """The item's author as a contact (new contacts are created in bulk later)."""
        if item.direction != Message.Direction.INBOUND:
            return None
        handle = item.author_handle[:300]
        contact = self.contacts.get(handle)
        if contact is None:
            contact = Contact(display_name=item.author_name[:200])
            self.contacts[handle] = contact
            self.new_contacts[handle] = (contact, item.author_name[:200])
        elif contact.pk:
            self.touched_contacts[contact.pk] = contact
        if contact.first_seen_at is None or item.sent_at < contact.first_seen_at:
            contact.first_seen_at = item.sent_at
        if contact.last_seen_at is None or item.sent_at > contact.last_seen_at:
            contact.last_seen_at = item.sent_at
        contact.message_count += 1
        if item.author_name and not contact.display_name:
            contact.display_name = item.author_name[:200]
        return contact

    def conversation_for(self, item: IngestItem, contact: Contact | None) -> Conversation:
        """The conversation the item belongs to: its parent's, its thread's, or a new one."""
        conv: Conversation | None = None
        if item.in_reply_to:
            conv = self.conv_of.get(item.in_reply_to)
            parent = self.existing.get(item.in_reply_to)
            if conv is None and parent is not None:
                conv = self.conversations.get(parent.conversation_id)
                if conv is None:
                    conv = Conversation.objects.get(pk=parent.conversation_id)
                    self.conversations[conv.pk] = conv
        if conv is None and item.thread_key:
            conv = self.threads.get(item.thread_key)
            if conv is not None and conv.pk:
                self.conversations.setdefault(conv.pk, conv)
        if conv is None:
            inbound = item.direction == Message.Direction.INBOUND
            conv = Conversation(
                channel=self.channel,
                contact=contact,
                thread_key=item.thread_key[:300],
                subject=item.subject[:300],
                public=item.public,
                last_message_at=item.sent_at,
                started_at=item.sent_at,
                status=Conversation.Status.NEW if inbound else Conversation.Status.CLOSED,
            )
            self.new_conversations.append(conv)
            if item.thread_key:
                self.threads[item.thread_key] = conv
        if conv.contact is None and contact is not None:
            conv.contact = contact
        self.conv_of[item.external_id] = conv
        return conv


def _touch_conversation(conv: Conversation, message: Message) -> None:
    conv.message_count += 1
    if message.sent_at >= conv.last_message_at or conv.message_count == 1:
        conv.last_message_at = message.sent_at
    if conv.message_count == 1:
        conv.preview = _preview(message.text)
    if message.direction == Message.Direction.INBOUND:
        # The inbox shows the resident's latest words, not our own reply.
        if conv.last_inbound_at is None or message.sent_at >= conv.last_inbound_at:
            conv.last_inbound_at = message.sent_at
            conv.preview = _preview(message.text)
        if conv.status in (Conversation.Status.CLOSED, Conversation.Status.WAITING):
            conv.status = Conversation.Status.OPEN
    elif message.direction == Message.Direction.OUTBOUND:
        if conv.first_response_at is None:
            conv.first_response_at = message.sent_at


def _new_message(channel: Channel, item: IngestItem, contact: Contact | None) -> Message:
    return Message(
        channel=channel,
        contact=contact,
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


CONVERSATION_STATE = (
    "contact_id",
    "message_count",
    "last_message_at",
    "preview",
    "last_inbound_at",
    "status",
    "first_response_at",
)
CONTACT_STATE = ("first_seen_at", "last_seen_at", "message_count", "display_name")


def _update_rows(model: type[Any], rows: Sequence[Any], fields: Sequence[str]) -> None:
    """UPDATE many rows by primary key with one prepared statement (portable, fast)."""
    if not rows:
        return
    table = connection.ops.quote_name(model._meta.db_table)
    columns = [model._meta.get_field(f.removesuffix("_id")) for f in fields]
    assignments = ", ".join(f"{connection.ops.quote_name(c.column)} = %s" for c in columns)
    sql = f"UPDATE {table} SET {assignments} WHERE id = %s"  # noqa: S608 - names are ours
    params = []
    for row in rows:
        values = [c.get_db_prep_save(_field_value(row, c), connection=connection) for c in columns]
        params.append([*values, row.pk])
    with connection.cursor() as cursor:
        cursor.executemany(sql, params)


def _field_value(row: Any, field: Any) -> Any:
    """A column value; for a relation, the pk of a related object saved after assignment."""
    if field.is_relation and field.is_cached(row):
        related = field.get_cached_value(row)
        return related.pk if related is not None else None
    return getattr(row, field.attname)


def _ingest_bulk(
    channel: Channel, items: Sequence[IngestItem], actor: Any, source: str
) -> tuple[list[IngestResult], list[int], AuditBuffer]:
    """The fast path: plan the whole batch in memory, then insert in bulk."""
    batch = _Batch(channel, items)
    results: list[IngestResult | None] = []
    planned: list[tuple[int, Message, Conversation]] = []
    seen: dict[str, Message] = {}
    for index, item in enumerate(items):
        known = batch.existing.get(item.external_id) or seen.get(item.external_id)
        if known is not None:
            results.append(IngestResult(known, False))
            continue
        contact = batch.contact_for(item)
        conv = batch.conversation_for(item, contact)
        message = _new_message(channel, item, contact)
        _touch_conversation(conv, message)
        seen[item.external_id] = message
        planned.append((index, message, conv))
        results.append(None)
    if batch.new_contacts:
        contacts = [c for c, _ in batch.new_contacts.values()]
        insert_rows(Contact, contacts, returning=True)
        insert_rows(
            ContactIdentity,
            [
                ContactIdentity(contact_id=c.pk, channel_id=channel.pk, handle=handle, name=name)
                for handle, (c, name) in batch.new_contacts.items()
            ],
        )
    for conv in batch.new_conversations:
        conv.contact_id = conv.contact.pk if conv.contact is not None else None
    insert_rows(Conversation, batch.new_conversations, returning=True)
    messages = []
    for _, message, conv in planned:
        message.conversation = conv
        messages.append(message)
    # Related objects were saved above; copy their ids before the raw insert.
    for message in messages:
        message.conversation_id = message.conversation.pk
        message.contact_id = message.contact.pk if message.contact is not None else None
    insert_rows(Message, messages)
    if messages:
        ids = dict(
            Message.objects.filter(
                channel=channel, external_id__in=[m.external_id for m in messages]
            ).values_list("external_id", "pk")
        )
        for message in messages:
            message.pk = ids[message.external_id]
            message._state.adding = False
            message._state.db = "default"
    _update_rows(Conversation, list(batch.conversations.values()), CONVERSATION_STATE)
    _update_rows(Contact, list(batch.touched_contacts.values()), CONTACT_STATE)
    audit = AuditBuffer()
    new_ids = []
    for index, message, conv in planned:
        results[index] = IngestResult(message, True)
        audit.add(
            actor,
            "message.received" if message.direction == "inbound" else "message.imported",
            message,
            {
                "channel": channel.slug,
                "external_id": message.external_id,
                "conversation": conv.pk,
                "source": source,
            },
        )
        if message.direction == Message.Direction.INBOUND:
            new_ids.append(message.pk)
    return [r for r in results if r is not None], new_ids, audit


def do_ingest_messages(
    channel: Channel,
    items: Sequence[IngestItem],
    *,
    actor: Any = None,
    source: str = "channel",
    queue_analysis: bool = True,
) -> list[IngestResult]:
    """Store a batch of messages from one channel; items already stored are returned as-is.

    The batch is planned in memory and inserted in bulk. When a concurrent ingest wins
    a race on a (channel, external id) or a contact handle, the bulk insert fails as a
    whole and the batch is replayed one item at a time, each in its own savepoint.
    """
    with transaction.atomic():
        try:
            with transaction.atomic():
                results, new_ids, audit = _ingest_bulk(channel, items, actor, source)
        except IntegrityError:
            results, new_ids, audit = [], [], AuditBuffer()
            for item in items:
                result, is_new = _ingest_one(channel, item, actor, source, audit)
                results.append(result)
                if is_new and result.message.direction == Message.Direction.INBOUND:
                    new_ids.append(result.message.pk)
        audit.flush()
        if new_ids and queue_analysis:
            ids = list(new_ids)
            transaction.on_commit(lambda: _queue_analysis(ids))
    return results


def _ingest_one(
    channel: Channel, item: IngestItem, actor: Any, source: str, audit: AuditBuffer
) -> tuple[IngestResult, bool]:
    """The careful path for one item, used after a race was detected."""
    existing = Message.objects.filter(channel=channel, external_id=item.external_id).first()
    if existing is not None:
        return IngestResult(existing, False), False
    try:
        with transaction.atomic():
            results, _, one_audit = _ingest_bulk(channel, [item], actor, source)
    except IntegrityError:
        if item.direction == Message.Direction.INBOUND:
            _ensure_identity(channel, item)
        existing = Message.objects.filter(channel=channel, external_id=item.external_id).first()
        if existing is not None:
            return IngestResult(existing, False), False
        with transaction.atomic():
            results, _, one_audit = _ingest_bulk(channel, [item], actor, source)
    audit.pending.extend(one_audit.pending)
    return results[0], results[0].created


def _ensure_identity(channel: Channel, item: IngestItem) -> None:
    """Make sure the author's identity exists (another process may be creating it)."""
    handle = item.author_handle[:300]
    if ContactIdentity.objects.filter(channel=channel, handle=handle).exists():
        return
    try:
        with transaction.atomic():
            contact = Contact.objects.create(display_name=item.author_name[:200])
            ContactIdentity.objects.create(
                contact=contact, channel=channel, handle=handle, name=item.author_name[:200]
            )
    except IntegrityError:
        pass


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
