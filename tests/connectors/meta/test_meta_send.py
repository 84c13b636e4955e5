"""Replies and hiding through the Graph API, served by a real local HTTP server."""

from __future__ import annotations

import datetime as dt

import pytest
from connector_testkit import LocalServer, Reply, load_fixture

from nabij.connectors.base import OutboundReply, PermanentError, Secret, TemporaryError
from nabij.connectors.http import HttpxClient
from nabij.connectors.meta import FacebookConnector, InstagramConnector, WhatsAppConnector
from nabij.connectors.meta.common import WindowClosedError
from nabij.connectors.meta.signature import appsecret_proof

SECRETS = {"access_token": Secret("page-token"), "app_secret": Secret("app-secret-1")}
NOW = dt.datetime(2026, 9, 14, 12, 0, tzinfo=dt.UTC)


def config(server: LocalServer, account: str) -> dict[str, str]:
    return {"graph_url": f"{server.url}/v21.0", "account_id": account}


def ok(name: str):
    return lambda req: Reply(200, load_fixture("meta", name))


def test_facebook_public_reply_goes_under_the_top_comment(local_server: LocalServer) -> None:
    local_server.route("POST", "/v21.0/555_9001/comments", ok("graph_comment_created.json"))
    msg = FacebookConnector().parse(load_fixture("meta", "facebook_feed.json")).messages[1]
    result = FacebookConnector().send(
        config(local_server, "104000000000001"),
        SECRETS,
        OutboundReply("Dank u, we hebben het doorgegeven.", msg.reply_target),
        HttpxClient(timeout=2),
    )
    assert result.external_id == "555_9100"
    request = local_server.requests[0]
    assert request.json() == {"message": "Dank u, we hebben het doorgegeven."}
    assert request.headers["authorization"] == "Bearer page-token"
    assert request.query["appsecret_proof"] == [appsecret_proof("page-token", "app-secret-1")]


def test_facebook_private_reply_to_comment(local_server: LocalServer) -> None:
    local_server.route("POST", "/v21.0/104000000000001/messages", ok("graph_message_sent.json"))
    msg = FacebookConnector().parse(load_fixture("meta", "facebook_feed.json")).messages[0]
    reply = OutboundReply("Mag ik uw adres?", msg.reply_target, private=True)
    FacebookConnector().send(config(local_server, "104000000000001"), SECRETS, reply, HttpxClient())
    assert local_server.requests[0].json() == {
        "recipient": {"comment_id": "555_9001"},
        "message": {"text": "Mag ik uw adres?"},
    }


def test_messenger_window_and_human_agent_tag(local_server: LocalServer) -> None:
    local_server.route("POST", "/v21.0/104000000000001/messages", ok("graph_message_sent.json"))
    msg = FacebookConnector().parse(load_fixture("meta", "messenger.json")).messages[0]
    cfg = config(local_server, "104000000000001")
    within = msg.sent_at + dt.timedelta(hours=23)
    fb = FacebookConnector(clock=lambda: within)
    assert fb.send(cfg, SECRETS, OutboundReply("Hoi", msg.reply_target), HttpxClient()).external_id
    assert local_server.requests[-1].json()["messaging_type"] == "RESPONSE"
    late = FacebookConnector(clock=lambda: msg.sent_at + dt.timedelta(days=3))
    with pytest.raises(WindowClosedError, match="24 hours"):
        late.send(cfg, SECRETS, OutboundReply("Hoi", msg.reply_target), HttpxClient())
    late.send(
        {**cfg, "human_agent_tag": True},
        SECRETS,
        OutboundReply("Hoi", msg.reply_target),
        HttpxClient(),
    )
    assert local_server.requests[-1].json()["tag"] == "HUMAN_AGENT"


def test_hide_comment_on_facebook_and_instagram(local_server: LocalServer) -> None:
    local_server.route("POST", "/v21.0/555_9001", ok("graph_success.json"))
    local_server.route("POST", "/v21.0/17850000000000051", ok("graph_success.json"))
    fb_msg = FacebookConnector().parse(load_fixture("meta", "facebook_feed.json")).messages[0]
    FacebookConnector().hide(config(local_server, "1"), SECRETS, fb_msg.reply_target, HttpxClient())
    ig_msg = InstagramConnector().parse(load_fixture("meta", "instagram.json")).messages[0]
    InstagramConnector().hide(
        config(local_server, "1"), SECRETS, ig_msg.reply_target, HttpxClient()
    )
    assert [r.json() for r in local_server.requests] == [{"is_hidden": True}, {"hide": True}]
    with pytest.raises(PermanentError):
        dm = InstagramConnector().parse(load_fixture("meta", "instagram.json")).messages[2]
        InstagramConnector().hide(
            config(local_server, "1"), SECRETS, dm.reply_target, HttpxClient()
        )


