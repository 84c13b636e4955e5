"""Delivering agents' replies through their channel: queued → sending → sent or failed.

The claim (queued → sending) and the outcome are two short transactions; the platform
call happens between them, outside any transaction. A claimed reply carries a lease in
`next_attempt_at`: when a worker dies during the send, the reply stays `sending` until
the lease runs out and the scheduler hands it out again. Retries follow the connector's
backoff schedule (`after_send_failure`), at least the platform's Retry-After.
"""

from __future__ import annotations

import datetime as dt
import logging
import random
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from nabij.actions.audit import do_record_audit_event
from nabij.actions.channels import (
    channel_secrets,
    configuration_problems,
    connector_for,
    message_event,
)
from nabij.connectors.base import (
    Connector,
    ConnectorError,
    OutboundReply,
    PermanentError,
    SendResult,
    TemporaryError,
)
from nabij.connectors.http import after_send_failure
from nabij.models import Channel, Conversation, Message, Reply

logger = logging.getLogger(__name__)

SEND_LEASE = dt.timedelta(minutes=10)


def queue_reply_delivery(reply_id: int) -> None:
    """Enqueue the delivery of a stored reply once the surrounding transaction commits."""
    transaction.on_commit(lambda: enqueue_delivery(reply_id))


def enqueue_delivery(reply_id: int, run_after: dt.datetime | None = None) -> None:
    """Put a delivery task on the queue; the scheduler's sweep is the safety net."""
    from nabij.tasks.channels import deliver_reply

    try:
        task = deliver_reply
        if run_after is not None:
            if not task.get_backend().supports_defer:
                return  # `nabij channels run` enqueues it when it is due
            task = task.using(run_after=run_after)
        task.enqueue(reply_id)
    except Exception:  # the reply is stored as queued; the sweep delivers it
        logger.exception("could not queue delivery of reply %s", reply_id)


def _claim(reply_id: int, now: dt.datetime) -> Reply | None:
    """Move a due reply to `sending` with a lease; None when it is not ours to send."""
    with transaction.atomic():
        reply = Reply.objects.select_for_update().filter(pk=reply_id).first()
        if reply is None:
            return None
        due = reply.next_attempt_at is None or reply.next_attempt_at <= now
        if reply.state == Reply.State.SENDING and due:
            # The lease ran out: the worker that claimed it died during the send.
            reply.last_error = "the previous attempt was interrupted; sending again"
        elif not (reply.state == Reply.State.QUEUED and due):
            return None
        reply.state = Reply.State.SENDING
        reply.attempts += 1
        reply.next_attempt_at = now + SEND_LEASE
        reply.save(update_fields=["state", "attempts", "next_attempt_at", "last_error"])
        return reply


def reply_route(channel: Channel) -> Channel:
    """The channel that carries replies: itself, or for the web form the e-mail channel.

    A resident who used the web form and left an e-mail address is answered by e-mail,
    from the organisation's first enabled e-mail channel.
    """
    if connector_for(channel) is not None or channel.kind != "webform":
        return channel
    mail = Channel.objects.filter(kind="email", enabled=True).order_by("pk").first()
    if mail is None:
        raise PermanentError("web form replies go by e-mail, and no e-mail channel is configured")
    return mail


def _outbound(reply: Reply, message: Message, conv: Conversation) -> OutboundReply:
    parent = reply.in_reply_to
    target = parent.raw.get("reply_target") if parent and isinstance(parent.raw, dict) else None
    return OutboundReply(
        text=message.text,
        reply_target=target if isinstance(target, dict) else {},
        private=reply.visibility == "private",
        idempotency_key=f"nabij-reply-{reply.pk}",
        last_inbound_at=conv.last_inbound_at,
    )


