from __future__ import annotations

import datetime as dt

import pytest
from connector_testkit import FakeHttp, LocalServer, RawBody, Reply, load_fixture

from nabij.connectors.base import OutboundReply, PermanentError, Secret
from nabij.connectors.http import HttpxClient
from nabij.connectors.mastodon import MastodonConnector
from nabij.connectors.mastodon.connector import reply_visibility, sse_events

CONFIG = {"base_url": "https://social.gemeente.example"}
SECRETS = {"access_token": Secret("tok-123")}


def test_parse_keeps_mentions_and_skips_other_notifications() -> None:
    result = MastodonConnector().parse(load_fixture("mastodon", "notifications.json"))
    assert [m.external_id for m in result.messages] == ["113100000000000012", "113100000000000031"]
    # The status without created_at and the non-object are reported, not raised.
    assert [e.position for e in result.errors] == [3, 4]


def test_public_mention_is_normalised() -> None:
    msg = MastodonConnector().parse(load_fixture("mastodon", "notifications.json")).messages[0]
    assert msg.author_handle == "@anna@mastodon.nl"
    assert msg.author_name == "Anna de Vries"
    assert msg.text.startswith("@gemeente De lantaarnpaal bij de Dorpsstraat 12")
    assert "& het is erg donker." in msg.text
    assert "\nWie gaat dit oplossen?" in msg.text
    assert msg.public is True
    assert msg.sent_at == dt.datetime(2026, 9, 14, 6, 12, tzinfo=dt.UTC)
    assert msg.in_reply_to is None
    assert msg.reply_target["visibility"] == "public"


def test_direct_mention_is_private_keeps_content_warning_and_local_handle() -> None:
    msg = (
        MastodonConnector()
        .parse(load_fixture("mastodon", "notifications.json"), "social.gemeente.example")
        .messages[1]
    )
    assert msg.public is False
    assert msg.content_warning == "persoonlijke situatie"
    assert msg.author_handle == "@kees@social.gemeente.example"
    assert msg.author_name == "kees"
    assert msg.in_reply_to == "113000000000000001"
    assert msg.text.endswith("loopt al drie maanden.\nKunt u mij bellen?")
    assert msg.attachments[0].url == "https://files.example/media/brief.png"


def test_poll_uses_min_id_and_advances_cursor(fake_http: FakeHttp) -> None:
    fake_http.add(200, load_fixture("mastodon", "notifications.json"))
    result = MastodonConnector().poll(CONFIG, SECRETS, "40000", fake_http)
    call = fake_http.calls[0]
    assert call.url == "https://social.gemeente.example/api/v1/notifications"
    assert call.params == {"types[]": "mention", "limit": 40, "min_id": "40000"}
    assert call.headers["Authorization"] == "Bearer tok-123"
    assert result.next_cursor == "40016"
    assert len(result.messages) == 2


def test_empty_poll_keeps_cursor(fake_http: FakeHttp) -> None:
    fake_http.add(200, [])
    assert MastodonConnector().poll(CONFIG, SECRETS, "40016", fake_http).next_cursor == "40016"


def test_public_reply_mentions_author_and_keeps_visibility(fake_http: FakeHttp) -> None:
    fake_http.add(200, load_fixture("mastodon", "status_created.json"))
    target = {
        "status_id": "113100000000000012",
        "acct": "anna@mastodon.nl",
        "visibility": "unlisted",
        "spoiler_text": "",
    }
    reply = OutboundReply("Dank voor uw melding.", target, idempotency_key="reply-7")
    result = MastodonConnector().send(CONFIG, SECRETS, reply, fake_http)
    body = fake_http.calls[0].json_body
    assert body == {
        "status": "@anna@mastodon.nl Dank voor uw melding.",
        "in_reply_to_id": "113100000000000012",
        "visibility": "unlisted",
    }
    assert fake_http.calls[0].headers["Idempotency-Key"] == "reply-7"
    assert result.external_id == "113100000000000099"


