"""Mastodon connector: mentions, replies and private mentions in; replies out.

Uses the documented REST API directly over the injected HTTP client instead of
Mastodon.py, so every request goes through one error mapping and tests can point it
at a local server. Inbound is polled from `/api/v1/notifications` with `min_id`
(oldest-first paging, so a burst larger than one page is never skipped); the cursor is
the highest notification id persisted.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable, Iterator, Mapping
from typing import Any
from urllib.parse import urlparse

from nabij.connectors.base import (
    JSON,
    Attachment,
    ConfigField,
    ConnectorBase,
    InboundMessage,
    OutboundReply,
    ParseResult,
    PermanentError,
    PollResult,
    RowError,
    Secret,
    SendResult,
    TemporaryError,
    obj_at,
    require_secret,
    str_or,
)
from nabij.connectors.http import LineStreamer
from nabij.connectors.text import html_to_text

PAGE_SIZE = 40  # Mastodon's maximum for notifications
PUBLIC_VISIBILITIES = {"public", "unlisted"}


def _parse_time(value: Any) -> dt.datetime:
    if not isinstance(value, str):
        raise ValueError("missing created_at")
    parsed = dt.datetime.fromisoformat(value.replace("Z", "+00:00"))
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=dt.UTC)
    return parsed


def full_handle(acct: str, instance_host: str) -> str:
    """Return `@user@host`; local accounts come without a host in `acct`."""
    acct = acct.lstrip("@")
    if "@" not in acct and instance_host:
        acct = f"{acct}@{instance_host}"
    return f"@{acct}"


def _attachments(status: Mapping[str, Any]) -> tuple[Attachment, ...]:
    items = status.get("media_attachments")
    if not isinstance(items, list):
        return ()
    out = []
    for item in items:
        if not isinstance(item, dict):
            continue
        url = str_or(item.get("url")) or str_or(item.get("remote_url"))
        out.append(
            Attachment(
                filename=url.rsplit("/", 1)[-1] if url else str_or(item.get("id")),
                content_type=str_or(item.get("type"), "unknown"),
                size=0,
                url=url,
                stored=False,
                reason=str_or(item.get("description")),
            )
        )
    return tuple(out)


def _thread_key(status: Mapping[str, Any]) -> str:
    # Mastodon exposes no conversation id on statuses; Pleroma/Akkoma do. Otherwise the
    # parent is the best key available here (the lead threads on in_reply_to as well).
    pleroma = status.get("pleroma")
    if isinstance(pleroma, dict) and pleroma.get("conversation_id") is not None:
        return f"conversation:{pleroma['conversation_id']}"
    parent = status.get("in_reply_to_id")
    return f"status:{parent}" if parent else f"status:{status.get('id')}"


def status_to_message(status: Mapping[str, Any], instance_host: str) -> InboundMessage:
    """Normalise one Mastodon Status entity; raises ValueError/KeyError on junk."""
    account = status.get("account")
    if not isinstance(account, dict):
        raise ValueError("status without account")
    status_id = str(status["id"])
    acct = str_or(account.get("acct"))
    if not acct:
        raise ValueError("account without acct")
    visibility = str_or(status.get("visibility"), "public")
    text = html_to_text(str_or(status.get("content")))
    parent = status.get("in_reply_to_id")
    return InboundMessage(
        channel="mastodon",
        external_id=status_id,
        author_handle=full_handle(acct, instance_host),
        author_name=str_or(account.get("display_name")) or acct,
        text=text,
        sent_at=_parse_time(status.get("created_at")),
        in_reply_to=str(parent) if parent else None,
        thread_key=_thread_key(status),
        public=visibility in PUBLIC_VISIBILITIES,
        url=str_or(status.get("url")) or str_or(status.get("uri")),
        content_warning=str_or(status.get("spoiler_text")),
        attachments=_attachments(status),
        raw=dict(status),
        reply_target={
            "status_id": status_id,
            "acct": acct,
            "visibility": visibility,
            "spoiler_text": str_or(status.get("spoiler_text")),
        },
    )


def _id_key(value: str) -> tuple[int, int | str]:
    """Sort key for ids: numeric ids (Mastodon snowflakes) numerically, others as text."""
    return (0, int(value)) if value.isdigit() else (1, value)


class MastodonConnector(ConnectorBase):
    """Mastodon and compatible servers (Mastodon >= 4, GoToSocial, Akkoma...)."""

    kind = "mastodon"
    label = "Mastodon"
    can_reply_public = True
    can_reply_private = True
    can_hide = False  # a server only lets moderators hide others' posts
    has_threads = True
    inbound = "pull"
    config_schema = (
        ConfigField("base_url", "Server URL", kind="url", help="e.g. https://social.example.nl"),
        ConfigField("access_token", "Access token", secret=True, help="scopes: read write"),
        ConfigField(
            "streaming_url",
            "Streaming URL",
            kind="url",
            required=False,
            default="",
            help="only when the server streams from another host",
        ),
        ConfigField(
            "own_posts",
            "Import own posts daily",
            kind="bool",
            required=False,
            default=False,
            help="the account's own posts and their reactions, for channel effectiveness",
        ),
    )

    def extra_config_errors(self, config: Mapping[str, JSON]) -> list[str]:
        """The server URL must be https unless it is a local test server."""
        errors: list[str] = []
        url = config.get("base_url")
        if isinstance(url, str) and url.startswith("http://"):
            host = urlparse(url).hostname or ""
            if host not in ("127.0.0.1", "localhost"):
                errors.append("Server URL (base_url) must use https")
        return errors

    def parse(self, payload: JSON, instance_host: str = "") -> ParseResult:
        """Parse a list of notifications (or one); only mentions become messages."""
        items = payload if isinstance(payload, list) else [payload]
        messages: list[InboundMessage] = []
        errors: list[RowError] = []
        for index, item in enumerate(items):
            if not isinstance(item, dict):
                errors.append(RowError(index, "notification is not an object"))
                continue
            if item.get("type") != "mention":
                continue  # favourites, boosts and follows are not messages
            status = item.get("status")
            if not isinstance(status, dict):
                errors.append(RowError(index, "mention without status"))
                continue
            try:
                messages.append(status_to_message(status, instance_host))
            except (KeyError, ValueError, TypeError) as exc:
                errors.append(RowError(index, f"unusable status: {exc}"))
        return ParseResult(tuple(messages), tuple(errors))

    def poll(
        self,
        config: Mapping[str, JSON],
        secrets: Mapping[str, Secret],
        cursor: str | None,
        http: Any,
    ) -> PollResult:
        """Fetch the page of mention notifications right after `cursor`."""
        base = str(config["base_url"]).rstrip("/")
        params: dict[str, Any] = {"types[]": "mention", "limit": PAGE_SIZE}
        if cursor:
            params["min_id"] = cursor
        response = http.request(
            "GET",
            f"{base}/api/v1/notifications",
            params=params,
            headers=_auth(secrets),
        )
        items = response.json_list()
        result = self.parse(items, urlparse(base).hostname or "")
        ids = [str(i["id"]) for i in items if isinstance(i, dict) and i.get("id") is not None]
        next_cursor = max(ids, key=_id_key) if ids else cursor
        return PollResult(result.messages, next_cursor, errors=result.errors)

    def poll_own_threads(
        self,
        config: Mapping[str, JSON],
        secrets: Mapping[str, Secret],
        http: Any,
        posts: int = 10,
    ) -> PollResult:
        """Replies in the threads of the organisation's recent posts, mentioned or not.

        Run it less often than `poll` (each call costs `posts` + 2 requests). Replies that
        also arrived as mentions have the same status id, so ingestion de-duplicates.
        A server without the context endpoint (404) is skipped for that post.
        """
        base = str(config["base_url"]).rstrip("/")
        host, headers = urlparse(base).hostname or "", _auth(secrets)
        me = http.request("GET", f"{base}/api/v1/accounts/verify_credentials", headers=headers)
        own_id = str(me.json_object().get("id") or "")
        if not own_id:
            raise PermanentError("verify_credentials returned no account id")
        own = http.request(
            "GET",
            f"{base}/api/v1/accounts/{own_id}/statuses",
            params={"limit": min(posts, 40), "exclude_reblogs": "true"},
            headers=headers,
        ).json_list()
        messages: list[InboundMessage] = []
        errors: list[RowError] = []
        for post in own:
            if not isinstance(post, dict) or post.get("id") is None:
                continue
            try:
                context = http.request(
                    "GET", f"{base}/api/v1/statuses/{post['id']}/context", headers=headers
                ).json_object()
            except PermanentError:
                continue  # an optional endpoint a compatible server may lack
            for index, status in enumerate(_dicts(context.get("descendants"))):
                account = obj_at(status, "account")
                if str(account.get("id")) == own_id:
                    continue  # the organisation's own replies are not inbound
                try:
                    messages.append(status_to_message(status, host))
                except (KeyError, ValueError, TypeError) as exc:
                    errors.append(RowError(f"{post['id']}/{index}", f"unusable status: {exc}"))
        return PollResult(tuple(messages), None, errors=tuple(errors))

    def wait_for_activity(
        self,
        config: Mapping[str, JSON],
        secrets: Mapping[str, Secret],
        streamer: LineStreamer,
        seconds: float = 60.0,
    ) -> bool:
        """Follow the notification stream until a mention arrives (True) or time runs out.

        The stream only wakes the worker, which then calls `poll`: messages still come
        from the cursor, so a broken stream can never lose or double one. Servers without
        streaming (or a proxy that blocks it) give False at once; the worker polls on a
        timer instead.
        """
        base = str(config.get("streaming_url") or config["base_url"]).rstrip("/")
        url = f"{base}/api/v1/streaming/user/notification"
        try:
            lines = streamer.stream_lines(url, headers=_auth(secrets), seconds=seconds)
            for event, data in sse_events(lines):
                if event == "notification" and _notification_type(data) == "mention":
                    return True
        except (TemporaryError, PermanentError):
            return False
        return False

    def send(
        self,
        config: Mapping[str, JSON],
        secrets: Mapping[str, Secret],
        reply: OutboundReply,
        http: Any,
    ) -> SendResult:
        """Reply in the thread: publicly with the original's visibility, or as direct."""
        target = reply.reply_target
        status_id = target.get("status_id")
        acct = str_or(target.get("acct"))
        if not status_id or not acct:
            raise PermanentError("reply target lacks status_id or acct")
        base = str(config["base_url"]).rstrip("/")
        body = {
            "status": _with_mention(reply.text, acct),
            "in_reply_to_id": str(status_id),
            "visibility": reply_visibility(str_or(target.get("visibility")), reply.private),
        }
        warning = reply.content_warning or str_or(target.get("spoiler_text"))
        if warning:
            body["spoiler_text"] = warning
        headers = dict(_auth(secrets))
        if reply.idempotency_key:
            # Mastodon drops a repeated post with the same key for an hour.
            headers["Idempotency-Key"] = reply.idempotency_key
        data = http.request(
            "POST", f"{base}/api/v1/statuses", json_body=body, headers=headers
        ).json_object()
        if data.get("id") is None:
            raise PermanentError("server did not return the new status id")
        return SendResult(str(data["id"]), str_or(data.get("url")))