def do_deliver_reply(
    reply_id: int,
    *,
    http: Any = None,
    connector: Connector | None = None,
    rng: random.Random | None = None,
) -> str:
    """Send one queued reply; returns the reply's state afterwards (or 'skipped')."""
    reply = _claim(reply_id, timezone.now())
    if reply is None:
        return "skipped"
    message = Message.objects.select_related("conversation", "channel").get(pk=reply.message_id)
    if reply.in_reply_to_id:
        reply.in_reply_to = Message.objects.filter(pk=reply.in_reply_to_id).first()
    channel = message.channel
    own_http = http is None
    try:
        route = reply_route(channel) if connector is None else channel
        connector = connector or connector_for(route)
        if connector is None:
            raise PermanentError(f"channel {channel.name} has no way to send replies")
        secrets = channel_secrets(route)
        problems = configuration_problems(connector, route.config, secrets)
        if problems:
            raise PermanentError(f"channel {route.name} is not configured: " + "; ".join(problems))
        if own_http:
            from nabij.connectors.http import HttpxClient

            http = HttpxClient()
        outbound = _outbound(reply, message, message.conversation)
        sent = connector.send(route.config, secrets, outbound, http)
    except ConnectorError as exc:
        return _record_failure(reply, channel, exc, rng or random.Random())
    except Exception as exc:  # a connector bug: keep the reply, retry, show what happened
        logger.exception("sending reply %s failed unexpectedly", reply.pk)
        error = TemporaryError(f"unexpected error ({exc.__class__.__name__})")
        return _record_failure(reply, channel, error, rng or random.Random())
    finally:
        if own_http and http is not None:
            http.close()
    return _record_sent(reply, message, channel, sent)


def _record_sent(reply: Reply, message: Message, channel: Channel, sent: SendResult) -> str:
    now = timezone.now()
    with transaction.atomic():
        Reply.objects.filter(pk=reply.pk).update(
            state=Reply.State.SENT, sent_at=now, next_attempt_at=None, last_error=""
        )
        # The platform's id lets a resident's answer to this reply join the conversation.
        try:
            with transaction.atomic():
                Message.objects.filter(pk=message.pk).update(
                    external_id=sent.external_id[:300] or None, url=sent.url[:1000]
                )
        except IntegrityError:
            logger.warning("reply %s: platform id already used by another message", reply.pk)
        Channel.objects.filter(pk=channel.pk).update(last_success_at=now)
        do_record_audit_event(
            None,
            "reply.sent",
            message,
            {"reply": reply.pk, "external_id": sent.external_id, "attempts": reply.attempts},
        )
        from nabij.actions.webhooks import notify_webhooks

        message.external_id = sent.external_id
        notify_webhooks("reply.sent", {**message_event(message, channel), "reply": reply.pk})
    return Reply.State.SENT


def _record_failure(reply: Reply, channel: Channel, error: Exception, rng: random.Random) -> str:
    decision = after_send_failure(reply.attempts - 1, error, rng)
    now = timezone.now()
    retry_at = now + dt.timedelta(seconds=decision.delay) if decision.delay is not None else None
    with transaction.atomic():
        Reply.objects.filter(pk=reply.pk, state=Reply.State.SENDING).update(
            state=decision.state, next_attempt_at=retry_at, last_error=decision.error[:2000]
        )
        Channel.objects.filter(pk=channel.pk).update(
            last_error=f"reply {reply.pk}: {decision.error}"[:2000], last_error_at=now
        )
        verb = "reply.failed" if decision.state == "failed" else "reply.retry_scheduled"
        do_record_audit_event(
            None,
            verb,
            ("message", str(reply.message_id)),
            {"reply": reply.pk, "attempt": reply.attempts, "error": decision.error[:500]},
        )
        if decision.state == "failed":
            from nabij.actions.webhooks import notify_webhooks

            notify_webhooks(
                "reply.failed",
                {"reply": reply.pk, "message_id": reply.message_id, "error": decision.error},
            )
        elif retry_at is not None:
            when = retry_at
            transaction.on_commit(lambda: enqueue_delivery(reply.pk, run_after=when))
    return decision.state


def do_retry_reply(actor: Any, reply: Reply) -> Reply:
    """Put a failed reply back in the queue (an agent's 'try again')."""
    with transaction.atomic():
        updated = Reply.objects.filter(pk=reply.pk, state=Reply.State.FAILED).update(
            state=Reply.State.QUEUED, next_attempt_at=None, attempts=0
        )
        if updated:
            do_record_audit_event(actor, "reply.requeued", ("message", str(reply.message_id)), {})
            queue_reply_delivery(reply.pk)
    reply.refresh_from_db()
    return reply