def test_private_reply_is_direct_and_keeps_content_warning(fake_http: FakeHttp) -> None:
    fake_http.add(200, load_fixture("mastodon", "status_created.json"))
    target = {
        "status_id": "5",
        "acct": "kees",
        "visibility": "public",
        "spoiler_text": "persoonlijke situatie",
    }
    MastodonConnector().send(
        CONFIG, SECRETS, OutboundReply("@kees Ik bel u.", target, True), fake_http
    )
    body = fake_http.calls[0].json_body
    assert body["visibility"] == "direct"
    assert body["status"] == "@kees Ik bel u."
    assert body["spoiler_text"] == "persoonlijke situatie"


@pytest.mark.parametrize(
    ("original", "private", "expected"),
    [
        ("public", False, "public"),
        ("unlisted", False, "unlisted"),
        ("private", False, "private"),
        ("direct", False, "direct"),
        ("public", True, "direct"),
        ("", False, "public"),
    ],
)
def test_reply_visibility_never_widens(original: str, private: bool, expected: str) -> None:
    assert reply_visibility(original, private) == expected


def test_send_rejects_incomplete_target(fake_http: FakeHttp) -> None:
    with pytest.raises(PermanentError):
        MastodonConnector().send(CONFIG, SECRETS, OutboundReply("x", {}), fake_http)
    assert fake_http.calls == []


def test_validate_config_requires_https_and_token_field() -> None:
    errors = MastodonConnector().validate_config({"base_url": "http://social.example"})
    assert any("https" in e for e in errors)
    assert any("access_token" in e for e in errors)
    assert MastodonConnector().validate_config({**CONFIG, "access_token": "x"}) == []


def test_own_thread_replies_without_mentions_are_collected(fake_http: FakeHttp) -> None:
    fake_http.add(200, load_fixture("mastodon", "verify_credentials.json"))
    fake_http.add(200, load_fixture("mastodon", "own_statuses.json"))
    fake_http.add(200, load_fixture("mastodon", "context.json"))
    fake_http.add(404, {"error": "Record not found"})  # a server without this endpoint
    result = MastodonConnector().poll_own_threads(CONFIG, SECRETS, fake_http, posts=2)
    assert [m.external_id for m in result.messages] == ["113000000000000010", "113000000000000012"]
    assert result.messages[1].author_handle == "@frits@social.gemeente.example"
    assert result.messages[1].in_reply_to == "113000000000000011"
    assert [e.position for e in result.errors] == ["113000000000000001/3"]
    assert fake_http.calls[1].url.endswith("/api/v1/accounts/1/statuses")
    assert result.next_cursor is None


def test_sse_events_are_parsed() -> None:
    lines = [
        ":thump",
        "",
        "event: update",
        "data: {}",
        "",
        "event: notification",
        'data: {"type":',
        'data: "mention"}',
        "",
    ]
    assert list(sse_events(lines)) == [("update", "{}"), ("notification", '{"type":\n"mention"}')]


def test_stream_wakes_on_a_mention_and_falls_back_quietly(local_server: LocalServer) -> None:
    body_lines = [
        ":thump",
        "",
        "event: notification",
        'data: {"type": "favourite"}',
        "",
        "event: notification",
        'data: {"id": "1", "type": "mention"}',
        "",
        "",
    ]
    local_server.route(
        "GET",
        "/api/v1/streaming/user/notification",
        lambda req: Reply(200, RawBody("\n".join(body_lines))),
    )
    config = {"base_url": local_server.url}
    connector = MastodonConnector()
    assert connector.wait_for_activity(config, SECRETS, HttpxClient(timeout=2), seconds=2) is True
    assert local_server.requests[-1].headers["authorization"] == "Bearer tok-123"
    local_server.inject("slow")  # the server stays quiet longer than the window
    assert (
        connector.wait_for_activity(config, SECRETS, HttpxClient(timeout=2), seconds=0.2) is False
    )
    no_stream = {"base_url": f"{local_server.url}/nothing-here"}
    assert (
        connector.wait_for_activity(no_stream, SECRETS, HttpxClient(timeout=2), seconds=1) is False
    )
