"""Channels: configuration, health, polling and pushed payloads, always through ingestion.

A poll stores its messages, the new cursor and the channel's health in one transaction,
so a crash (or a killed worker) anywhere before the commit leaves the old cursor and no
messages, and the next poll reads the same batch again; ingestion de-duplicates on
(channel, external id), so a crash after the commit cannot double anything either.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from nabij.actions.audit import do_record_audit_event
from nabij.actions.errors import ActionError, PermissionDenied
from nabij.actions.ingest import IngestItem, IngestResult, do_ingest_messages
from nabij.actions.roles import has_capability
from nabij.connectors.base import (
    ConfigField,
    Connector,
    ConnectorError,
    InboundMessage,
    ParseResult,
    PermanentError,
    PollResult,
    RowError,
    Secret,
    TemporaryError,
)
from nabij.connectors.registry import UnknownConnector, get_connector
from nabij.models import Channel, ChannelSecret, InboundPayload, Message, Reply

logger = logging.getLogger(__name__)

SLUG = re.compile(r"^[a-z0-9][a-z0-9-]{0,59}$")
MAX_PAYLOAD_ATTEMPTS = 5
MAX_SKIPPED_KEPT = 5
# Kinds that Django itself feeds (web form, REST API): no connector, nothing to configure.
BUILTIN_KINDS = ("webform", "api")


def access_channel(user: Any, channel_id: int) -> Channel:
    """The channel, if the user may manage channels."""
    if not has_capability(user, "manage_channels"):
        raise PermissionDenied(_("je mag geen kanalen beheren"))
    channel = Channel.objects.filter(pk=channel_id).first()
    if channel is None:
        raise ActionError(_("kanaal niet gevonden"))
    return channel


def connector_for(channel: Channel) -> Connector | None:
    """The channel's connector, or None for a kind without one (web form, API)."""
    try:
        return get_connector(channel.kind)
    except UnknownConnector:
        return None


def channel_secrets(channel: Channel) -> dict[str, Secret]:
    """The channel's credentials, wrapped so that they never reach a log."""
    rows = ChannelSecret.objects.filter(channel=channel).values_list("name", "value")
    return {name: Secret(value) for name, value in rows}


def configuration_problems(
    connector: Connector, config: Mapping[str, Any], secrets: Mapping[str, Secret]
) -> list[str]:
    """What is missing or wrong in a stored configuration (e.g. a channel made by an import)."""
    stored = dict(config) if isinstance(config, Mapping) else {}
    return connector.validate_config({**stored, **secrets})


def cursor_position(channel: Channel) -> str | None:
    """The persisted reading position (what the connector returned last time)."""
    cursor = channel.cursor if isinstance(channel.cursor, dict) else {}
    value = cursor.get("position")
    return value if isinstance(value, str) else None


def poll_not_before(channel: Channel) -> dt.datetime | None:
    """Until when the platform asked us to wait (Retry-After), if it did."""
    cursor = channel.cursor if isinstance(channel.cursor, dict) else {}
    try:
        return dt.datetime.fromisoformat(str(cursor["not_before"]))
    except (KeyError, ValueError):
        return None


def _coerce(f: ConfigField, value: Any) -> Any:
    """Form values arrive as text; turn them into the kind the schema declares."""
    if not isinstance(value, str):
        return value
    text = value.strip()
    if f.kind == "int":
        return int(text) if re.fullmatch(r"-?\d{1,12}", text) else text
    if f.kind == "bool":
        return text.lower() in ("1", "true", "on", "yes", "ja")
    if f.kind in ("list", "object"):
        try:
            return json.loads(text) if text else None
        except ValueError:
            return text  # validate_config names the field that is not a list/object
    return text


def check_channel_config(
    connector: Connector,
    config: Mapping[str, Any],
    secrets: Mapping[str, str],
    kept_secrets: Iterable[str] = (),
) -> tuple[dict[str, Any], dict[str, str]]:
    """Coerce and validate a submitted configuration; raise ActionError listing problems.

    `kept_secrets` are stored secrets that the form left empty: they stay as they are.
    """
    plain: dict[str, Any] = {}
    new_secrets: dict[str, str] = {}
    kept = set(kept_secrets)
    for f in connector.config_schema:
        if f.secret:
            value = str(secrets.get(f.name) or "").strip()
            if value:
                new_secrets[f.name] = value
            continue
        value = _coerce(f, config.get(f.name))
        if value is None or value == "":
            if f.default is not None:
                plain[f.name] = f.default
            continue
        plain[f.name] = value
    # Validate with the secrets present (kept ones as placeholders) but never echo them.
    probe: dict[str, Any] = dict(plain)
    probe.update({name: Secret(value) for name, value in new_secrets.items()})
    probe.update({name: Secret("kept") for name in kept if name not in new_secrets})
    problems = connector.validate_config(probe)
    if problems:
        raise ActionError("; ".join(problems))
    return plain, new_secrets


