"""Replies: queued → sending → sent or failed, with backoff, visible errors and recovery;
outgoing webhooks: signed, retried."""

from __future__ import annotations

import datetime as dt
import json
import random

import pytest
from connector_testkit import LocalServer, Reply, Request
from django.utils import timezone

from nabij.actions.channels import do_poll_channel
from nabij.actions.conversations import do_store_reply
from nabij.actions.delivery import do_deliver_reply, do_retry_reply
from nabij.actions.users import do_create_user
from nabij.actions.webhooks import do_create_webhook_subscription, do_deliver_webhook
from nabij.connectors.http import HttpxClient
from nabij.connectors.webhooks import verify
from nabij.models import AuditEvent, Message, WebhookDelivery
from nabij.models import Reply as ReplyRow
from nabij.tasks.channels import _due_ids
from tests.channels.helpers import MastodonServer, mastodon_channel

pytestmark = pytest.mark.django_db


def _queued_reply(local_server: LocalServer) -> tuple[MastodonServer, ReplyRow]:
    mastodon = MastodonServer(local_server)
    mastodon.add(1)
    channel = mastodon_channel(local_server)
    assert do_poll_channel(channel.pk, http=HttpxClient(timeout=2)).created == 1
    conv = Message.objects.get(channel=channel).conversation
    agent = do_create_user("sanne", "Sterk-wachtwoord-42", role="agent")
    return mastodon, do_store_reply(agent, conv, "Dank je, we sturen iemand langs.")


def test_a_failing_server_queues_a_retry_with_the_error_then_the_reply_is_sent(
    local_server: LocalServer,
) -> None:
    mastodon, reply = _queued_reply(local_server)
    http = HttpxClient(timeout=2)
    local_server.inject("500")
    assert do_deliver_reply(reply.pk, http=http, rng=random.Random(1)) == "queued"
    reply.refresh_from_db()
    assert reply.attempts == 1 and reply.last_error == "server answered 500"
    assert reply.next_attempt_at is not None and reply.next_attempt_at > timezone.now()
    assert do_deliver_reply(reply.pk, http=http) == "skipped"  # not due yet
    assert reply.pk not in _due_ids(timezone.now())["replies"]
    later = reply.next_attempt_at + dt.timedelta(seconds=1)
    assert reply.pk in _due_ids(later)["replies"]

    ReplyRow.objects.filter(pk=reply.pk).update(next_attempt_at=timezone.now())  # time passes
    assert do_deliver_reply(reply.pk, http=http) == "sent"
    reply.refresh_from_db()
    assert reply.state == "sent" and reply.last_error == "" and reply.attempts == 2
    assert reply.message.external_id == mastodon.posted[0]["id"]
    posted = mastodon.posted[0]
    assert posted["body"]["in_reply_to_id"] == "9001"  # the same place as the message
    assert posted["body"]["status"].startswith("@inwoner1@social.example")
    assert posted["key"] == f"nabij-reply-{reply.pk}"
    verbs = list(AuditEvent.objects.values_list("verb", flat=True))
    assert "reply.retry_scheduled" in verbs and "reply.sent" in verbs
    assert do_deliver_reply(reply.pk, http=http) == "skipped"  # never sent twice
    http.close()


def test_a_429_waits_at_least_retry_after(local_server: LocalServer) -> None:
    _, reply = _queued_reply(local_server)
    local_server.inject("429")
    before = timezone.now()
    assert do_deliver_reply(reply.pk, http=HttpxClient(timeout=2), rng=random.Random(0)) == "queued"
    reply.refresh_from_db()
    assert reply.next_attempt_at >= before + dt.timedelta(seconds=7)


def test_a_refused_reply_fails_with_the_platforms_reason_and_can_be_retried(
    local_server: LocalServer,
) -> None:
    mastodon, reply = _queued_reply(local_server)
    local_server.route(
        "POST",
        "/api/v1/statuses",
        lambda req: Reply(422, {"error": "Validation failed: Text character limit"}),
    )
    assert do_deliver_reply(reply.pk, http=HttpxClient(timeout=2)) == "failed"
    reply.refresh_from_db()
    assert reply.state == "failed" and "character limit" in reply.last_error
    assert AuditEvent.objects.filter(verb="reply.failed").exists()
    reply.message.channel.refresh_from_db()
    assert "character limit" in reply.message.channel.last_error

    local_server.route("POST", "/api/v1/statuses", mastodon.post_status)  # fixed
    agent = reply.created_by
    assert do_retry_reply(agent, reply).state == "queued"
    assert do_deliver_reply(reply.pk, http=HttpxClient(timeout=2)) == "sent"


def test_a_worker_that_died_while_sending_is_taken_over_after_the_lease(
    local_server: LocalServer,
) -> None:
    mastodon, reply = _queued_reply(local_server)
    expired = timezone.now() - dt.timedelta(seconds=1)
    ReplyRow.objects.filter(pk=reply.pk).update(
        state="sending", attempts=1, next_attempt_at=expired
    )
    assert reply.pk in _due_ids(timezone.now())["replies"]
    assert do_deliver_reply(reply.pk, http=HttpxClient(timeout=2)) == "sent"
    assert len(mastodon.posted) == 1


def test_gives_up_after_the_last_attempt(local_server: LocalServer) -> None:
    _, reply = _queued_reply(local_server)
    ReplyRow.objects.filter(pk=reply.pk).update(attempts=7)
    local_server.inject("500")
    assert do_deliver_reply(reply.pk, http=HttpxClient(timeout=2)) == "failed"
    reply.refresh_from_db()
    assert reply.last_error.startswith("gave up after 8 attempts")


