from __future__ import annotations

from connector_testkit import fixture_bytes

from nabij.connectors.base import Secret
from nabij.connectors.meta import FacebookConnector
from nabij.connectors.meta.signature import sign_payload, verify_signature

SECRETS = {"app_secret": Secret("app-secret-1"), "verify_token": Secret("kies-een-token")}
BODY = fixture_bytes("meta", "facebook_feed.json")


def test_handshake_echoes_challenge_only_for_our_token() -> None:
    good = {
        "hub.mode": "subscribe",
        "hub.verify_token": "kies-een-token",
        "hub.challenge": "1158201444",
    }
    assert FacebookConnector().verify_subscription(good, SECRETS) == "1158201444"
    assert (
        FacebookConnector().verify_subscription({**good, "hub.verify_token": "x"}, SECRETS) is None
    )
    assert (
        FacebookConnector().verify_subscription({**good, "hub.mode": "unsubscribe"}, SECRETS)
        is None
    )
    assert (
        FacebookConnector().verify_subscription({**good, "hub.challenge": "<script>"}, SECRETS)
        is None
    )
    assert FacebookConnector().verify_subscription(good, {}) is None


def test_signed_payload_is_accepted() -> None:
    header = sign_payload(BODY, "app-secret-1")
    assert header.startswith("sha256=") and len(header) == 7 + 64
    assert FacebookConnector().verify_request(BODY, {"X-Hub-Signature-256": header}, SECRETS)


def test_unsigned_wrong_or_tampered_payloads_are_refused() -> None:
    connector = FacebookConnector()
    assert not connector.verify_request(BODY, {}, SECRETS)
    assert not connector.verify_request(
        BODY, {"X-Hub-Signature-256": "sha256=" + "0" * 64}, SECRETS
    )
    assert not connector.verify_request(
        BODY, {"X-Hub-Signature-256": sign_payload(BODY, "another-secret")}, SECRETS
    )
    tampered = BODY.replace(b"twee weken", b"drie weken")
    assert not connector.verify_request(
        tampered, {"X-Hub-Signature-256": sign_payload(BODY, "app-secret-1")}, SECRETS
    )
    # The old SHA-1 header alone is not enough, and no secret configured means refuse.
    assert not connector.verify_request(BODY, {"X-Hub-Signature": "sha1=abc"}, SECRETS)
    assert not verify_signature(BODY, sign_payload(BODY, ""), "")
