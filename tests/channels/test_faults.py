"""Fault injection at the Django level: zero lost and zero duplicated messages.

A real loopback HTTP server plays Mastodon and drops connections, answers slowly (past
the client timeout), 429 with Retry-After, 500, malformed JSON, HTML or a cut-off body.
A "killed worker" is a BaseException raised from inside the database transaction
(through Django's execute_wrapper hook) after the messages were inserted and before the
cursor was written; the transaction dies with it, as with SIGKILL.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from connector_testkit import FAULTS, LocalServer
from django.db import connection
from django.utils import timezone

from nabij.actions.channels import cursor_position, do_poll_channel, poll_not_before
from nabij.connectors.http import HttpxClient
from nabij.models import AuditEvent, Channel, Message
from nabij.tasks.channels import _pollable_channels
from tests.channels.helpers import MastodonServer, mastodon_channel

pytestmark = pytest.mark.django_db


class WorkerKilled(BaseException):
    """Stands in for SIGKILL: not an Exception, so nothing on the way catches it."""


def _poll_until_quiet(channel: Channel, http: Any, rounds: int = 60) -> list[str]:
    errors, quiet = [], 0
    for _ in range(rounds):
        try:
            outcome = do_poll_channel(channel.pk, http=http)
        except WorkerKilled:
            errors.append("killed")
            continue
        if outcome.error:
            errors.append(outcome.error)
            quiet = 0
            continue
        quiet = 0 if outcome.created else quiet + 1
        if quiet >= 2:
            break
    return errors


def _stored_ids(channel: Channel) -> list[str]:
    return list(Message.objects.filter(channel=channel).values_list("external_id", flat=True))


@pytest.mark.parametrize("fault", FAULTS)
def test_every_fault_loses_and_doubles_nothing(local_server: LocalServer, fault: str) -> None:
    mastodon = MastodonServer(local_server)
    mastodon.add(1)
    channel = mastodon_channel(local_server)
    http = HttpxClient(timeout=0.4)
    try:
        # The first poll starts at the newest page; from then on the cursor pages forward.
        assert do_poll_channel(channel.pk, http=http).created == 1
        mastodon.add(94)  # more than two pages of 40
        local_server.inject(fault, fault)
        errors = _poll_until_quiet(channel, http)
        mastodon.add(7)
        local_server.inject(fault)
        errors += _poll_until_quiet(channel, http)
    finally:
        http.close()
    ids = _stored_ids(channel)
    assert len(ids) == len(set(ids)) == 102
    assert set(ids) == mastodon.status_ids()
    assert len(errors) >= 2, errors  # the faults were seen, and survived
    channel.refresh_from_db()
    assert channel.last_error == "" and channel.last_success_at is not None


def test_a_429_is_shown_and_the_scheduler_waits_for_retry_after(
    local_server: LocalServer,
) -> None:
    MastodonServer(local_server).add(3)
    channel = mastodon_channel(local_server)
    local_server.inject("429")
    http = HttpxClient(timeout=2)
    outcome = do_poll_channel(channel.pk, http=http)
    channel.refresh_from_db()
    assert outcome.retry_after == 7.0 and "429" in channel.last_error
    wait_until = poll_not_before(channel)
    assert wait_until is not None and wait_until > timezone.now() + dt.timedelta(seconds=5)
    assert channel.pk not in _pollable_channels(timezone.now())
    assert channel.pk in _pollable_channels(timezone.now() + dt.timedelta(seconds=8))
    assert do_poll_channel(channel.pk, http=http).created == 3
    http.close()
    channel.refresh_from_db()
    assert poll_not_before(channel) is None and channel.last_error == ""


def test_a_worker_killed_mid_batch_leaves_no_message_and_no_cursor(
    local_server: LocalServer,
) -> None:
    mastodon = MastodonServer(local_server)
    mastodon.add(30)
    channel = mastodon_channel(local_server)
    state = {"inserted": False}

    def kill_before_cursor(execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
        if "INSERT" in sql and "nabij_message" in sql:
            state["inserted"] = True
        if sql.startswith("UPDATE") and "nabij_channel" in sql and state["inserted"]:
            raise WorkerKilled
        return execute(sql, params, many, context)

    http = HttpxClient(timeout=2)
    with connection.execute_wrapper(kill_before_cursor), pytest.raises(WorkerKilled):
        do_poll_channel(channel.pk, http=http)
    assert state["inserted"]  # the messages had been written when the worker died
    channel.refresh_from_db()
    assert _stored_ids(channel) == [] and cursor_position(channel) is None
    assert not AuditEvent.objects.filter(verb="message.received").exists()

    assert do_poll_channel(channel.pk, http=http).created == 30  # the restart replays
    channel.refresh_from_db()
    channel.cursor = {}  # a replay of an old cursor (restore, race) doubles nothing
    channel.save(update_fields=["cursor"])
    replay = do_poll_channel(channel.pk, http=http)
    http.close()
    assert replay.created == 0 and replay.existing == 30
    ids = _stored_ids(channel)
    assert len(ids) == len(set(ids)) == 30


def test_a_server_that_is_down_is_a_visible_error(local_server: LocalServer) -> None:
    channel = mastodon_channel(local_server)
    channel.config = {"base_url": "http://127.0.0.1:9"}  # nothing listens on the discard port
    channel.save(update_fields=["config"])
    outcome = do_poll_channel(channel.pk, http=HttpxClient(timeout=1))
    channel.refresh_from_db()
    assert outcome.error and "connection" in channel.last_error
    assert cursor_position(channel) is None and _stored_ids(channel) == []


def test_junk_items_are_skipped_and_reported_while_good_ones_are_stored(
    local_server: LocalServer,
) -> None:
    mastodon = MastodonServer(local_server)
    mastodon.add(2)
    mastodon.items.append({"id": "1003", "type": "mention", "status": {"id": "x"}})
    channel = mastodon_channel(local_server)
    outcome = do_poll_channel(channel.pk, http=HttpxClient(timeout=2))
    channel.refresh_from_db()
    assert outcome.created == 2 and outcome.skipped == 1
    assert channel.cursor["skipped"][0]["error"].startswith("unusable status")
    assert cursor_position(channel) == "1003"  # the junk item is not read again