def test_webhooks_are_signed_and_retried(
    local_server: LocalServer, django_capture_on_commit_callbacks
) -> None:
    received: list[Request] = []

    def hook(req: Request) -> Reply:
        received.append(req)
        return Reply(503 if len(received) == 1 else 204)  # the first attempt fails

    local_server.route("POST", "/hook", hook)
    sub = do_create_webhook_subscription(None, f"{local_server.url}/hook", ["message.received"])
    MastodonServer(local_server).add(1)
    channel = mastodon_channel(local_server)
    with django_capture_on_commit_callbacks(execute=True):
        assert do_poll_channel(channel.pk, http=HttpxClient(timeout=2)).created == 1
    delivery = WebhookDelivery.objects.get()
    assert delivery.state == "queued" and "503" in delivery.last_error
    assert delivery.next_attempt_at is not None and delivery.attempts == 1
    WebhookDelivery.objects.filter(pk=delivery.pk).update(next_attempt_at=timezone.now())
    assert do_deliver_webhook(delivery.pk) == "delivered"
    req = received[-1]
    check = verify(
        req.body,
        req.headers.get("x-nabij-signature"),
        [sub.secret],
        now=int(timezone.now().timestamp()),
    )
    assert check.ok
    body = json.loads(req.body)
    assert body["event"] == "message.received" and body["data"]["external_id"] == "9001"
    assert req.headers["x-nabij-event"] == "message.received"
    assert do_deliver_webhook(delivery.pk) == "skipped"


def test_a_reply_on_an_unconfigured_channel_fails_at_once_with_what_is_missing() -> None:
    from nabij.actions.ingest import do_ingest_message, get_or_create_channel
    from tests.foundation.factories import item

    channel = get_or_create_channel("mastodon")  # made by an import, never configured
    conv = do_ingest_message(channel, item("1")).message.conversation
    agent = do_create_user("sanne", "Sterk-wachtwoord-42", role="agent")
    reply = do_store_reply(agent, conv, "Dank je!")
    assert do_deliver_reply(reply.pk) == "failed"
    reply.refresh_from_db()
    assert "not configured" in reply.last_error and "base_url" in reply.last_error
    assert do_poll_channel(channel.pk).error.startswith("the channel is not configured")


def test_with_the_database_worker_a_retry_is_queued_for_its_time(
    local_server: LocalServer, django_capture_on_commit_callbacks, settings
) -> None:
    from django_tasks_db.models import DBTaskResult

    _, reply = _queued_reply(local_server)
    settings.TASKS = {
        "default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}
    }
    local_server.inject("500")
    with django_capture_on_commit_callbacks(execute=True):
        assert do_deliver_reply(reply.pk, http=HttpxClient(timeout=2)) == "queued"
    reply.refresh_from_db()
    task = DBTaskResult.objects.get(task_path="nabij.tasks.channels.deliver_reply")
    assert task.args_kwargs["args"] == [reply.pk]
    assert abs((task.run_after - reply.next_attempt_at).total_seconds()) < 1


def test_a_reply_that_timed_out_after_the_server_took_it_is_not_posted_twice(
    local_server: LocalServer,
) -> None:
    mastodon, reply = _queued_reply(local_server)
    local_server.inject("slow")  # the server posts it, but answers after our timeout
    http = HttpxClient(timeout=0.4)
    assert do_deliver_reply(reply.pk, http=http) == "queued"
    reply.refresh_from_db()
    assert "timed out" in reply.last_error
    ReplyRow.objects.filter(pk=reply.pk).update(next_attempt_at=timezone.now())
    time_for_server = 1.5
    import time

    time.sleep(time_for_server)  # let the slow request finish on the server
    assert do_deliver_reply(reply.pk, http=http) == "sent"
    http.close()
    assert len(mastodon.posted) == 1  # the Idempotency-Key made the retry harmless
    reply.refresh_from_db()
    assert reply.message.external_id == mastodon.posted[0]["id"]


def test_a_facebook_comment_is_answered_under_the_comment(local_server: LocalServer) -> None:
    from pathlib import Path

    from nabij.actions.channels import do_configure_channel, do_process_payload
    from nabij.models import InboundPayload

    calls: list[Request] = []

    def graph(req: Request) -> Reply:
        calls.append(req)
        return Reply(200, {"id": "555_9001_reply"})

    local_server.route("POST", "/555_9001/comments", graph)
    channel = do_configure_channel(
        None, kind="facebook", slug="fb", name="Facebook",
        config={"account_id": "104000000000001", "graph_url": local_server.url},
        secrets={"access_token": "page-token", "app_secret": "app-secret", "verify_token": "v"},
    )  # fmt: skip
    fixture = (
        Path(__file__).resolve().parents[2] / "nabij/connectors/meta/fixtures/facebook_feed.json"
    )
    payload = InboundPayload.objects.create(channel=channel, body=fixture.read_bytes(), headers={})
    assert do_process_payload(payload.pk) == "done"
    comment = Message.objects.get(channel=channel, external_id="555_9001")
    agent = do_create_user("sanne", "Sterk-wachtwoord-42", role="agent")
    reply = do_store_reply(agent, comment.conversation, "Dank u, we sturen het door.")
    assert do_deliver_reply(reply.pk, http=HttpxClient(timeout=2)) == "sent"
    assert calls[0].json()["message"].startswith("Dank u, we sturen het door.")
    assert calls[0].headers["authorization"] == "Bearer page-token"
    assert "appsecret_proof" in calls[0].query
    reply.refresh_from_db()
    assert reply.message.external_id == "555_9001_reply"
