"""Property tests: parsers never crash on junk, signatures verify exactly when they should."""

from __future__ import annotations

import json
import logging

import pytest
from connector_testkit import fixture_bytes, load_fixture
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from nabij.connectors.base import Secret, TemporaryError
from nabij.connectors.email.connector import EmailConnector
from nabij.connectors.email.parse import strip_quoted
from nabij.connectors.fileimport.readers import iter_text
from nabij.connectors.http import HttpxClient
from nabij.connectors.mastodon import MastodonConnector
from nabij.connectors.meta.signature import sign_payload, verify_signature
from nabij.connectors.registry import all_connectors
from nabij.connectors.text import html_to_text
from nabij.connectors.webhooks import sign, verify

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=20),
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=10), children, max_size=4)
    ),
    max_leaves=30,
)


@settings(max_examples=150, suppress_health_check=[HealthCheck.too_slow])
@given(payload=json_values)
def test_no_parser_raises_on_arbitrary_json(payload: object) -> None:
    for connector in all_connectors():
        result = connector.parse(payload)
        assert isinstance(result.messages, tuple) and isinstance(result.errors, tuple)


def _mutations(document: object) -> st.SearchStrategy[object]:
    """Documented payloads with one value replaced by junk, deep inside."""

    def replace(doc: object, path: list[int], junk: object) -> object:
        if not path:
            return junk
        if isinstance(doc, dict) and doc:
            key = sorted(doc)[path[0] % len(doc)]
            return {**doc, key: replace(doc[key], path[1:], junk)}
        if isinstance(doc, list) and doc:
            index = path[0] % len(doc)
            return [*doc[:index], replace(doc[index], path[1:], junk), *doc[index + 1 :]]
        return junk

    return st.builds(
        replace, st.just(document), st.lists(st.integers(0, 50), max_size=8), json_values
    )


@pytest.mark.parametrize(
    ("kind", "channel", "fixture"),
    [
        ("facebook", "meta", "facebook_feed.json"),
        ("facebook", "meta", "messenger.json"),
        ("instagram", "meta", "instagram.json"),
        ("whatsapp", "meta", "whatsapp.json"),
        ("mastodon", "mastodon", "notifications.json"),
        ("bluesky", "bluesky", "list_notifications.json"),
    ],
)
def test_parsers_survive_junk_inside_documented_payloads(
    kind: str, channel: str, fixture: str
) -> None:
    connector = next(c for c in all_connectors() if c.kind == kind)

    @settings(max_examples=120, suppress_health_check=[HealthCheck.too_slow], deadline=None)
    @given(payload=_mutations(load_fixture(channel, fixture)))
    def check(payload: object) -> None:
        for message in connector.parse(payload).messages:
            assert message.sent_at.tzinfo is not None and message.external_id
            json.dumps(message.to_import_line())  # always JSON-able
            json.dumps(dict(message.raw))

    check()


@given(st.text(max_size=300))
def test_html_to_text_never_raises_and_has_no_tags_from_tags(html: str) -> None:
    text = html_to_text(html)
    assert "<script" not in html_to_text(f"<script>{html}</script>")
    assert text == text.strip()


@given(st.text(max_size=300))
def test_strip_quoted_is_idempotent(text: str) -> None:
    once = strip_quoted(text)
    assert strip_quoted(once) == once


@settings(max_examples=100)
@given(st.binary(max_size=400))
def test_email_parser_never_raises_on_bytes(raw: bytes) -> None:
    EmailConnector().parse([raw, fixture_bytes("email", "reply_plain.eml")[:20] + raw])


@given(st.text(max_size=300))
def test_json_reader_never_raises_unexpectedly(text: str) -> None:
    try:
        list(iter_text(text, "json"))
    except ValueError:
        pass  # ReaderError: the file as a whole is unreadable, reported to the user


@given(
    body=st.binary(max_size=200),
    secret=st.text(min_size=1, max_size=20),
    other=st.text(min_size=1, max_size=20),
    t=st.integers(0, 2**40),
)
def test_signatures_verify_exactly_with_the_right_secret(
    body: bytes, secret: str, other: str, t: int
) -> None:
    assert verify(body, sign(body, secret, t), [secret], t).ok
    assert verify_signature(body, sign_payload(body, secret), secret)
    if other != secret:
        assert not verify(body, sign(body, other, t), [secret], t).ok
        assert not verify_signature(body, sign_payload(body, other), secret)


def test_tokens_never_reach_logs_or_errors(caplog: pytest.LogCaptureFixture) -> None:
    token = "tok-SECRET-4711"
    messages = []
    with caplog.at_level(logging.DEBUG):
        for url in ("http://127.0.0.1:9", "http://127.0.0.1:9/"):
            try:
                MastodonConnector().poll(
                    {"base_url": url},
                    {"access_token": Secret(token)},
                    "0",
                    HttpxClient(timeout=0.5),
                )
            except TemporaryError as exc:
                messages.append(repr(exc) + str(exc))
    assert messages and token not in "".join(messages) + caplog.text
    assert token not in repr({"access_token": Secret(token)})
