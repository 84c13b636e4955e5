"""Channel tasks (ids in, actions do the work) and the scheduler that feeds them.

The database task backend has no periodic scheduler, so `nabij channels run` is one:
every `interval` seconds it enqueues a poll for each enabled pull channel (unless the
platform asked us to wait), and re-enqueues whatever is due or was lost — replies whose
retry time has come or whose sending worker died, pushed payloads still pending, and
webhook deliveries due again. The workers (`nabij worker`) execute the tasks.
"""

from __future__ import annotations

import datetime as dt
import logging
import threading
import time
from dataclasses import dataclass
from typing import Any

from django.db.models import Q
from django.utils import timezone
from django_tasks import task

logger = logging.getLogger(__name__)

MAX_POLL_ROUNDS = 10  # one task reads at most this many batches, then yields the worker
STALE_AFTER = dt.timedelta(minutes=1)  # older than this and still waiting: enqueue again
REENQUEUE_AFTER = 300.0  # seconds before the scheduler enqueues the same job again
SWEEP_LIMIT = 500


@task()
def poll_channel(channel_id: int) -> dict[str, Any]:
    """Poll a channel until it has nothing new (at most MAX_POLL_ROUNDS batches)."""
    from nabij.actions.channels import do_poll_channel

    counts = {"created": 0, "existing": 0, "skipped": 0, "rounds": 0}
    error = ""
    for _ in range(MAX_POLL_ROUNDS):
        outcome = do_poll_channel(channel_id)
        counts["rounds"] += 1
        counts["created"] += outcome.created
        counts["existing"] += outcome.existing
        counts["skipped"] += outcome.skipped
        error = outcome.error
        if outcome.error or not outcome.more:
            break
    return {**counts, "error": error}


@task()
def process_payload(payload_id: int) -> str:
    """Parse and ingest one stored webhook payload."""
    from nabij.actions.channels import do_process_payload

    return do_process_payload(payload_id)


@task()
def deliver_reply(reply_id: int) -> str:
    """Send one reply through its channel."""
    from nabij.actions.delivery import do_deliver_reply

    return do_deliver_reply(reply_id)


@task()
def deliver_webhook(delivery_id: int) -> str:
    """Send one outgoing webhook delivery."""
    from nabij.actions.webhooks import do_deliver_webhook

    return do_deliver_webhook(delivery_id)


@dataclass
class SweepReport:
    """How many jobs one scheduler round enqueued."""

    polls: int = 0
    replies: int = 0
    payloads: int = 0
    webhooks: int = 0


def _pollable_channels(now: dt.datetime) -> list[int]:
    from nabij.actions.channels import connector_for, poll_not_before
    from nabij.models import Channel

    ids = []
    for channel in Channel.objects.filter(enabled=True).order_by("pk"):
        connector = connector_for(channel)
        if connector is None or connector.inbound != "pull":
            continue
        not_before = poll_not_before(channel)
        if not_before is not None and not_before > now:
            continue  # the platform asked us to wait (Retry-After)
        ids.append(channel.pk)
    return ids


def _due_ids(now: dt.datetime) -> dict[str, list[int]]:
    """Replies, payloads and webhook deliveries that are due or were lost by a worker."""
    from nabij.models import InboundPayload, Reply, WebhookDelivery

    stale = now - STALE_AFTER
    replies = Reply.objects.filter(
        Q(state=Reply.State.QUEUED, next_attempt_at__lte=now)
        | Q(state=Reply.State.QUEUED, next_attempt_at__isnull=True, created_at__lte=stale)
        | Q(state=Reply.State.SENDING, next_attempt_at__lte=now)
    )
    payloads = InboundPayload.objects.filter(
        state=InboundPayload.State.PENDING, received_at__lte=stale
    )
    webhooks = WebhookDelivery.objects.filter(
        Q(state__in=("queued", "sending"), next_attempt_at__lte=now)
        | Q(state="queued", next_attempt_at__isnull=True, created_at__lte=stale)
    )
    return {
        "replies": list(replies.order_by("pk").values_list("pk", flat=True)[:SWEEP_LIMIT]),
        "payloads": list(payloads.order_by("pk").values_list("pk", flat=True)[:SWEEP_LIMIT]),
        "webhooks": list(webhooks.order_by("pk").values_list("pk", flat=True)[:SWEEP_LIMIT]),
    }


def sweep(recent: dict[tuple[str, int], float] | None = None, polls: bool = True) -> SweepReport:
    """One scheduler round; `recent` remembers what was enqueued lately (no pile-ups)."""
    now = timezone.now()
    recent = recent if recent is not None else {}
    clock = time.monotonic()
    report = SweepReport()
    jobs: list[tuple[str, Any, int]] = []
    if polls:
        jobs += [("poll", poll_channel, pk) for pk in _pollable_channels(now)]
    due = _due_ids(now)
    jobs += [("reply", deliver_reply, pk) for pk in due["replies"]]
    jobs += [("payload", process_payload, pk) for pk in due["payloads"]]
    jobs += [("webhook", deliver_webhook, pk) for pk in due["webhooks"]]
    for kind, job, pk in jobs:
        # Polls are periodic by nature; the rest waits a while before a second enqueue.
        if kind != "poll" and clock - recent.get((kind, pk), -REENQUEUE_AFTER) < REENQUEUE_AFTER:
            continue
        try:
            job.enqueue(pk)
        except Exception:
            logger.exception("could not enqueue %s %s", kind, pk)
            continue
        recent[(kind, pk)] = clock
        attr = {"poll": "polls", "reply": "replies", "payload": "payloads", "webhook": "webhooks"}
        setattr(report, attr[kind], getattr(report, attr[kind]) + 1)
    return report


def run_scheduler(
    interval: float = 60.0, *, once: bool = False, stop: threading.Event | None = None
) -> int:
    """Sweep every `interval` seconds until stopped; returns an exit code."""
    recent: dict[tuple[str, int], float] = {}
    stop = stop or threading.Event()
    while True:
        try:
            report = sweep(recent)
            logger.info("channels: enqueued %s", report)
        except Exception:  # a database hiccup must not end the scheduler
            logger.exception("channel sweep failed")
        if once or stop.wait(interval):
            return 0


def watch_mailbox(
    channel_id: int,
    *,
    idle_seconds: float = 300.0,
    fallback_interval: float = 60.0,
    stop: threading.Event | None = None,
) -> int:
    """Poll an e-mail channel whenever IMAP IDLE reports new mail (or on a timer without IDLE)."""
    from nabij.actions.channels import channel_secrets, connector_for, do_poll_channel
    from nabij.connectors.base import ConnectorError
    from nabij.connectors.email import EmailConnector
    from nabij.models import Channel

    stop = stop or threading.Event()
    channel = Channel.objects.get(pk=channel_id)
    connector = connector_for(channel)
    if not isinstance(connector, EmailConnector):
        raise ValueError(f"channel {channel.slug} is not an e-mail channel")
    while not stop.is_set():
        do_poll_channel(channel_id)  # first catch up, then wait for news
        channel.refresh_from_db()
        mailbox = connector.mailbox_factory(channel.config, channel_secrets(channel))
        started = time.monotonic()
        try:
            mailbox.wait_for_new(idle_seconds)
        except ConnectorError as exc:
            logger.warning("IDLE on %s failed: %s", channel.slug, exc)
        # An immediate return means no IDLE (or an error): fall back to polling on a timer.
        quick = time.monotonic() - started < 1.0
        if quick and stop.wait(fallback_interval):
            break
    return 0