def test_instagram_comment_reply_uses_replies_edge(local_server: LocalServer) -> None:
    local_server.route("POST", "/v21.0/17850000000000051/replies", ok("graph_comment_created.json"))
    msg = InstagramConnector().parse(load_fixture("meta", "instagram.json")).messages[1]
    InstagramConnector().send(
        config(local_server, "17841400000000001"),
        SECRETS,
        OutboundReply("Goed punt!", msg.reply_target),
        HttpxClient(),
    )
    assert local_server.requests[0].path == "/v21.0/17850000000000051/replies"


def test_whatsapp_reply_inside_window_quotes_the_message(local_server: LocalServer) -> None:
    local_server.route("POST", "/v21.0/106000000000001/messages", ok("whatsapp_sent.json"))
    msg = WhatsAppConnector().parse(load_fixture("meta", "whatsapp.json")).messages[0]
    wa = WhatsAppConnector(clock=lambda: msg.sent_at + dt.timedelta(hours=2))
    result = wa.send(
        config(local_server, "106000000000001"),
        SECRETS,
        OutboundReply("We sturen iemand langs.", msg.reply_target),
        HttpxClient(),
    )
    assert result.external_id == "wamid.OUTBOUND0002"
    body = local_server.requests[0].json()
    assert body["to"] == "31612345678"
    assert body["context"] == {"message_id": msg.external_id}
    assert body["text"]["body"] == "We sturen iemand langs."


def test_whatsapp_outside_window_only_template(local_server: LocalServer) -> None:
    local_server.route("POST", "/v21.0/106000000000001/messages", ok("whatsapp_sent.json"))
    msg = WhatsAppConnector().parse(load_fixture("meta", "whatsapp.json")).messages[0]
    wa = WhatsAppConnector(clock=lambda: msg.sent_at + dt.timedelta(hours=25))
    cfg = config(local_server, "106000000000001")
    with pytest.raises(WindowClosedError, match="template"):
        wa.send(cfg, SECRETS, OutboundReply("Nog iets?", msg.reply_target), HttpxClient())
    assert local_server.requests == []
    # A newer message from the resident reopens the window.
    fresh = msg.sent_at + dt.timedelta(hours=24, minutes=30)
    wa.send(
        cfg, SECRETS, OutboundReply("Ja", msg.reply_target, last_inbound_at=fresh), HttpxClient()
    )
    wa.send_template(cfg, SECRETS, "31612345678", "melding_update", "nl", ["12345"], HttpxClient())
    template = local_server.requests[-1].json()["template"]
    assert template["name"] == "melding_update"
    assert template["components"][0]["parameters"] == [{"type": "text", "text": "12345"}]


def test_graph_errors_are_typed(local_server: LocalServer) -> None:
    local_server.route(
        "POST",
        "/v21.0/555_9001/comments",
        lambda req: Reply(400, load_fixture("meta", "graph_error_window.json")),
    )
    msg = FacebookConnector().parse(load_fixture("meta", "facebook_feed.json")).messages[0]
    reply = OutboundReply("x", msg.reply_target)
    with pytest.raises(PermanentError, match="outside of allowed window"):
        FacebookConnector().send(config(local_server, "1"), SECRETS, reply, HttpxClient())
    local_server.inject("429")
    with pytest.raises(TemporaryError) as caught:
        FacebookConnector().send(config(local_server, "1"), SECRETS, reply, HttpxClient())
    assert caught.value.retry_after == 7


def test_graph_throttling_codes_are_temporary(local_server: LocalServer) -> None:
    throttled = {"error": {"message": "(#4) Application request limit reached", "code": 4}}
    local_server.route("POST", "/v21.0/555_9001/comments", lambda req: Reply(400, throttled))
    msg = FacebookConnector().parse(load_fixture("meta", "facebook_feed.json")).messages[0]
    with pytest.raises(TemporaryError) as caught:
        FacebookConnector().send(
            config(local_server, "1"), SECRETS, OutboundReply("x", msg.reply_target), HttpxClient()
        )
    assert caught.value.retry_after == 300
