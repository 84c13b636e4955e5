"""Meta webhook security: the subscription handshake and the X-Hub-Signature-256 check."""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Mapping


def handshake_challenge(params: Mapping[str, str], verify_token: str) -> str | None:
    """Return `hub.challenge` when the subscription request carries our verify token."""
    if params.get("hub.mode") != "subscribe" or not verify_token:
        return None
    given = params.get("hub.verify_token") or ""
    if not hmac.compare_digest(given.encode(), verify_token.encode()):
        return None
    challenge = params.get("hub.challenge") or ""
    # Meta sends a number; refusing anything else keeps this from echoing markup.
    return challenge if challenge.isdigit() else None


def sign_payload(body: bytes, app_secret: str) -> str:
    """The header value Meta sends: `sha256=` and the hex HMAC of the raw body."""
    return "sha256=" + hmac.new(app_secret.encode(), body, hashlib.sha256).hexdigest()


def verify_signature(body: bytes, header: str | None, app_secret: str) -> bool:
    """True only for a present, well-formed and correct signature (constant-time compare)."""
    if not header or not app_secret or not header.startswith("sha256="):
        return False
    expected = sign_payload(body, app_secret)
    return hmac.compare_digest(header.strip().encode(), expected.encode())


def appsecret_proof(access_token: str, app_secret: str) -> str:
    """The `appsecret_proof` Graph API parameter: HMAC-SHA256 of the token with the secret."""
    return hmac.new(app_secret.encode(), access_token.encode(), hashlib.sha256).hexdigest()
