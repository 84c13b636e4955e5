"""Outgoing webhooks: deliveries are queued in the transaction, sent after it, retried.

Every delivery is a JSON POST signed with the subscription's secret
(`X-Nabij-Signature`, see `nabij.connectors.webhooks.signing`). The body is serialised
once and those exact bytes are signed and sent.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import random
import secrets
from collections.abc import Callable, Mapping
from typing import Any
from urllib.parse import urlparse

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from nabij.actions.audit import do_record_audit_event
from nabij.actions.errors import ActionError
from nabij.connectors.base import ConnectorError, PermanentError, TemporaryError
from nabij.connectors.http import HttpResponse, check_response
from nabij.connectors.webhooks.signing import delivery_delay, signature_headers
from nabij.models import WebhookDelivery, WebhookSubscription

logger = logging.getLogger(__name__)

EVENTS = ("message.received", "reply.sent", "reply.failed", "decision.recorded")
SEND_LEASE = dt.timedelta(minutes=5)
TIMEOUT = 10.0
Poster = Callable[[str, bytes, Mapping[str, str]], HttpResponse]


def do_create_webhook_subscription(
    actor: Any, url: str, events: list[str], secret: str = ""
) -> WebhookSubscription:
    """Subscribe a URL to events; the secret (generated when empty) signs every delivery."""
    parsed = urlparse(url or "")
    if parsed.scheme not in ("https", "http") or not parsed.hostname:
        raise ActionError(_("het webhookadres moet een http(s)-adres zijn"))
    unknown = [e for e in events if e not in EVENTS and e != "*"]
    if unknown or not events:
        raise ActionError(
            _("kies gebeurtenissen uit: %(events)s (of *)") % {"events": ", ".join(EVENTS)}
        )
    sub = WebhookSubscription.objects.create(
        url=url, events=list(events), secret=secret or secrets.token_urlsafe(32)
    )
    do_record_audit_event(actor, "webhook.created", sub, {"url": url, "events": list(events)})
    return sub


def do_deactivate_webhook_subscription(actor: Any, subscription_id: int) -> WebhookSubscription:
    """Stop sending to a subscription; queued deliveries are not sent any more."""
    with transaction.atomic():
        sub = WebhookSubscription.objects.select_for_update().filter(pk=subscription_id).first()
        if sub is None:
            raise ActionError(_("webhook niet gevonden"))
        if sub.active:
            sub.active = False
            sub.save(update_fields=["active"])
            WebhookDelivery.objects.filter(subscription=sub, state="queued").update(
                state="failed", last_error="the webhook was switched off"
            )
            do_record_audit_event(actor, "webhook.deactivated", sub, {"url": sub.url})
    return sub


def notify_webhooks(event: str, payload: Mapping[str, Any]) -> list[int]:
    """Create a delivery per matching subscription; they are enqueued after the commit."""
    subs = [
        s
        for s in WebhookSubscription.objects.filter(active=True)
        if isinstance(s.events, list) and (event in s.events or "*" in s.events)
    ]
    if not subs:
        return []
    data = json.loads(json.dumps(payload, default=str))
    rows = WebhookDelivery.objects.bulk_create(
        [WebhookDelivery(subscription=s, event=event, payload=data) for s in subs]
    )
    ids = [row.pk for row in rows]
    transaction.on_commit(lambda: _enqueue(ids))
    return ids


def _enqueue(ids: list[int]) -> None:
    from nabij.tasks.channels import deliver_webhook

    for delivery_id in ids:
        try:
            deliver_webhook.enqueue(delivery_id)
        except Exception:  # stored as queued; the scheduler's sweep sends it
            logger.exception("could not queue webhook delivery %s", delivery_id)


def post_raw(url: str, body: bytes, headers: Mapping[str, str]) -> HttpResponse:
    """POST exact bytes (the signature covers them) and map failures to typed errors."""
    import httpx

    try:
        with httpx.Client(timeout=TIMEOUT, follow_redirects=False) as client:
            resp = client.post(url, content=body, headers=dict(headers))
    except httpx.TimeoutException:
        raise TemporaryError("timed out") from None
    except httpx.TransportError as exc:
        raise TemporaryError(f"connection problem ({exc.__class__.__name__})") from None
    except httpx.InvalidURL:
        raise PermanentError("invalid webhook URL") from None
    return check_response(HttpResponse(resp.status_code, dict(resp.headers), resp.content[:2000]))


def _claim(delivery_id: int, now: dt.datetime) -> WebhookDelivery | None:
    with transaction.atomic():
        row = WebhookDelivery.objects.select_for_update().filter(pk=delivery_id).first()
        if row is None:
            return None
        due = row.next_attempt_at is None or row.next_attempt_at <= now
        if row.state not in ("queued", "sending") or not due:
            return None
        row.state, row.attempts = "sending", row.attempts + 1
        row.next_attempt_at = now + SEND_LEASE
        row.save(update_fields=["state", "attempts", "next_attempt_at"])
        return row


def do_deliver_webhook(
    delivery_id: int, *, post: Poster | None = None, rng: random.Random | None = None
) -> str:
    """Send one delivery; returns its state afterwards: delivered, queued, failed or skipped."""
    now = timezone.now()
    row = _claim(delivery_id, now)
    if row is None:
        return "skipped"
    sub = WebhookSubscription.objects.get(pk=row.subscription_id)
    body = json.dumps(
        {"event": row.event, "delivery": row.pk, "created_at": row.created_at.isoformat(),
         "data": row.payload},
        ensure_ascii=False,
        separators=(",", ":"),
    ).encode()  # fmt: skip
    headers = signature_headers(body, sub.secret, int(now.timestamp()), str(row.pk), row.event)
    status: int | None = None
    try:
        response = (post or post_raw)(sub.url, body, headers)
        status = response.status
    except ConnectorError as exc:
        status = getattr(exc, "status", None)
        return _failed_attempt(row, str(exc), status, rng or random.Random())
    WebhookDelivery.objects.filter(pk=row.pk).update(
        state="delivered", last_status=status, last_error="", next_attempt_at=None
    )
    return "delivered"


def _failed_attempt(
    row: WebhookDelivery, error: str, status: int | None, rng: random.Random
) -> str:
    delay = delivery_delay(row.attempts, rng)
    state = "failed" if delay is None else "queued"
    retry_at = timezone.now() + dt.timedelta(seconds=delay) if delay is not None else None
    WebhookDelivery.objects.filter(pk=row.pk).update(
        state=state, last_status=status, last_error=error[:2000], next_attempt_at=retry_at
    )
    return state


def notify_decision_recorded(decision: Any) -> list[int]:
    """Queue `decision.recorded` webhooks for a person's decision (call in its transaction)."""
    return notify_webhooks(
        "decision.recorded",
        {
            "decision": decision.pk,
            "message_id": decision.message_id,
            "conversation_id": decision.conversation_id,
            "action": decision.action,
            "reason_code": decision.reason_code,
            "state": decision.state,
        },
    )
