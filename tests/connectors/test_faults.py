"""Fault injection against a real loopback HTTP server.

The servers below mimic the documented paging of Mastodon notifications, Bluesky
listNotifications and the Graph API, and can drop the connection, answer slowly (past
the client timeout), answer 429 with Retry-After, 500, malformed or HTML bodies, or cut
the body short. A poll loop stores messages and the cursor together in an in-memory
store; a "worker killed mid-batch" persists only some messages and no cursor. In every
scenario the store ends with every message exactly once.
"""

from __future__ import annotations

import datetime as dt
import random
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import pytest
from connector_testkit import FAULTS, LocalServer, Reply, Request

from nabij.connectors.base import (
    Connector,
    InboundMessage,
    OutboundReply,
    PermanentError,
    Secret,
    TemporaryError,
)
from nabij.connectors.bluesky import BlueskyConnector
from nabij.connectors.http import HttpxClient, after_send_failure
from nabij.connectors.mastodon import MastodonConnector
from nabij.connectors.meta import FacebookConnector

BASE_TIME = dt.datetime(2026, 9, 14, 8, 0, tzinfo=dt.UTC)
CLIENT_TIMEOUT = 0.4


class WorkerKilled(Exception):
    """Stands in for SIGKILL in the middle of a batch."""


@dataclass
class Store:
    """Messages keyed by (channel, external_id) and the cursor, committed together."""

    rows: list[tuple[str, str]] = field(default_factory=list)
    keys: set[tuple[str, str]] = field(default_factory=set)
    cursor: str | None = None
    kill_after: int | None = None  # persist this many messages, then die without the cursor

    def ingest(self, message: InboundMessage) -> None:
        key = (message.channel, message.external_id)
        if key not in self.keys:  # do_ingest_message de-duplicates on this key
            self.keys.add(key)
            self.rows.append(key)

    def commit(self, messages: tuple[InboundMessage, ...], cursor: str | None) -> None:
        for index, message in enumerate(messages):
            if self.kill_after is not None and index == self.kill_after:
                self.kill_after = None
                raise WorkerKilled
            self.ingest(message)
        self.cursor = cursor


def poll_until_quiet(
    connector: Connector,
    config: dict[str, Any],
    secrets: dict[str, Secret],
    store: Store,
    between_polls: Callable[[], None] = lambda: None,
    rounds: int = 200,
) -> list[float | None]:
    """Poll like the worker does; return the Retry-After values seen."""
    http = HttpxClient(timeout=CLIENT_TIMEOUT)
    waits: list[float | None] = []
    quiet = 0
    for _ in range(rounds):
        between_polls()
        try:
            result = connector.poll(config, secrets, store.cursor, http)
            store.commit(result.messages, result.next_cursor)
        except TemporaryError as exc:
            waits.append(exc.retry_after)  # the worker would sleep this long
            quiet = 0
            continue
        except WorkerKilled:
            quiet = 0
            continue  # the worker restarts and polls from the persisted cursor
        quiet = 0 if result.messages else quiet + 1
        if quiet >= 3:
            break
    http.close()
    return waits


class MastodonServer:
    """`GET /api/v1/notifications` with `min_id`/`limit` and mention filtering."""

    def __init__(self, server: LocalServer) -> None:
        self.items: list[dict[str, Any]] = []
        self.lock = threading.Lock()
        server.route("GET", "/api/v1/notifications", self.notifications)
        self.statuses: dict[str, dict[str, Any]] = {}
        server.route("POST", "/api/v1/statuses", self.post_status)

    def add(self, count: int, kind: str = "mention") -> None:
        with self.lock:
            for _ in range(count):
                n = len(self.items) + 1
                status = {
                    "id": str(9000 + n),
                    "created_at": (BASE_TIME + dt.timedelta(seconds=n)).isoformat(),
                    "visibility": "public",
                    "content": f"<p>bericht {n}</p>",
                    "account": {"id": "5", "acct": f"user{n}@example.social"},
                }
                self.items.append({"id": str(1000 + n), "type": kind, "status": status})

    def mention_ids(self) -> set[tuple[str, str]]:
        return {("mastodon", i["status"]["id"]) for i in self.items if i["type"] == "mention"}

    def notifications(self, req: Request) -> Reply:
        limit = int(req.query.get("limit", ["40"])[0])
        types = req.query.get("types[]")
        with self.lock:
            items = [i for i in self.items if not types or i["type"] in types]
        if "min_id" in req.query:
            after = int(req.query["min_id"][0])
            page = [i for i in items if int(i["id"]) > after][:limit]
        else:
            page = items[-limit:]
        return Reply(200, list(reversed(page)))

    def post_status(self, req: Request) -> Reply:
        key = req.headers.get("idempotency-key", "")
        with self.lock:
            if key not in self.statuses:  # Mastodon returns the first result for a repeated key
                self.statuses[key] = {"id": str(50_000 + len(self.statuses)), "url": "https://x/1"}
            return Reply(200, self.statuses[key])


