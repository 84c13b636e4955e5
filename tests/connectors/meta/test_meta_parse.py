from __future__ import annotations

import datetime as dt

from connector_testkit import load_fixture

from nabij.connectors.meta import FacebookConnector, InstagramConnector, WhatsAppConnector


def test_facebook_feed_comments_and_visitor_posts() -> None:
    result = FacebookConnector().parse(load_fixture("meta", "facebook_feed.json"))
    first, nested, visitor = result.messages
    assert first.external_id == "555_9001"
    assert first.author_name == "Fatima El Amrani"
    assert first.in_reply_to == "104000000000001_555"
    assert first.thread_key == "104000000000001_555"
    assert first.sent_at == dt.datetime.fromtimestamp(1789373520, dt.UTC)
    assert first.reply_target == {
        "kind": "comment",
        "object_id": "555_9001",
        "reply_on": "555_9001",
    }
    # A reply to a comment is answered on the top-level comment (one nesting level).
    assert nested.in_reply_to == "555_9001"
    assert nested.reply_target["reply_on"] == "555_9001"
    assert visitor.external_id == "104000000000001_777"
    assert visitor.in_reply_to is None
    # The like and the page's own comment are no messages; the timeless one is an error.
    assert len(result.errors) == 1


def test_messenger_messages_skip_echoes_and_reads() -> None:
    result = FacebookConnector().parse(load_fixture("meta", "messenger.json"))
    assert [m.external_id for m in result.messages] == ["m_AbCdEf0001", "m_AbCdEf0003"]
    first, second = result.messages
    assert first.public is False
    assert first.channel == "facebook"
    assert first.attachments[0].filename == "aanslag.jpg"
    assert first.reply_target["recipient_id"] == "2400000000000021"
    assert second.in_reply_to == "m_AbCdEf0002"
    assert first.thread_key == second.thread_key == "dm:2400000000000021"


def test_instagram_comments_and_direct_messages() -> None:
    result = InstagramConnector().parse(load_fixture("meta", "instagram.json"))
    top, reply, dm = result.messages
    assert top.author_handle == "@lisa.woont.hier"
    assert top.in_reply_to == "17900000000000041"
    assert top.thread_key == reply.thread_key == "media:17900000000000041"
    assert reply.reply_target["reply_on"] == "17850000000000051"
    assert top.sent_at == dt.datetime.fromtimestamp(1789375000, dt.UTC)
    assert dm.public is False and dm.channel == "instagram"
    assert dm.text.startswith("Kan ik hier een afspraak")


def test_whatsapp_messages_names_media_and_context() -> None:
    result = WhatsAppConnector().parse(load_fixture("meta", "whatsapp.json"))
    text, image = result.messages
    assert text.author_handle == "+31612345678"
    assert text.author_name == "Sanne"
    assert text.public is False
    assert text.reply_target["phone_number_id"] == "106000000000001"
    assert image.text == "Zo ziet het eruit"
    assert image.attachments[0].content_type == "image/jpeg"
    assert image.in_reply_to == "wamid.OUTBOUND0001"
    assert [e.error for e in result.errors] == ["unusable message: 'timestamp'"]


def test_payloads_of_another_object_or_junk_give_nothing() -> None:
    junk_payloads: list[object] = [
        None,
        [],
        "x",
        {"object": "page"},
        {"object": "page", "entry": [1, {"changes": 5}]},
    ]
    for junk in junk_payloads:
        assert FacebookConnector().parse(junk).messages == ()
    assert WhatsAppConnector().parse(load_fixture("meta", "facebook_feed.json")).messages == ()
    assert InstagramConnector().parse(load_fixture("meta", "messenger.json")).messages == ()
