"""The shared contract: registry, secrets, config schema, HTTP mapping, retries, text."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import logging
import random
from importlib import metadata

import pytest
from connector_testkit import LocalServer, Reply

from nabij.connectors import registry
from nabij.connectors.base import (
    ConfigField,
    Connector,
    InboundMessage,
    PermanentError,
    Secret,
    TemporaryError,
    redact_config,
    split_secrets,
    validate_against_schema,
)
from nabij.connectors.http import (
    HttpResponse,
    HttpxClient,
    after_send_failure,
    check_response,
    parse_retry_after,
    retry_schedule,
)
from nabij.connectors.text import html_to_text

KINDS = {"mastodon", "email", "facebook", "instagram", "whatsapp", "bluesky", "rss", "import"}


def test_registry_loads_every_builtin_through_entry_points() -> None:
    registry.reload()
    assert {c.kind for c in registry.all_connectors()} == KINDS
    assert registry.get_connector("mastodon").label == "Mastodon"
    with pytest.raises(registry.UnknownConnector):
        registry.get_connector("x")


@pytest.mark.parametrize("kind", sorted(KINDS))
def test_every_connector_honours_the_contract(kind: str) -> None:
    connector = registry.get_connector(kind)
    assert isinstance(connector, Connector)
    assert connector.inbound in ("pull", "push", "none")
    assert all(isinstance(f, ConfigField) for f in connector.config_schema)
    assert connector.validate_config({}) or not any(f.required for f in connector.config_schema)
    assert connector.validate_config("junk") == ["configuration must be an object"]  # type: ignore[arg-type]
    for junk in (None, 1, "x", [], {}, [None], {"entry": "x"}):
        assert connector.parse(junk).messages == ()  # never raises on junk
    secret_fields = [f.name for f in connector.config_schema if f.secret]
    assert all("token" in n or "secret" in n or "password" in n for n in secret_fields)


def test_broken_and_foreign_plugins_do_not_break_the_registry(
    caplog: pytest.LogCaptureFixture,
) -> None:
    points = [
        metadata.EntryPoint("broken", "nabij.connectors.does_not_exist:X", registry.GROUP),
        metadata.EntryPoint("foreign", "json:dumps", registry.GROUP),
        *registry.builtin_entry_points(),
    ]
    with caplog.at_level(logging.ERROR):
        found = registry.load_connectors(points)
    assert set(found) == KINDS
    assert "broken" in caplog.text and "foreign" in caplog.text


def test_secret_is_redacted_everywhere_but_reveal() -> None:
    secret = Secret("hunter2")
    assert "hunter2" not in repr(secret) + str(secret) + f"{secret}" + repr({"t": secret})
    assert secret.reveal() == "hunter2"
    schema = [ConfigField("url", "URL", kind="url"), ConfigField("token", "Token", secret=True)]
    plain, secrets = split_secrets(schema, {"url": "https://x", "token": "hunter2"})
    assert plain == {"url": "https://x"} and secrets["token"] == Secret("hunter2")
    assert redact_config(schema, {"url": "https://x", "token": "hunter2"})["token"] == "********"


def test_schema_validation_messages() -> None:
    schema = [
        ConfigField("n", "Aantal", kind="int"),
        ConfigField("on", "Aan", kind="bool", required=False),
        ConfigField("u", "Adres", kind="url"),
        ConfigField("d", "Met standaard", default="x"),
    ]
    errors = validate_against_schema(schema, {"n": True, "on": "ja", "u": "ftp://x"})
    assert errors == [
        "Aantal (n) must be a whole number",
        "Aan (on) must be true or false",
        "Adres (u) must be an http(s) URL",
    ]


def test_inbound_message_requires_aware_time_and_an_id() -> None:
    with pytest.raises(ValueError):
        InboundMessage("x", "1", "", "", "t", dt.datetime(2026, 1, 1))
    with pytest.raises(ValueError):
        InboundMessage("x", "", "", "", "t", dt.datetime(2026, 1, 1, tzinfo=dt.UTC))
    msg = InboundMessage("mastodon", "1", "@a@b", "A", "t", dt.datetime(2026, 1, 1, tzinfo=dt.UTC))
    line = msg.to_import_line()
    assert json.loads(json.dumps(line))["author"] == {"handle": "@a@b", "name": "A"}
    assert line["direction"] == "inbound" and line["sent_at"] == "2026-01-01T00:00:00+00:00"
    with pytest.raises(dataclasses.FrozenInstanceError):
        msg.text = "y"  # type: ignore[misc]


def test_status_mapping_and_retry_after() -> None:
    now = dt.datetime(2026, 9, 14, 12, 0, tzinfo=dt.UTC)
    assert check_response(HttpResponse(204)).status == 204
    with pytest.raises(TemporaryError) as caught:
        check_response(HttpResponse(429, {"retry-after": "Mon, 14 Sep 2026 12:01:30 GMT"}), now)
    assert caught.value.retry_after == 90
    with pytest.raises(TemporaryError):
        check_response(HttpResponse(503))
    with pytest.raises(PermanentError, match="403: Forbidden for page"):
        check_response(HttpResponse(403, {}, b'{"error": {"message": "Forbidden for page"}}'))
    assert parse_retry_after("120") == 120 and parse_retry_after("junk") is None
    assert parse_retry_after("99999999") == 86400
    with pytest.raises(TemporaryError):
        HttpResponse(200, {}, b"<html>").json()
    with pytest.raises(TemporaryError):
        HttpResponse(200, {}, b"[1]").json_object()


def test_retry_schedule_is_exponential_jittered_and_capped() -> None:
    rng = random.Random(3)
    delays = [retry_schedule(n, rng) for n in range(12)]
    for n, delay in enumerate(delays):
        ceiling = min(6 * 3600, 30 * 2**n)
        assert ceiling / 2 <= delay <= ceiling
    assert delays[11] <= 6 * 3600
    assert retry_schedule(2, random.Random(1)) == retry_schedule(2, random.Random(1))


def test_after_send_failure_states() -> None:
    rng = random.Random(0)
    queued = after_send_failure(0, TemporaryError("timeout", retry_after=600), rng)
    assert queued.state == "queued" and queued.delay == 600 and queued.error == "timeout"
    failed = after_send_failure(0, PermanentError("window closed"), rng)
    assert (failed.state, failed.delay, failed.error) == ("failed", None, "window closed")
    assert after_send_failure(7, TemporaryError("still down"), rng).state == "failed"


def test_httpx_client_against_loopback(local_server: LocalServer) -> None:
    local_server.route("GET", "/ok", lambda r: Reply(200, {"a": 1}))
    local_server.route("GET", "/gone", lambda r: Reply(404, {"error": "Record not found"}))
    client = HttpxClient(timeout=2)
    assert client.request("GET", f"{local_server.url}/ok").json_object() == {"a": 1}
    with pytest.raises(PermanentError, match="404: Record not found"):
        client.request("GET", f"{local_server.url}/gone")
    with pytest.raises(TemporaryError, match="connection"):
        client.request("GET", "http://127.0.0.1:9/closed")


@pytest.mark.parametrize(
    ("html", "text"),
    [
        ("<p>Hallo&nbsp;<b>wereld</b></p><p>Tweede</p>", "Hallo wereld\n\nTweede"),
        ("regel<br>regel<br/>", "regel\nregel"),
        ("<ul><li>een</li><li>twee</li></ul>", "- een\n- twee"),
        ("<script>alert(1)</script><style>p{}</style>tekst", "tekst"),
        ("<p>open <i>tags <b>nooit dicht", "open tags nooit dicht"),
        ("&lt;script&gt; &amp; &#233;", "<script> & é"),
        (
            '<a href="https://x"><span class="invisible">https://</span>x.nl/lang</a>',
            "https://x.nl/lang",
        ),
        ("", ""),
    ],
)
def test_html_to_text(html: str, text: str) -> None:
    assert html_to_text(html) == text


def test_html_quotes_are_dropped_only_when_asked() -> None:
    html = '<p>Nieuw</p><blockquote>Oud <p>citaat</p></blockquote><div class="gmail_quote">x</div>'
    assert html_to_text(html, drop_quotes=True) == "Nieuw"
    assert "citaat" in html_to_text(html)


def test_mastodon_rate_limit_reset_header_is_honoured() -> None:
    now = dt.datetime(2026, 9, 14, 12, 0, tzinfo=dt.UTC)
    headers = {"x-ratelimit-reset": "2026-09-14T12:05:00.000Z"}
    with pytest.raises(TemporaryError) as caught:
        check_response(HttpResponse(429, headers), now)
    assert caught.value.retry_after == 300
    with pytest.raises(PermanentError) as refused:
        check_response(HttpResponse(400, {}, b'{"error": {"message": "bad", "code": 100}}'))
    assert (refused.value.status, refused.value.code) == (400, "100")