class BlueskyServer:
    """createSession and listNotifications (newest first, opaque cursor)."""

    def __init__(self, server: LocalServer) -> None:
        self.items: list[dict[str, Any]] = []
        self.lock = threading.Lock()
        server.route(
            "POST",
            "/xrpc/com.atproto.server.createSession",
            lambda r: Reply(200, {"did": "did:plc:org", "accessJwt": "jwt"}),
        )
        server.route("GET", "/xrpc/app.bsky.notification.listNotifications", self.list)

    def add(self, count: int) -> None:
        with self.lock:
            for _ in range(count):
                n = len(self.items) + 1
                when = (BASE_TIME + dt.timedelta(seconds=n)).isoformat().replace("+00:00", "Z")
                reason = "like" if n % 7 == 0 else "mention"
                record = {"$type": "app.bsky.feed.post", "text": f"post {n}", "createdAt": when}
                self.items.append(
                    {
                        "uri": f"at://did:plc:u{n}/app.bsky.feed.post/{n:013d}",
                        "cid": f"c{n}",
                        "author": {"did": f"did:plc:u{n}", "handle": f"u{n}.bsky.social"},
                        "reason": reason,
                        "record": record,
                        "indexedAt": when,
                    }
                )

    def mention_ids(self) -> set[tuple[str, str]]:
        return {("bluesky", i["uri"]) for i in self.items if i["reason"] == "mention"}

    def list(self, req: Request) -> Reply:
        if req.headers.get("authorization") != "Bearer jwt":
            return Reply(401, {"error": "AuthMissing"})
        limit = int(req.query.get("limit", ["50"])[0])
        with self.lock:
            newest_first = list(reversed(self.items))
        start = 0
        if "cursor" in req.query:
            # The cursor names the last item returned; resume right after it.
            uri = req.query["cursor"][0]
            start = next(
                (k + 1 for k, i in enumerate(newest_first) if i["uri"] == uri), len(newest_first)
            )
        page = newest_first[start : start + limit]
        body: dict[str, Any] = {"notifications": page}
        if start + limit < len(newest_first):
            body["cursor"] = page[-1]["uri"]
        return Reply(200, body)


def inject_randomly(server: LocalServer, rng: random.Random, rate: float = 0.5) -> None:
    if rng.random() < rate:
        server.inject(rng.choice(FAULTS))


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_mastodon_polling_survives_every_fault_without_loss_or_duplicates(seed: int) -> None:
    rng = random.Random(seed)
    with LocalServer(slow_seconds=CLIENT_TIMEOUT * 2) as server:
        mastodon = MastodonServer(server)
        mastodon.add(25)
        store = Store(cursor="0")

        def between() -> None:
            if rng.random() < 0.3:
                mastodon.add(rng.randint(1, 95))  # bursts larger than one page of 40
                mastodon.add(2, kind="favourite")
            inject_randomly(server, rng)
            if rng.random() < 0.15:
                store.kill_after = rng.randint(0, 30)

        config = {"base_url": server.url}
        waits = poll_until_quiet(
            MastodonConnector(), config, {"access_token": Secret("t")}, store, between
        )
        store.kill_after = None
        poll_until_quiet(MastodonConnector(), config, {"access_token": Secret("t")}, store)
    assert set(store.keys) == mastodon.mention_ids()  # nothing lost
    assert len(store.rows) == len(set(store.rows))  # nothing twice
    assert all(w in (None, 7.0) for w in waits)


@pytest.mark.parametrize("seed", [4, 5, 6])
def test_bluesky_polling_survives_every_fault_without_loss_or_duplicates(seed: int) -> None:
    rng = random.Random(seed)
    with LocalServer(slow_seconds=CLIENT_TIMEOUT * 2) as server:
        bluesky = BlueskyServer(server)
        bluesky.add(30)  # the first poll starts from the newest page: keep it within one
        store = Store()
        config = {"service_url": server.url, "identifier": "org.bsky.social"}
        secrets = {"app_password": Secret("pw")}
        connector = BlueskyConnector()
        poll_until_quiet(connector, config, secrets, store, rounds=1)

        def between() -> None:
            if rng.random() < 0.3:
                bluesky.add(rng.randint(1, 140))  # bursts that need paging back
            inject_randomly(server, rng)
            if rng.random() < 0.15:
                store.kill_after = rng.randint(0, 40)

        poll_until_quiet(connector, config, secrets, store, between)
        store.kill_after = None
        poll_until_quiet(connector, config, secrets, store)
    assert set(store.keys) == bluesky.mention_ids()
    assert len(store.rows) == len(set(store.rows))


