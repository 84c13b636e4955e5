"""Channel health for the channel list: last success, last error, backlog."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field

from django.db.models import Count

from nabij.actions.channels import connector_for, poll_not_before
from nabij.models import Channel, InboundPayload, Reply


@dataclass
class ChannelHealth:
    """What the channel list shows: last success, last error and the backlog."""

    channel: Channel
    label: str
    inbound: str
    queued_replies: int = 0
    failed_replies: int = 0
    pending_payloads: int = 0
    failed_payloads: int = 0
    not_before: dt.datetime | None = None
    skipped: list[dict[str, str]] = field(default_factory=list)


def channel_health(channels: Sequence[Channel]) -> list[ChannelHealth]:
    """Health of the given channels, with two aggregate queries for all of them."""
    ids = [c.pk for c in channels]
    replies: dict[tuple[int, str], int] = {
        (row["message__channel_id"], row["state"]): row["n"]
        for row in Reply.objects.filter(
            message__channel_id__in=ids,
            state__in=(Reply.State.QUEUED, Reply.State.SENDING, Reply.State.FAILED),
        )
        .values("message__channel_id", "state")
        .annotate(n=Count("pk"))
    }
    payloads: dict[tuple[int, str], int] = {
        (row["channel_id"], row["state"]): row["n"]
        for row in InboundPayload.objects.filter(channel_id__in=ids)
        .exclude(state=InboundPayload.State.DONE)
        .values("channel_id", "state")
        .annotate(n=Count("pk"))
    }
    out = []
    for c in channels:
        connector = connector_for(c)
        cursor = c.cursor if isinstance(c.cursor, dict) else {}
        skipped = cursor.get("skipped")
        out.append(
            ChannelHealth(
                channel=c,
                label=connector.label if connector else c.kind,
                inbound=connector.inbound if connector else "push",
                queued_replies=replies.get((c.pk, "queued"), 0) + replies.get((c.pk, "sending"), 0),
                failed_replies=replies.get((c.pk, "failed"), 0),
                pending_payloads=payloads.get((c.pk, "pending"), 0),
                failed_payloads=payloads.get((c.pk, "failed"), 0),
                not_before=poll_not_before(c),
                skipped=skipped if isinstance(skipped, list) else [],
            )
        )
    return out
