from __future__ import annotations

import json
import random

from nabij.connectors.webhooks import delivery_delay, sign, signature_headers, verify
from nabij.connectors.webhooks.signing import DELIVERY_SCHEDULE, headers_get

BODY = json.dumps({"event": "message.received", "message_id": 42}).encode()
NOW = 1_789_400_000


def test_right_signature_is_valid() -> None:
    header = sign(BODY, "geheim", NOW)
    assert header.startswith(f"t={NOW},v1=")
    assert verify(BODY, header, ["geheim"], NOW + 10).ok


def test_unsigned_malformed_and_wrong_are_refused() -> None:
    assert verify(BODY, None, ["geheim"], NOW).reason == "missing"
    assert verify(BODY, "v1=abc", ["geheim"], NOW).reason == "malformed"
    assert verify(BODY, f"t={NOW},v1={'0' * 64}", ["geheim"], NOW).reason == "mismatch"
    assert verify(BODY, sign(BODY, "ander", NOW), ["geheim"], NOW).reason == "mismatch"
    assert verify(BODY + b" ", sign(BODY, "geheim", NOW), ["geheim"], NOW).reason == "mismatch"
    # The timestamp is part of what is signed: changing it breaks the signature.
    forged = sign(BODY, "geheim", NOW).replace(f"t={NOW}", f"t={NOW + 1000}")
    assert verify(BODY, forged, ["geheim"], NOW + 1000).reason == "mismatch"


def test_replayed_deliveries_are_refused() -> None:
    header = sign(BODY, "geheim", NOW)
    assert verify(BODY, header, ["geheim"], NOW + 301).reason == "expired"
    assert verify(BODY, header, ["geheim"], NOW - 301).reason == "expired"
    seen = {"d-1"}
    assert verify(BODY, header, ["geheim"], NOW, "d-1", seen).reason == "replayed"
    assert verify(BODY, header, ["geheim"], NOW, "d-2", seen).ok


def test_secret_rotation_accepts_old_and_new() -> None:
    header = sign(BODY, "oud", NOW)
    assert verify(BODY, header, ["nieuw", "oud"], NOW).ok
    both = f"{header},v1={sign(BODY, 'nieuw', NOW).split('v1=')[1]}"
    assert verify(BODY, both, ["nieuw"], NOW).ok


def test_headers_and_lookup() -> None:
    headers = signature_headers(BODY, "geheim", NOW, "d-9", "message.received")
    assert headers_get(headers, "x-nabij-delivery") == "d-9"
    assert verify(BODY, headers_get(headers, "X-NABIJ-SIGNATURE"), ["geheim"], NOW).ok


def test_retry_schedule_grows_with_bounded_jitter_and_ends() -> None:
    rng = random.Random(7)
    delays = [delivery_delay(n, rng) for n in range(1, len(DELIVERY_SCHEDULE) + 1)]
    for delay, base in zip(delays, DELIVERY_SCHEDULE, strict=True):
        assert delay is not None and 0.9 * base <= delay <= 1.1 * base
    assert delivery_delay(len(DELIVERY_SCHEDULE) + 1, rng) is None
    assert delivery_delay(0, rng) is None