def test_worker_killed_mid_batch_replays_without_duplicates() -> None:
    with LocalServer() as server:
        mastodon = MastodonServer(server)
        mastodon.add(30)
        store = Store(cursor="0", kill_after=12)
        http = HttpxClient(timeout=2)
        connector = MastodonConnector()
        config, secrets = {"base_url": server.url}, {"access_token": Secret("t")}
        first = connector.poll(config, secrets, store.cursor, http)
        with pytest.raises(WorkerKilled):
            store.commit(first.messages, first.next_cursor)
        assert (len(store.rows), store.cursor) == (12, "0")  # 12 saved, cursor not moved
        again = connector.poll(config, secrets, store.cursor, http)
        store.commit(again.messages, again.next_cursor)
    assert len(store.rows) == 30 == len(set(store.rows))
    assert store.cursor == "1030"


@pytest.mark.parametrize("fault", FAULTS)
def test_each_fault_is_a_temporary_error(fault: str) -> None:
    with LocalServer(slow_seconds=CLIENT_TIMEOUT * 2) as server:
        MastodonServer(server).add(3)
        server.inject(fault)
        with pytest.raises(TemporaryError) as caught:
            MastodonConnector().poll(
                {"base_url": server.url},
                {"access_token": Secret("t")},
                "0",
                HttpxClient(timeout=CLIENT_TIMEOUT),
            )
        if fault == "429":
            assert caught.value.retry_after == 7
        # The next call, without a fault, succeeds.
        result = MastodonConnector().poll(
            {"base_url": server.url},
            {"access_token": Secret("t")},
            "0",
            HttpxClient(timeout=CLIENT_TIMEOUT),
        )
        assert len(result.messages) == 3


def send_with_retries(send: Callable[[], Any], rng: random.Random) -> tuple[str, list[float], str]:
    """The reply state machine in miniature: queued -> sent | failed, with backoff."""
    delays: list[float] = []
    for attempt in range(20):
        try:
            send()
            return "sent", delays, ""
        except (TemporaryError, PermanentError) as exc:
            decision = after_send_failure(attempt, exc, rng)
            if decision.state == "failed":
                return "failed", delays, decision.error
            assert decision.delay is not None
            delays.append(decision.delay)
    return "queued", delays, ""


def test_mastodon_reply_is_posted_once_through_faults_thanks_to_idempotency_key() -> None:
    with LocalServer(slow_seconds=CLIENT_TIMEOUT * 2) as server:
        mastodon = MastodonServer(server)
        server.inject("garbage", "truncate", "slow", "429", "500", "drop")
        reply = OutboundReply(
            "Dank u!", {"status_id": "9001", "acct": "anna"}, idempotency_key="reply-1"
        )
        state, delays, _ = send_with_retries(
            lambda: MastodonConnector().send(
                {"base_url": server.url},
                {"access_token": Secret("t")},
                reply,
                HttpxClient(timeout=CLIENT_TIMEOUT),
            ),
            random.Random(0),
        )
    assert state == "sent"
    assert len(mastodon.statuses) == 1
    assert len(delays) == 6 and delays[3] >= 7  # the 429's Retry-After is honoured
    assert delays[0] < delays[1] < delays[2]  # exponential backoff


def test_graph_reply_retries_then_fails_visibly_on_a_permanent_error() -> None:
    with LocalServer() as server:
        created: list[dict[str, Any]] = []

        def comments(req: Request) -> Reply:
            if req.json().get("message") == "verboden":
                return Reply(400, {"error": {"message": "(#100) Invalid parameter", "code": 100}})
            created.append(req.json())
            return Reply(200, {"id": f"c_{len(created)}"})

        server.route("POST", "/v21.0/555_1/comments", comments)
        config = {"graph_url": f"{server.url}/v21.0", "account_id": "1"}
        secrets = {"access_token": Secret("page-token")}
        target = {"kind": "comment", "object_id": "555_1", "reply_on": "555_1"}

        def send(text: str) -> Callable[[], Any]:
            return lambda: FacebookConnector().send(
                config, secrets, OutboundReply(text, target), HttpxClient(timeout=2)
            )

        server.inject("drop", "429", "500")  # all fail before the comment is made
        state, delays, _ = send_with_retries(send("Wij pakken het op."), random.Random(1))
        assert (state, len(created), len(delays)) == ("sent", 1, 3)
        state, _, error = send_with_retries(send("verboden"), random.Random(1))
    assert state == "failed" and "Invalid parameter" in error and "page-token" not in error
