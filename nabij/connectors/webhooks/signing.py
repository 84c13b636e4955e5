"""Signing of Nabij's outgoing webhook deliveries (HMAC-SHA256 over timestamp and body).

Header: `X-Nabij-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<raw body>">`.
Receivers check the HMAC with a constant-time compare, refuse timestamps outside a
five-minute window (replay protection), and may also refuse a delivery id they have
already seen (`X-Nabij-Delivery`). Several `v1=` values may be present while a secret
is being rotated.
"""

from __future__ import annotations

import hashlib
import hmac
import random
from collections.abc import Container, Mapping, Sequence
from dataclasses import dataclass
from typing import Literal

SIGNATURE_HEADER = "X-Nabij-Signature"
DELIVERY_HEADER = "X-Nabij-Delivery"
EVENT_HEADER = "X-Nabij-Event"
TIMESTAMP_TOLERANCE = 300  # seconds either way
# Delays (seconds) before retry 1, 2, ...; after the last one the delivery is failed.
DELIVERY_SCHEDULE = (10, 60, 300, 1800, 7200, 21600, 43200, 86400)


def sign(body: bytes, secret: str, timestamp: int) -> str:
    """The signature header value for `body` sent at `timestamp`."""
    return f"t={timestamp},v1={_digest(body, secret, timestamp)}"


def _digest(body: bytes, secret: str, timestamp: int) -> str:
    message = str(timestamp).encode() + b"." + body
    return hmac.new(secret.encode(), message, hashlib.sha256).hexdigest()


def signature_headers(
    body: bytes, secret: str, timestamp: int, delivery_id: str, event: str
) -> dict[str, str]:
    """All headers of one delivery: signature, delivery id, event name, content type."""
    return {
        SIGNATURE_HEADER: sign(body, secret, timestamp),
        DELIVERY_HEADER: delivery_id,
        EVENT_HEADER: event,
        "Content-Type": "application/json",
    }


@dataclass(frozen=True)
class Verification:
    """Outcome of checking a delivery; `ok` only when `reason == 'valid'`."""

    reason: Literal["valid", "missing", "malformed", "mismatch", "expired", "replayed"]

    @property
    def ok(self) -> bool:
        """True for a valid, fresh, first-seen delivery."""
        return self.reason == "valid"


def _parse_header(header: str) -> tuple[int, list[str]] | None:
    timestamp, signatures = None, []
    for part in header.split(","):
        key, _, value = part.strip().partition("=")
        if key == "t" and value.isdigit():
            timestamp = int(value)
        elif key == "v1" and len(value) == 64:
            signatures.append(value)
    return (timestamp, signatures) if timestamp is not None and signatures else None


def verify(
    body: bytes,
    header: str | None,
    secrets: Sequence[str],
    now: int,
    delivery_id: str = "",
    seen: Container[str] = (),
    tolerance: int = TIMESTAMP_TOLERANCE,
) -> Verification:
    """Check a delivery against one or more secrets (rotation), its age and repeats."""
    if not header:
        return Verification("missing")
    parsed = _parse_header(header)
    if parsed is None:
        return Verification("malformed")
    timestamp, given = parsed
    expected = [_digest(body, s, timestamp) for s in secrets if s]
    # Compare every pair so the time taken does not depend on which one matched.
    matches = [hmac.compare_digest(g, e) for g in given for e in expected]
    if not any(matches):
        return Verification("mismatch")
    if abs(now - timestamp) > tolerance:
        return Verification("expired")
    if delivery_id and delivery_id in seen:
        return Verification("replayed")
    return Verification("valid")


def delivery_delay(attempt: int, rng: random.Random) -> float | None:
    """Seconds before retry `attempt` (1-based) of a delivery, ±10% jitter; None: give up."""
    if attempt < 1 or attempt > len(DELIVERY_SCHEDULE):
        return None
    base = DELIVERY_SCHEDULE[attempt - 1]
    return base * (0.9 + 0.2 * rng.random())


def headers_get(headers: Mapping[str, str], name: str) -> str | None:
    """Case-insensitive header lookup for receivers."""
    lowered = name.lower()
    return next((v for k, v in headers.items() if k.lower() == lowered), None)