def reply_visibility(original: str, private: bool) -> str:
    """A private reply is `direct`; a public one never widens the original's audience."""
    if private or original == "direct":
        return "direct"
    if original in ("private", "unlisted"):
        return original
    return "public"


def _with_mention(text: str, acct: str) -> str:
    """Start the reply with the author's mention, or a direct message reaches no one."""
    mention = f"@{acct.lstrip('@')}"
    if mention.lower() in text.lower().split():
        return text
    return f"{mention} {text}"


def sse_events(lines: Iterable[str]) -> Iterator[tuple[str, str]]:
    """Server-sent events from response lines: (event name, data); comments skipped."""
    event, data = "message", list[str]()
    for line in lines:
        if not line:
            if data:
                yield event, "\n".join(data)
            event, data = "message", list[str]()
        elif line.startswith(":"):
            continue  # heartbeat
        else:
            field, _, value = line.partition(":")
            value = value[1:] if value.startswith(" ") else value
            if field == "event":
                event = value
            elif field == "data":
                data.append(value)
    if data:
        yield event, "\n".join(data)


def _notification_type(data: str) -> str:
    try:
        parsed = json.loads(data)
    except ValueError:
        return ""
    return str_or(parsed.get("type")) if isinstance(parsed, dict) else ""


def _dicts(value: Any) -> list[dict[str, Any]]:
    return [v for v in value if isinstance(v, dict)] if isinstance(value, list) else []


def _auth(secrets: Mapping[str, Secret]) -> dict[str, str]:
    return {"Authorization": f"Bearer {require_secret(secrets, 'access_token')}"}