def do_configure_channel(
    actor: Any,
    *,
    kind: str,
    slug: str,
    name: str,
    config: Mapping[str, Any],
    secrets: Mapping[str, str],
    enabled: bool = True,
    channel: Channel | None = None,
) -> Channel:
    """Create or update a channel; secrets go to ChannelSecret and never into the audit log."""
    try:
        connector = get_connector(kind)
    except UnknownConnector:
        raise ActionError(
            _("onbekend soort kanaal: %(kind)s") % {"kind": repr(str(kind)[:60])}
        ) from None
    slug = (slug or "").strip().lower()
    name = (name or "").strip()
    if not SLUG.match(slug):
        raise ActionError(_("de code moet 1 tot 60 kleine letters, cijfers of streepjes zijn"))
    if not name or len(name) > 120:
        raise ActionError(_("de naam moet 1 tot 120 tekens lang zijn"))
    others = Channel.objects.filter(slug=slug)
    if channel is not None:
        others = others.exclude(pk=channel.pk)
    if others.exists():
        raise ActionError(_("er is al een kanaal met code %(code)s") % {"code": repr(slug)})
    kept = set(channel.secrets.values_list("name", flat=True)) if channel else set()
    plain, new_secrets = check_channel_config(connector, config, secrets, kept)
    with transaction.atomic():
        created = channel is None
        if channel is None:
            channel = Channel(kind=kind)
        channel.slug, channel.name, channel.enabled, channel.config = slug, name, enabled, plain
        channel.save()
        for secret_name, value in new_secrets.items():
            ChannelSecret.objects.update_or_create(
                channel=channel, name=secret_name, defaults={"value": value}
            )
        do_record_audit_event(
            actor,
            "channel.created" if created else "channel.configured",
            channel,
            {
                "kind": kind,
                "slug": slug,
                "enabled": enabled,
                "config": plain,
                "secrets_changed": sorted(new_secrets),
            },
        )
    return channel


def do_record_channel_error(channel_id: int, error: str, retry_after: float | None = None) -> None:
    """Show an error on the channel (and when to try again); never raises for a lost row."""
    now = timezone.now()
    with transaction.atomic():
        channel = Channel.objects.select_for_update().filter(pk=channel_id).first()
        if channel is None:
            return
        cursor = dict(channel.cursor) if isinstance(channel.cursor, dict) else {}
        if retry_after is not None:
            cursor["not_before"] = (now + dt.timedelta(seconds=retry_after)).isoformat()
        channel.cursor = cursor
        channel.last_error = error[:2000]
        channel.last_error_at = now
        channel.save(update_fields=["cursor", "last_error", "last_error_at"])


# --- from connector messages to ingestion ------------------------------------------------


