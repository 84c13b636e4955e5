"""Outgoing webhooks: signing, verification for receivers, and the delivery retry schedule."""

from nabij.connectors.webhooks.signing import (
    SIGNATURE_HEADER,
    TIMESTAMP_TOLERANCE,
    Verification,
    delivery_delay,
    sign,
    signature_headers,
    verify,
)

__all__ = [
    "SIGNATURE_HEADER",
    "TIMESTAMP_TOLERANCE",
    "Verification",
    "delivery_delay",
    "sign",
    "signature_headers",
    "verify",
]
