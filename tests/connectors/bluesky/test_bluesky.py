from __future__ import annotations

import datetime as dt
import json

import pytest
from connector_testkit import FakeHttp, load_fixture

from nabij.connectors.base import OutboundReply, PermanentError, Secret
from nabij.connectors.bluesky import BlueskyConnector
from nabij.connectors.bluesky.connector import BlueskyCursor, tid_from_key

CONFIG = {"service_url": "https://pds.example", "identifier": "gemeente.bsky.social"}
SECRETS = {"app_password": Secret("app-pass")}


def test_parse_keeps_replies_and_mentions() -> None:
    result = BlueskyConnector().parse(load_fixture("bluesky", "list_notifications.json"))
    reply, mention = result.messages
    assert reply.external_id == "at://did:plc:resident1/app.bsky.feed.post/3kzreply0001a"
    assert reply.in_reply_to == "at://did:plc:gemeente/app.bsky.feed.post/3kzown00001a"
    assert reply.thread_key == reply.in_reply_to
    assert reply.author_handle == "@jan.bsky.social"
    assert reply.url == "https://bsky.app/profile/jan.bsky.social/post/3kzreply0001a"
    assert mention.in_reply_to is None
    assert mention.thread_key == mention.external_id
    assert mention.author_name == "sara.example.nl"
    assert mention.content_warning == "graphic-media"
    assert [e.position for e in result.errors] == [3]


def test_first_poll_logs_in_and_starts_from_newest(fake_http: FakeHttp) -> None:
    fake_http.add(200, load_fixture("bluesky", "create_session.json"))
    fake_http.add(200, load_fixture("bluesky", "list_notifications.json"))
    result = BlueskyConnector().poll(CONFIG, SECRETS, None, fake_http)
    login, listing = fake_http.calls
    assert login.json_body == {"identifier": "gemeente.bsky.social", "password": "app-pass"}
    assert listing.headers["Authorization"] == "Bearer jwt-access-abc"
    assert listing.url.endswith("/xrpc/app.bsky.notification.listNotifications")
    assert len(result.messages) == 2
    assert BlueskyCursor.load(result.next_cursor) == BlueskyCursor(since="2026-09-14T08:01:02.000Z")


def test_poll_pages_back_until_the_cursor_then_catches_up(fake_http: FakeHttp) -> None:
    page = load_fixture("bluesky", "list_notifications.json")
    connector = BlueskyConnector()
    fake_http.add(200, load_fixture("bluesky", "create_session.json"))
    fake_http.add(200, page)  # every item is newer than since: keep paging back
    since = BlueskyCursor(since="2026-09-14T07:00:00.000Z").dump()
    first = connector.poll(CONFIG, SECRETS, since, fake_http)
    state = BlueskyCursor.load(first.next_cursor)
    assert state == BlueskyCursor(
        "2026-09-14T07:00:00.000Z", page["cursor"], "2026-09-14T08:01:02.000Z"
    )
    older = {"notifications": [dict(page["notifications"][2], indexedAt="2026-09-14T06:00:00Z")]}
    fake_http.add(200, older)  # reaches items older than since: caught up
    second = connector.poll(CONFIG, SECRETS, first.next_cursor, fake_http)
    assert fake_http.calls[-1].params == {"limit": 50, "cursor": page["cursor"]}
    assert second.messages == ()
    assert BlueskyCursor.load(second.next_cursor) == BlueskyCursor(since="2026-09-14T08:01:02.000Z")
    assert len(fake_http.calls) == 3  # the session was reused


def test_expired_session_is_renewed_once(fake_http: FakeHttp) -> None:
    fake_http.add(200, load_fixture("bluesky", "create_session.json"))
    fake_http.add(400, {"error": "ExpiredToken", "message": "Token has expired"})
    fake_http.add(200, load_fixture("bluesky", "create_session.json"))
    fake_http.add(200, {"notifications": []})
    BlueskyConnector().poll(CONFIG, SECRETS, None, fake_http)
    assert [c.url.rsplit("/", 1)[-1] for c in fake_http.calls] == [
        "com.atproto.server.createSession",
        "app.bsky.notification.listNotifications",
        "com.atproto.server.createSession",
        "app.bsky.notification.listNotifications",
    ]


def test_reply_carries_root_and_parent_and_stable_rkey(fake_http: FakeHttp) -> None:
    msg = BlueskyConnector().parse(load_fixture("bluesky", "list_notifications.json")).messages[0]
    fake_http.add(200, load_fixture("bluesky", "create_session.json"))
    fake_http.add(200, load_fixture("bluesky", "create_record.json"))
    reply = OutboundReply("We legen hem morgen.", msg.reply_target, idempotency_key="r-1")
    result = BlueskyConnector().send(CONFIG, SECRETS, reply, fake_http)
    body = fake_http.calls[1].json_body
    assert body["repo"] == "did:plc:gemeente"
    assert body["record"]["reply"] == {
        "root": {
            "uri": "at://did:plc:gemeente/app.bsky.feed.post/3kzown00001a",
            "cid": "bafyreiaaaaown0001",
        },
        "parent": {"uri": msg.external_id, "cid": "bafyreiaaaareply0001"},
    }
    assert body["rkey"] == tid_from_key("r-1", msg.sent_at) and len(body["rkey"]) == 13
    assert body["rkey"][0] in "234567abcdefghij"  # the top bit of a TID is zero
    assert result.url == "https://bsky.app/profile/gemeente.bsky.social/post/3kzreplyout1"


def test_tid_is_stable_sortable_and_just_after_the_parent() -> None:
    parent = dt.datetime(2026, 9, 14, 8, 1, tzinfo=dt.UTC)
    first = tid_from_key("reply-1", parent)
    assert first == tid_from_key("reply-1", parent) != tid_from_key("reply-2", parent)
    later = tid_from_key("reply-1", parent + dt.timedelta(minutes=1))
    assert first < later  # the base32-sortable alphabet keeps time order
    alphabet = "234567abcdefghijklmnopqrstuvwxyz"
    decoded = 0
    for char in first:
        decoded = decoded * 32 + alphabet.index(char)
    micros = decoded >> 10
    assert 0 <= micros - int(parent.timestamp() * 1_000_000) < 1_000_000


def test_reply_refuses_private_and_overlong(fake_http: FakeHttp) -> None:
    target = {"uri": "at://a/b/c", "cid": "x", "root_uri": "at://a/b/c", "root_cid": "x"}
    with pytest.raises(PermanentError):
        BlueskyConnector().send(
            CONFIG, SECRETS, OutboundReply("hi", target, private=True), fake_http
        )
    with pytest.raises(PermanentError, match="300"):
        BlueskyConnector().send(CONFIG, SECRETS, OutboundReply("x" * 301, target), fake_http)
    assert fake_http.calls == []


def test_junk_cursor_and_payload_do_not_crash() -> None:
    assert BlueskyCursor.load("not json") == BlueskyCursor()
    assert BlueskyCursor.load(json.dumps([1])) == BlueskyCursor()
    assert BlueskyConnector().parse("junk").errors
