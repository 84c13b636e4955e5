"""The channel layer over HTTP: webhooks, web form, REST API, channel and token pages."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.core.cache import cache
from django.test import Client

from nabij.actions.apitokens import do_create_api_token, do_revoke_api_token
from nabij.actions.channels import do_configure_channel
from nabij.actions.users import do_create_user
from nabij.connectors.meta.signature import sign_payload
from nabij.models import (
    ApiToken,
    AuditEvent,
    Channel,
    ChannelSecret,
    Conversation,
    InboundPayload,
    Message,
)
from tests.channels.conftest import login

pytestmark = pytest.mark.django_db

FIXTURES = Path(__file__).resolve().parents[2] / "nabij" / "connectors" / "meta" / "fixtures"
APP_SECRET = "meta-app-secret-123"


@pytest.fixture(autouse=True)
def _fresh_cache() -> None:
    cache.clear()  # the web form's rate limit counts per address in the cache


def _facebook() -> Channel:
    return do_configure_channel(
        None,
        kind="facebook",
        slug="fb-gemeente",
        name="Facebook",
        config={"account_id": "104000000000001"},
        secrets={"access_token": "tok", "app_secret": APP_SECRET, "verify_token": "vt-42"},
    )


# --- Meta webhooks --------------------------------------------------------------------


def test_meta_handshake_echoes_the_challenge_only_with_the_verify_token() -> None:
    _facebook()
    url = "/hooks/meta/fb-gemeente/"
    ok = Client().get(
        url, {"hub.mode": "subscribe", "hub.verify_token": "vt-42", "hub.challenge": "1158201444"}
    )
    assert ok.status_code == 200 and ok.content == b"1158201444"
    bad = Client().get(
        url, {"hub.mode": "subscribe", "hub.verify_token": "nope", "hub.challenge": "1"}
    )
    assert bad.status_code == 403


def test_unsigned_or_wrongly_signed_payloads_are_refused_and_not_stored() -> None:
    _facebook()
    body = (FIXTURES / "facebook_feed.json").read_bytes()
    url = "/hooks/meta/fb-gemeente/"
    client = Client()
    assert client.post(url, body, content_type="application/json").status_code == 403
    wrong = sign_payload(body, "another-secret")
    response = client.post(
        url, body, content_type="application/json", headers={"X-Hub-Signature-256": wrong}
    )
    assert response.status_code == 403
    tampered = sign_payload(body, APP_SECRET)
    response = client.post(
        url, body + b" ", content_type="application/json", headers={"X-Hub-Signature-256": tampered}
    )
    assert response.status_code == 403
    assert not InboundPayload.objects.exists()


def test_a_signed_payload_is_stored_answered_at_once_and_ingested_by_the_task(
    django_capture_on_commit_callbacks,
) -> None:
    channel = _facebook()
    body = (FIXTURES / "facebook_feed.json").read_bytes()
    headers = {"X-Hub-Signature-256": sign_payload(body, APP_SECRET)}
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = Client().post(
            "/hooks/meta/fb-gemeente/", body, content_type="application/json", headers=headers
        )
    assert response.status_code == 200
    payload = InboundPayload.objects.get()
    assert payload.state == "pending" and bytes(payload.body) == body
    assert not Message.objects.exists()  # parsing happens in the task, not the request
    from nabij.actions.channels import do_process_payload

    assert do_process_payload(payload.pk) == "done"
    assert do_process_payload(payload.pk) == "skipped"
    messages = Message.objects.filter(channel=channel)
    assert messages.exists()
    assert any("afval" in m.text for m in messages)
    assert callbacks  # the task was queued for after the commit


def test_a_garbage_payload_is_kept_as_failed_with_the_reason() -> None:
    channel = _facebook()
    payload = InboundPayload.objects.create(channel=channel, body=b"{not json", headers={})
    from nabij.actions.channels import do_process_payload

    assert do_process_payload(payload.pk) == "failed"
    payload.refresh_from_db()
    assert payload.error == "the payload is not valid JSON" and payload.attempts == 1


def test_unknown_channels_and_pull_channels_have_no_hook() -> None:
    assert (
        Client().post("/hooks/meta/nothing/", b"{}", content_type="application/json").status_code
        == 404
    )
    do_configure_channel(
        None, kind="mastodon", slug="masto", name="M",
        config={"base_url": "https://social.example"}, secrets={"access_token": "t"},
    )  # fmt: skip
    assert Client().post("/hooks/masto/", b"{}", content_type="application/json").status_code == 404


# --- the public web form ----------------------------------------------------------------


def test_the_web_form_stores_a_message_and_confirms_with_a_reference() -> None:
    client = Client()
    page = client.get("/formulier/")
    html = page.content.decode()
    assert page.status_code == 200 and 'lang="nl"' in html and "Privacy" in html
    assert 'name="website"' in html and "hidden" in html  # the honeypot is hidden
    response = client.post(
        "/formulier/",
        {
            "text": "De stoep in de Kerkstraat ligt open.",
            "name": "Piet",
            "email": "piet@example.nl",
        },
        follow=True,
    )
    body = response.content.decode()
    match = re.search(r"WF-\d{4}-\d{6}", body)
    assert response.status_code == 200 and match
    message = Message.objects.get(external_id=match.group(0))
    assert message.text == "De stoep in de Kerkstraat ligt open." and message.public is False
    assert message.raw["contact"]["email"] == "piet@example.nl"
    assert message.conversation.status == Conversation.Status.NEW


def test_the_web_form_speaks_english() -> None:
    client = Client(headers={"accept-language": "en"})
    html = client.get("/formulier/").content.decode()
    assert "Send us a message" in html and 'lang="en"' in html
    response = client.post("/formulier/", {"text": ""})
    assert response.status_code == 400 and "Please write your message." in response.content.decode()


def test_anonymous_submissions_get_separate_references() -> None:
    client = Client()
    for text in ("eerste", "tweede"):
        client.post("/formulier/", {"text": text})
    refs = sorted(Message.objects.values_list("external_id", flat=True))
    assert len(refs) == 2 and refs[0] != refs[1]
    assert all(re.fullmatch(r"WF-\d{4}-00000[12]", r) for r in refs)


def test_the_honeypot_stores_nothing_but_looks_successful() -> None:
    response = Client().post(
        "/formulier/", {"text": "Koop nu!", "website": "http://spam.example"}, follow=True
    )
    assert response.status_code == 200 and not Message.objects.exists()


def test_the_web_form_is_rate_limited_per_address() -> None:
    client = Client(REMOTE_ADDR="198.51.100.7")
    statuses = [client.post("/formulier/", {"text": f"bericht {i}"}).status_code for i in range(6)]
    assert statuses == [302] * 5 + [429]
    assert Message.objects.count() == 5
    other = Client(REMOTE_ADDR="198.51.100.8")
    assert other.post("/formulier/", {"text": "ander adres"}).status_code == 302


def test_invalid_contact_details_are_explained_and_kept_in_the_form() -> None:
    response = Client().post("/formulier/", {"text": "Hallo <b>daar</b>", "email": "geen-adres"})
    html = response.content.decode()
    assert response.status_code == 400 and "geldig e-mailadres" in html
    assert "Hallo &lt;b&gt;daar&lt;/b&gt;" in html and 'aria-invalid="true"' in html
    assert not Message.objects.exists()


# --- REST API -------------------------------------------------------------------------


def _token(scopes: list[str] | None = None) -> tuple[ApiToken, str]:
    admin = do_create_user("admin", "Sterk-wachtwoord-42", role="admin")
    return do_create_api_token(admin, "koppeling", scopes=scopes)


def _api_message(external_id: str = "crm-1") -> dict:
    return {
        "external_id": external_id,
        "author": {"handle": "klant-77", "name": "Kees"},
        "text": "Mijn container is niet geleegd.",
        "sent_at": "2026-10-05T09:00:00+02:00",
    }


def test_the_api_refuses_missing_wrong_and_revoked_tokens() -> None:
    token, raw = _token()
    client = Client()
    assert client.get("/api/v1/conversations").status_code == 401
    wrong = {"Authorization": "Bearer nbj_wrong-token"}
    assert client.get("/api/v1/conversations", headers=wrong).status_code == 401
    good = {"Authorization": f"Bearer {raw}"}
    assert client.get("/api/v1/conversations", headers=good).status_code == 200
    do_revoke_api_token(None, token.pk)
    assert client.get("/api/v1/conversations", headers=good).status_code == 401
    assert not ApiToken.objects.filter(token_hash=raw).exists()  # only the hash is stored


def test_the_api_ingests_idempotently_and_reads_back() -> None:
    _, raw = _token()
    client = Client(headers={"Authorization": f"Bearer {raw}"})
    first = client.post("/api/v1/messages", _api_message(), content_type="application/json")
    again = client.post("/api/v1/messages", _api_message(), content_type="application/json")
    assert first.status_code == 201 and again.status_code == 200
    assert first.json()["id"] == again.json()["id"] and again.json()["created"] is False
    assert Message.objects.filter(external_id="crm-1").count() == 1
    read = client.get("/api/v1/messages/api/crm-1")
    assert read.status_code == 200 and read.json()["text"] == "Mijn container is niet geleegd."
    assert client.get("/api/v1/messages/api/nope").status_code == 404
    convs = client.get("/api/v1/conversations", {"status": "new"}).json()
    assert [c["id"] for c in convs] == [first.json()["conversation_id"]]


def test_the_api_checks_scopes_and_input() -> None:
    _, raw = _token(scopes=["read"])
    client = Client(headers={"Authorization": f"Bearer {raw}"})
    response = client.post("/api/v1/messages", _api_message(), content_type="application/json")
    assert response.status_code == 403 and "ingest" in response.json()["detail"]
    _, writer = do_create_api_token(do_create_user("a2", "Sterk-wachtwoord-42", role="admin"), "w")
    client = Client(headers={"Authorization": f"Bearer {writer}"})
    bad = client.post("/api/v1/messages", {"text": ""}, content_type="application/json")
    assert bad.status_code == 422
    naive = {**_api_message(), "sent_at": "2026-10-05T09:00:00"}
    assert (
        client.post("/api/v1/messages", naive, content_type="application/json").status_code == 422
    )
    junk = client.post("/api/v1/messages", b"\xff\xfe{", content_type="application/json")
    assert junk.status_code in (400, 422)
    other = {**_api_message(), "channel": "mastodon"}
    assert (
        client.post("/api/v1/messages", other, content_type="application/json").status_code == 404
    )


def test_openapi_and_docs_are_served_without_a_cdn() -> None:
    schema = Client().get("/api/v1/openapi.json").json()
    assert {"/api/v1/messages", "/api/v1/conversations"} <= set(schema["paths"])
    docs = Client().get("/api/v1/docs")
    html = docs.content.decode()
    assert docs.status_code == 200 and "POST /api/v1/messages" in html
    assert "<script" not in html.split("</head>")[1]  # nothing from a CDN, no inline script


# --- channel pages and tokens ---------------------------------------------------------


def test_coordinators_configure_a_channel_and_secrets_are_never_shown() -> None:
    client = login("coordinator")
    assert client.get("/kanalen/").status_code == 200
    response = client.post(
        "/kanalen/nieuw/mastodon/",
        {"name": "Mastodon", "slug": "masto", "enabled": "on",
         "base_url": "https://social.example", "access_token": "geheim-token-xyz"},
    )  # fmt: skip
    assert response.status_code == 302
    channel = Channel.objects.get(slug="masto")
    assert (
        ChannelSecret.objects.get(channel=channel, name="access_token").value == "geheim-token-xyz"
    )
    edit = client.get(f"/kanalen/{channel.pk}/").content.decode()
    assert "geheim-token-xyz" not in edit and "opgeslagen" in edit
    listing = client.get("/kanalen/").content.decode()
    assert "geheim-token-xyz" not in listing and "Mastodon" in listing
    event = AuditEvent.objects.get(verb="channel.created")
    assert "geheim-token-xyz" not in str(event.data) and event.data["secrets_changed"] == [
        "access_token"
    ]
    # Saving again with the password field empty keeps the secret.
    client.post(
        f"/kanalen/{channel.pk}/",
        {
            "name": "Mastodon 2",
            "slug": "masto",
            "base_url": "https://social.example",
            "access_token": "",
        },
    )
    assert (
        ChannelSecret.objects.get(channel=channel, name="access_token").value == "geheim-token-xyz"
    )
    assert Channel.objects.get(pk=channel.pk).name == "Mastodon 2"


def test_invalid_configuration_is_refused_with_the_connectors_reason() -> None:
    client = login("coordinator")
    response = client.post(
        "/kanalen/nieuw/mastodon/",
        {"name": "M", "slug": "m", "base_url": "http://social.example", "access_token": "x"},
    )
    assert response.status_code == 400 and "https" in response.content.decode()
    assert not Channel.objects.filter(slug="m").exists()


def test_agents_cannot_manage_channels_or_tokens() -> None:
    client = login("agent")
    assert client.get("/kanalen/").status_code == 403
    assert client.get("/kanalen/nieuw/mastodon/").status_code == 403
    assert client.get("/api-sleutels/").status_code == 403


def test_the_channel_list_shows_health_with_a_fixed_number_of_queries(
    django_assert_max_num_queries,
) -> None:
    for i in range(8):
        do_configure_channel(
            None, kind="mastodon", slug=f"m{i}", name=f"M{i}",
            config={"base_url": "https://social.example"}, secrets={"access_token": "t"},
        )  # fmt: skip
    Channel.objects.filter(slug="m3").update(last_error="server answered 503")
    client = login("coordinator")
    with django_assert_max_num_queries(12):
        html = client.get("/kanalen/").content.decode()
    assert "server answered 503" in html and "Nu ophalen" in html


def test_a_new_api_token_is_shown_once() -> None:
    client = login("admin")
    response = client.post("/api-sleutels/", {"name": "crm", "scope_ingest": "on"})
    raw = re.search(r"nbj_[A-Za-z0-9_-]+", response.content.decode())
    assert raw and response["Cache-Control"] == "no-store"
    assert raw.group(0) not in client.get("/api-sleutels/").content.decode()
    token = ApiToken.objects.get()
    assert token.scopes == ["ingest"] and token.token_hash != raw.group(0)


def test_an_agent_puts_a_failed_reply_back_in_the_queue() -> None:
    from nabij.actions.conversations import do_store_reply
    from nabij.actions.ingest import do_ingest_message, get_or_create_channel
    from nabij.models import Reply
    from tests.foundation.factories import item

    conv = do_ingest_message(get_or_create_channel("mastodon"), item("1")).message.conversation
    client = login("agent", "sanne")
    agent = client.session.get("_auth_user_id")
    from django.contrib.auth import get_user_model

    reply = do_store_reply(get_user_model().objects.get(pk=agent), conv, "Hoi!")
    Reply.objects.filter(pk=reply.pk).update(state="failed", last_error="server answered 500")
    response = client.post(f"/antwoord/{reply.pk}/opnieuw/")
    assert response.status_code == 302 and response["Location"] == f"/gesprek/{conv.pk}/"
    reply.refresh_from_db()
    assert reply.state == "queued" and reply.attempts == 0
    assert AuditEvent.objects.filter(verb="reply.requeued").exists()
    assert login("analyst").post(f"/antwoord/{reply.pk}/opnieuw/").status_code == 403


def test_coordinators_add_and_switch_off_a_webhook() -> None:
    from nabij.models import WebhookDelivery, WebhookSubscription

    client = login("coordinator")
    response = client.post(
        "/webhooks/", {"url": "https://crm.example/nabij", "event_message.received": "on"}
    )
    sub = WebhookSubscription.objects.get()
    assert response.status_code == 200 and sub.secret in response.content.decode()
    assert sub.events == ["message.received"] and response["Cache-Control"] == "no-store"
    assert sub.secret not in client.get("/webhooks/").content.decode()  # shown once
    assert client.post("/webhooks/", {"url": "ftp://x"}).status_code == 400
    WebhookDelivery.objects.create(subscription=sub, event="message.received", payload={})
    client.post(f"/webhooks/{sub.pk}/uitzetten/")
    sub.refresh_from_db()
    assert sub.active is False
    assert WebhookDelivery.objects.get().state == "failed"
    assert AuditEvent.objects.filter(verb="webhook.deactivated").exists()
    assert login("agent").get("/webhooks/").status_code == 403


JUNK_BODIES = [
    b"",
    b"null",
    b"[]",
    b'"text"',
    b'{"external_id": null}',
    b'{"external_id": "x", "author": "not an object", "text": "t", "sent_at": "2026-10-05T09:00:00Z"}',
    b'{"external_id": "'
    + b"x" * 5000
    + b'", "author": {"handle": "a"}, "text": "t", "sent_at": "2026-10-05T09:00:00Z"}',
    b'{"external_id": "x", "author": {"handle": "a"}, "text": "t", "sent_at": "yesterday"}',
    b'{"external_id": "x", "author": {"handle": "a"}, "text": "t", "sent_at": "9999-99-99T00:00:00Z"}',
    b'{"external_id": "nul\\u0000", "author": {"handle": "a\\u0000"}, "text": "t\\u0000", "sent_at": "2026-10-05T09:00:00Z"}',
    b"\xff\xfe\x00{",
]


def test_junk_never_breaks_the_api() -> None:
    _, raw = _token()
    client = Client(headers={"Authorization": f"Bearer {raw}"})
    for body in JUNK_BODIES:
        response = client.post("/api/v1/messages", body, content_type="application/json")
        assert response.status_code in (201, 400, 422), (body[:60], response.status_code)
    stored = Message.objects.filter(external_id="nul").first()
    assert stored is not None and "\x00" not in stored.text  # NUL is stripped, not stored


def test_junk_never_breaks_the_web_form() -> None:
    client = Client()
    for data in ({"text": "a" * 10_000}, {"text": "\x00"}, {"text": "x", "phone": "<script>"}, {}):
        assert client.post("/formulier/", data).status_code in (302, 400)
    for query in ("?r=junk", "?r=", ""):
        assert client.get(f"/formulier/ontvangen/{query}").status_code == 200


def test_secrets_never_reach_the_log(caplog, local_server) -> None:
    import logging

    from nabij.actions.channels import do_poll_channel
    from nabij.connectors.http import HttpxClient
    from tests.channels.helpers import MastodonServer, mastodon_channel

    caplog.set_level(logging.DEBUG)
    MastodonServer(local_server).add(2)
    channel = mastodon_channel(local_server)
    local_server.inject("500", "garbage")
    http = HttpxClient(timeout=2)
    for _ in range(3):
        do_poll_channel(channel.pk, http=http)
    http.close()
    channel.refresh_from_db()
    assert caplog.text  # the client did log its requests
    assert "test-token-abc" not in caplog.text and "test-token-abc" not in channel.last_error
