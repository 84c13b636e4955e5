"""What the Meta connectors share: config, the Graph API call, payload walking, windows."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator, Mapping
from typing import Any

from nabij.connectors.base import (
    JSON,
    Attachment,
    ConfigField,
    ConnectorBase,
    PermanentError,
    Secret,
    TemporaryError,
    obj_at,
    require_secret,
    str_or,
)
from nabij.connectors.meta.signature import appsecret_proof, handshake_challenge, verify_signature

DEFAULT_GRAPH_URL = "https://graph.facebook.com/v21.0"
# Graph error codes that mean "try again later": unknown/temporary errors (1, 2) and
# application, user, page and WhatsApp rate limits (4, 17, 32, 613, 80001-80008, 130429).
GRAPH_TEMPORARY_CODES = {"1", "2", "4", "17", "32", "613", "130429"} | {
    str(c) for c in range(80001, 80009)
}
GRAPH_THROTTLE_WAIT = 300.0
Clock = Callable[[], dt.datetime]


class WindowClosedError(PermanentError):
    """The platform's customer-service window is over; a free-form reply is not allowed."""


def graph_fields(account_label: str) -> tuple[ConfigField, ...]:
    """The settings every Meta channel has."""
    return (
        ConfigField("account_id", account_label),
        ConfigField("graph_url", "Graph API base URL", kind="url", default=DEFAULT_GRAPH_URL),
        ConfigField("access_token", "Access token", secret=True),
        ConfigField("app_secret", "App secret", secret=True, help="signs webhook payloads"),
        ConfigField("verify_token", "Webhook verify token", secret=True),
    )


def utc_from_epoch(value: Any, millis: bool = False) -> dt.datetime:
    """Convert a Meta timestamp (seconds or milliseconds, number or numeric string)."""
    number = float(value)
    try:
        return dt.datetime.fromtimestamp(number / 1000 if millis else number, tz=dt.UTC)
    except (OverflowError, OSError):
        raise ValueError(f"timestamp out of range: {value!r}") from None


def entries(payload: JSON, obj: str) -> Iterator[tuple[int, dict[str, Any]]]:
    """Yield (index, entry) of a webhook payload for `object == obj`; junk yields nothing."""
    if not isinstance(payload, dict) or payload.get("object") != obj:
        return
    items = payload.get("entry")
    if isinstance(items, list):
        for index, entry in enumerate(items):
            if isinstance(entry, dict):
                yield index, entry


def dict_items(value: Any) -> list[dict[str, Any]]:
    """The dicts in a list (untrusted JSON)."""
    return [v for v in value if isinstance(v, dict)] if isinstance(value, list) else []


def message_attachments(message: Mapping[str, Any]) -> tuple[Attachment, ...]:
    """Attachments of a Messenger/Instagram message (type and URL only)."""
    out = []
    for item in dict_items(message.get("attachments")):
        payload = obj_at(item, "payload")
        url = str_or(payload.get("url"))
        name = url.rsplit("/", 1)[-1].split("?")[0] or "attachment"
        kind = str_or(item.get("type"), "unknown")
        out.append(Attachment(name, kind, 0, url, stored=False))
    return tuple(out)


def within_window(last_inbound: dt.datetime | None, now: dt.datetime, hours: float) -> bool:
    """True when `now` is inside the window opened by the resident's last message."""
    return last_inbound is not None and now - last_inbound <= dt.timedelta(hours=hours)


def target_field(target: Mapping[str, Any], key: str) -> str:
    """A required reply-target field as text, or PermanentError (the target is unusable)."""
    value = target.get(key)
    if value is None or value == "":
        raise PermanentError(f"reply target lacks {key!r}")
    return str(value)


def parse_when(value: Any) -> dt.datetime | None:
    """Read an ISO timestamp from a reply target; None when absent or junk."""
    if isinstance(value, dt.datetime):
        return value
    if not isinstance(value, str):
        return None
    try:
        parsed = dt.datetime.fromisoformat(value)
    except ValueError:
        return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=dt.UTC)


class MetaConnectorBase(ConnectorBase):
    """Push channels whose webhooks Meta signs; replies go through the Graph API."""

    inbound = "push"

    def __init__(self, clock: Clock | None = None) -> None:
        self.clock: Clock = clock or (lambda: dt.datetime.now(dt.UTC))

    def verify_subscription(
        self, params: Mapping[str, str], secrets: Mapping[str, Secret]
    ) -> str | None:
        """Answer Meta's GET handshake: the challenge to echo, or None to refuse (403)."""
        token = secrets.get("verify_token")
        return handshake_challenge(params, token.reveal() if token else "")

    def verify_request(
        self, body: bytes, headers: Mapping[str, str], secrets: Mapping[str, Secret]
    ) -> bool:
        """Check X-Hub-Signature-256 of a POSTed payload; unsigned payloads are refused."""
        secret = secrets.get("app_secret")
        lowered = {k.lower(): v for k, v in headers.items()}
        return verify_signature(
            body, lowered.get("x-hub-signature-256"), secret.reveal() if secret else ""
        )

    def graph_post(
        self,
        config: Mapping[str, JSON],
        secrets: Mapping[str, Secret],
        http: Any,
        path: str,
        body: Mapping[str, Any],
    ) -> dict[str, Any]:
        """POST to the Graph API with the token in a header and the appsecret proof."""
        token = require_secret(secrets, "access_token")
        base = str(config.get("graph_url") or DEFAULT_GRAPH_URL).rstrip("/")
        params = {}
        secret = secrets.get("app_secret")
        if secret:
            params["appsecret_proof"] = appsecret_proof(token, secret.reveal())
        try:
            response = http.request(
                "POST",
                f"{base}/{path.lstrip('/')}",
                params=params or None,
                json_body=dict(body),
                headers={"Authorization": f"Bearer {token}"},
            )
        except PermanentError as exc:
            # The Graph API reports throttling and outages as 400 with these codes.
            if exc.code in GRAPH_TEMPORARY_CODES:
                raise TemporaryError(exc.reason, retry_after=GRAPH_THROTTLE_WAIT) from None
            raise
        return response.json_object()