def _clean(value: Any) -> Any:
    """Remove NUL characters (PostgreSQL refuses them in text and JSON) from nested data."""
    if isinstance(value, str):
        return value.replace("\x00", "")
    if isinstance(value, dict):
        return {str(k).replace("\x00", ""): _clean(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_clean(v) for v in value]
    if value is None or isinstance(value, bool | int | float):
        return value
    return str(value).replace("\x00", "")


def ingest_item_from(message: InboundMessage) -> IngestItem:
    """Turn a connector's normalised message into an ingestion item (reply target kept)."""
    raw = dict(message.raw)
    raw["reply_target"] = dict(message.reply_target)
    if message.attachments:
        raw["attachments"] = [a.to_dict() for a in message.attachments]
    subject = message.reply_target.get("subject")
    return IngestItem(
        external_id=_clean(message.external_id)[:300],
        author_handle=_clean(message.author_handle)[:300],
        author_name=_clean(message.author_name)[:200],
        text=_clean(message.text),
        sent_at=message.sent_at,
        in_reply_to=_clean(message.in_reply_to) if message.in_reply_to else None,
        thread_key=_clean(message.thread_key)[:300],
        public=message.public,
        url=_clean(message.url) if message.url.startswith(("https://", "http://")) else "",
        content_warning=_clean(message.content_warning),
        subject=_clean(subject) if isinstance(subject, str) else "",
        raw=_clean(raw),
    )


def _skipped(errors: Sequence[RowError]) -> list[dict[str, str]]:
    return [{"item": str(e.position), "error": e.error[:300]} for e in errors[:MAX_SKIPPED_KEPT]]


def after_ingest(channel: Channel, results: Sequence[IngestResult]) -> None:
    """Queue the `message.received` webhooks of new messages (sent after commit)."""
    from nabij.actions.webhooks import notify_webhooks

    for result in results:
        if result.created and result.message.direction == Message.Direction.INBOUND:
            notify_webhooks("message.received", message_event(result.message, channel))


def message_event(message: Message, channel: Channel) -> dict[str, Any]:
    """The public shape of a message in webhooks and the REST API (no raw payload)."""
    return {
        "id": message.pk,
        "channel": channel.slug,
        "external_id": message.external_id,
        "conversation_id": message.conversation_id,
        "direction": message.direction,
        "sent_at": message.sent_at.isoformat(),
        "public": message.public,
        "text": message.text,
    }


# --- polling -------------------------------------------------------------------------


@dataclass(frozen=True)
class PollOutcome:
    """What one poll did; `more` means the connector probably has another batch ready."""

    created: int = 0
    existing: int = 0
    skipped: int = 0
    notices: int = 0
    error: str = ""
    retry_after: float | None = None
    more: bool = False


def do_poll_channel(
    channel_id: int, *, http: Any = None, connector: Connector | None = None
) -> PollOutcome:
    """Poll one pull channel from its persisted cursor; store messages and cursor together."""
    channel = Channel.objects.filter(pk=channel_id).first()
    if channel is None or not channel.enabled:
        return PollOutcome(error="channel not found or disabled")
    connector = connector or connector_for(channel)
    if connector is None or connector.inbound != "pull":
        return PollOutcome(error=f"channel {channel.slug} is not polled")
    position = cursor_position(channel)
    secrets = channel_secrets(channel)
    problems = configuration_problems(connector, channel.config, secrets)
    if problems:
        reason = "the channel is not configured: " + "; ".join(problems)
        do_record_channel_error(channel.pk, reason)
        return PollOutcome(error=reason)
    own_http = http is None
    if own_http:
        from nabij.connectors.http import HttpxClient

        http = HttpxClient()
    try:
        result = connector.poll(channel.config, secrets, position, http)
    except TemporaryError as exc:
        do_record_channel_error(channel.pk, f"temporary: {exc}", exc.retry_after)
        return PollOutcome(error=str(exc), retry_after=exc.retry_after)
    except ConnectorError as exc:
        reason = exc.reason if isinstance(exc, PermanentError) else str(exc)
        do_record_channel_error(channel.pk, reason)
        return PollOutcome(error=reason)
    except Exception as exc:  # a connector bug on junk input must not stop the scheduler
        logger.exception("poll of channel %s failed unexpectedly", channel.slug)
        do_record_channel_error(channel.pk, f"unexpected error ({exc.__class__.__name__})")
        return PollOutcome(error=f"unexpected error ({exc.__class__.__name__})")
    finally:
        if own_http:
            http.close()
    return _store_poll(channel.pk, position, result)


def _store_poll(channel_id: int, position: str | None, result: PollResult) -> PollOutcome:
    """Messages, notices, cursor and health in one transaction."""
    now = timezone.now()
    with transaction.atomic():
        channel = Channel.objects.select_for_update().get(pk=channel_id)
        items = [ingest_item_from(m) for m in result.messages]
        results = do_ingest_messages(channel, items, source="poll") if items else []
        notices = apply_notices(channel, result.notices)
        cursor = dict(channel.cursor) if isinstance(channel.cursor, dict) else {}
        # A concurrent poll that committed first moved the cursor: keep its position
        # (our messages are stored anyway; ingestion de-duplicated them).
        moved = cursor_position(channel) != position
        if not moved:
            cursor["position"] = result.next_cursor
        cursor.pop("not_before", None)
        if result.retry_after is not None:
            cursor["not_before"] = (now + dt.timedelta(seconds=result.retry_after)).isoformat()
        if result.errors:
            cursor["skipped"] = _skipped(result.errors)
        channel.cursor = cursor
        channel.last_success_at = now
        channel.last_error = ""
        channel.save(update_fields=["cursor", "last_success_at", "last_error"])
        after_ingest(channel, results)
    created = sum(1 for r in results if r.created)
    return PollOutcome(
        created=created,
        existing=len(results) - created,
        skipped=len(result.errors),
        notices=notices,
        retry_after=result.retry_after,
        more=bool(result.messages) and not moved and result.next_cursor != position,
    )


def apply_notices(channel: Channel, notices: Iterable[Mapping[str, Any]]) -> int:
    """Mark replies failed that the platform reported as bounced; returns how many."""
    count = 0
    for notice in notices:
        if notice.get("kind") != "bounce":
            continue
        original = str(notice.get("original_message_id") or "")
        if not original:
            continue
        reply = (
            Reply.objects.filter(message__channel=channel, message__external_id=original)
            .exclude(state=Reply.State.FAILED)
            .first()
        )
        if reply is None:
            continue
        status = str(notice.get("status") or "")
        recipient = str(notice.get("recipient") or "")
        reply.state = Reply.State.FAILED
        reply.last_error = f"bounced by the recipient's mail server ({status} {recipient})"[:2000]
        reply.next_attempt_at = None
        reply.save(update_fields=["state", "last_error", "next_attempt_at"])
        do_record_audit_event(
            None, "reply.bounced", reply.message, {"reply": reply.pk, "status": status}
        )
        count += 1
    return count


# --- pushed payloads -------------------------------------------------------------------

KEPT_HEADERS = ("content-type", "user-agent", "x-hub-signature-256")


def do_store_payload(channel: Channel, body: bytes, headers: Mapping[str, str]) -> InboundPayload:
    """Keep a verified pushed payload as it came; a task parses it after the commit."""
    lowered = {k.lower(): str(v)[:500] for k, v in headers.items()}
    payload = InboundPayload.objects.create(
        channel=channel, body=body, headers={k: lowered[k] for k in KEPT_HEADERS if k in lowered}
    )
    payload_id = payload.pk
    transaction.on_commit(lambda: _enqueue_payload(payload_id))
    return payload


def _enqueue_payload(payload_id: int) -> None:
    from nabij.tasks.channels import process_payload

    try:
        process_payload.enqueue(payload_id)
    except Exception:  # stored and pending: `nabij channels run` picks it up
        logger.exception("could not queue payload %s", payload_id)


def decode_payload(body: bytes) -> Any:
    """A pushed body as JSON; raises ValueError for anything else."""
    return json.loads(body.decode("utf-8"))


def do_process_payload(payload_id: int, *, connector: Connector | None = None) -> str:
    """Parse one stored payload and ingest its messages; returns the payload's new state."""
    with transaction.atomic():
        # Count the attempt in its own commit: a payload that crashes the worker every
        # time is given up after MAX_PAYLOAD_ATTEMPTS instead of looping forever.
        payload = InboundPayload.objects.select_for_update().filter(pk=payload_id).first()
        if payload is None or payload.state != InboundPayload.State.PENDING:
            return "skipped"
        payload.attempts += 1
        if payload.attempts > MAX_PAYLOAD_ATTEMPTS:
            payload.state = InboundPayload.State.FAILED
            payload.error = f"gave up after {MAX_PAYLOAD_ATTEMPTS} attempts"
        payload.save(update_fields=["attempts", "state", "error"])
        if payload.state != InboundPayload.State.PENDING:
            return str(payload.state)
    with transaction.atomic():
        payload = InboundPayload.objects.select_for_update().get(pk=payload_id)
        if payload.state != InboundPayload.State.PENDING:
            return "skipped"
        channel = Channel.objects.get(pk=payload.channel_id)
        parsed, problem = _parse_payload(channel, bytes(payload.body), connector)
        if problem:
            payload.state, payload.error = InboundPayload.State.FAILED, problem
            payload.save(update_fields=["state", "error"])
            return str(payload.state)
        items = [ingest_item_from(m) for m in parsed.messages]
        results = do_ingest_messages(channel, items, source="webhook") if items else []
        payload.state = InboundPayload.State.DONE
        payload.error = "; ".join(f"{e.position}: {e.error}" for e in parsed.errors)[:2000]
        payload.save(update_fields=["state", "error"])
        Channel.objects.filter(pk=channel.pk).update(last_success_at=timezone.now())
        after_ingest(channel, results)
    return str(payload.state)


def _parse_payload(
    channel: Channel, body: bytes, connector: Connector | None
) -> tuple[ParseResult, str]:
    connector = connector or connector_for(channel)
    if connector is None:
        return ParseResult(), f"no connector for channel kind {channel.kind!r}"
    try:
        data = decode_payload(body)
    except (UnicodeDecodeError, ValueError):
        return ParseResult(), "the payload is not valid JSON"
    try:
        return connector.parse(data), ""
    except Exception as exc:  # parsers must not raise on junk; if one does, keep the payload
        logger.exception("parser of %s raised", channel.kind)
        return ParseResult(), f"the parser failed ({exc.__class__.__name__})"
