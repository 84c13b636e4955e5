"""Ingestion: idempotent, threaded, contacts matched, audited — also under concurrency."""

from __future__ import annotations

import threading

import pytest
from django.db import connection

from nabij.actions.audit import verify_audit_chain
from nabij.actions.ingest import do_ingest_message, do_ingest_messages, get_or_create_channel
from nabij.models import AuditEvent, Contact, Conversation, Message
from tests.foundation.factories import item

pytestmark = pytest.mark.django_db


def test_the_same_message_twice_is_stored_once() -> None:
    channel = get_or_create_channel("mastodon")
    first = do_ingest_message(channel, item("1"))
    again = do_ingest_message(channel, item("1", text="changed on the platform"))
    assert first.created and not again.created
    assert again.message.pk == first.message.pk
    assert Message.objects.count() == 1
    assert Message.objects.get().text.startswith("De lantaarnpaal")


def test_same_external_id_on_another_channel_is_another_message() -> None:
    do_ingest_message(get_or_create_channel("mastodon"), item("1"))
    do_ingest_message(get_or_create_channel("x"), item("1"))
    assert Message.objects.count() == 2


def test_replies_are_threaded_into_the_parent_conversation() -> None:
    channel = get_or_create_channel("mastodon")
    do_ingest_messages(
        channel,
        [
            item("1"),
            item("2", direction="outbound", in_reply_to="1", author_handle="@gemeente"),
            item("3", in_reply_to="2"),
        ],
    )
    do_ingest_message(channel, item("4", in_reply_to="3"))
    assert Conversation.objects.count() == 1
    conv = Conversation.objects.get()
    assert conv.message_count == 4
    assert conv.first_response_at is not None
    assert conv.preview.endswith("(4)")


def test_the_author_becomes_one_contact_across_messages() -> None:
    channel = get_or_create_channel("mastodon")
    do_ingest_messages(channel, [item("1"), item("2")])
    do_ingest_message(channel, item("3"))
    do_ingest_message(channel, item("4", author_handle="@bob@example", author_name="Bob"))
    assert Contact.objects.count() == 2
    anna = Contact.objects.get(display_name="Anna")
    assert anna.message_count == 3
    assert anna.first_seen_at < anna.last_seen_at
    assert anna.pseudonym.startswith("c-")


def test_every_stored_message_leaves_an_audit_event() -> None:
    channel = get_or_create_channel("webform")
    do_ingest_messages(channel, [item("1"), item("2"), item("1")])
    events = list(AuditEvent.objects.filter(verb="message.received"))
    assert len(events) == 2
    assert {e.data["external_id"] for e in events} == {"1", "2"}
    assert verify_audit_chain().ok


def test_a_thread_key_groups_mail_without_in_reply_to() -> None:
    channel = get_or_create_channel("email")
    do_ingest_message(channel, item("<a@x>", thread_key="<root@x>"))
    do_ingest_message(channel, item("<b@x>", thread_key="<root@x>"))
    assert Conversation.objects.count() == 1


@pytest.mark.django_db(transaction=True)
def test_concurrent_duplicates_create_one_message() -> None:
    channel = get_or_create_channel("mastodon")
    workers = 6
    barrier = threading.Barrier(workers)
    errors: list[BaseException] = []

    def ingest() -> None:
        try:
            barrier.wait(timeout=10)
            do_ingest_messages(channel, [item("77"), item("78", author_handle="@new@x")])
        except BaseException as exc:  # collected and asserted below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=ingest) for _ in range(workers)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert errors == []
    assert Message.objects.filter(external_id="77").count() == 1
    assert Message.objects.filter(external_id="78").count() == 1
    assert Contact.objects.filter(identities__handle="@new@x").count() == 1
    assert AuditEvent.objects.filter(verb="message.received").count() == 2
    assert verify_audit_chain().ok
