"""Bluesky connector: mentions, replies and quotes in; threaded replies out.

Plain XRPC over the injected HTTP client rather than the `atproto` SDK: the calls are
three documented endpoints, and the shared client gives one error mapping and lets
tests use a local server. `listNotifications` pages from newest to oldest, so the
cursor remembers the newest `indexedAt` persisted and, while catching up on a burst
larger than one page, where to continue paging back (see `BlueskyCursor`).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import threading
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from nabij.connectors.base import (
    JSON,
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
    obj_at,
    require_secret,
    str_or,
)

MESSAGE_REASONS = {"mention", "reply", "quote"}
PAGE_SIZE = 50
MAX_POST_CHARS = 300
_TID_ALPHABET = "234567abcdefghijklmnopqrstuvwxyz"


def _parse_time(value: Any) -> dt.datetime:
    if not isinstance(value, str):
        raise ValueError("missing timestamp")
    parsed = dt.datetime.fromisoformat(value.replace("Z", "+00:00"))
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=dt.UTC)


def _time_or_none(value: Any) -> dt.datetime | None:
    try:
        return _parse_time(value)
    except ValueError:
        return None


def post_url(uri: str, handle: str) -> str:
    """Web address of a post given its at:// URI."""
    rkey = uri.rsplit("/", 1)[-1]
    return f"https://bsky.app/profile/{handle}/post/{rkey}" if rkey and handle else ""


def notification_to_message(item: Mapping[str, Any]) -> InboundMessage:
    """Normalise one notification whose record is a post; raises on junk."""
    record = item.get("record")
    author = item.get("author")
    if not isinstance(record, dict) or not isinstance(author, dict):
        raise ValueError("notification without record or author")
    uri, cid = str_or(item.get("uri")), str_or(item.get("cid"))
    handle = str_or(author.get("handle"))
    if not uri.startswith("at://") or not cid or not handle:
        raise ValueError("notification without uri, cid or author handle")
    reply = obj_at(record, "reply")
    parent = obj_at(reply, "parent")
    root = obj_at(reply, "root")
    root_uri, root_cid = str_or(root.get("uri")) or uri, str_or(root.get("cid")) or cid
    labels = obj_at(record, "labels")
    values = labels.get("values")
    values = values if isinstance(values, list) else []
    warning = ", ".join(str_or(v.get("val")) for v in values if isinstance(v, dict))
    sent_at = _parse_time(record.get("createdAt") or item.get("indexedAt"))
    return InboundMessage(
        channel="bluesky",
        external_id=uri,
        author_handle=f"@{handle}",
        author_name=str_or(author.get("displayName")) or handle,
        text=str_or(record.get("text")),
        sent_at=sent_at,
        in_reply_to=str_or(parent.get("uri")) or None,
        thread_key=root_uri,
        public=True,
        url=post_url(uri, handle),
        content_warning=warning,
        raw=dict(item),
        reply_target={
            "uri": uri,
            "cid": cid,
            "root_uri": root_uri,
            "root_cid": root_cid,
            "sent_at": sent_at.isoformat(),
        },
    )


@dataclass(frozen=True)
class BlueskyCursor:
    """Newest indexedAt persisted; while catching up, where paging back continues."""

    since: str = ""
    back: str = ""  # the API's own cursor into older pages, empty when caught up
    high: str = ""  # the newest indexedAt of the catch-up run

    @classmethod
    def load(cls, text: str | None) -> BlueskyCursor:
        """Read a stored cursor; junk means 'start fresh'."""
        try:
            data = json.loads(text or "{}")
            return cls(
                str(data.get("since", "")), str(data.get("back", "")), str(data.get("high", ""))
            )
        except (ValueError, AttributeError):
            return cls()

    def dump(self) -> str:
        """Serialise for persisting."""
        return json.dumps({"since": self.since, "back": self.back, "high": self.high})


def _newer_or_equal(item: Mapping[str, Any], since: str) -> bool:
    if not since:
        return True
    try:
        return _parse_time(item.get("indexedAt")) >= _parse_time(since)
    except ValueError:
        return True  # an unreadable timestamp: keep the item, ingestion is idempotent


def tid_from_key(key: str, after: dt.datetime) -> str:
    """A record key in TID form that is the same for every retry of one reply.

    A TID is 53 bits of microseconds since 1970 and 10 bits of clock id. The time is
    placed just after `after` (the post being answered), so it is realistic and stable;
    the offset and the clock id come from a hash of the idempotency key.
    """
    digest = int.from_bytes(hashlib.sha256(key.encode()).digest()[:8], "big")
    micros = int(after.timestamp() * 1_000_000) + digest % 1_000_000
    number = ((micros & (2**53 - 1)) << 10) | ((digest >> 20) & 1023)
    chars = []
    for _ in range(13):
        chars.append(_TID_ALPHABET[number & 31])
        number >>= 5
    return "".join(reversed(chars))


class BlueskyConnector(ConnectorBase):
    """Bluesky (AT Protocol) with an app password."""

    kind = "bluesky"
    label = "Bluesky"
    can_reply_public = True
    has_threads = True
    inbound = "pull"
    config_schema = (
        ConfigField("service_url", "PDS URL", kind="url", default="https://bsky.social"),
        ConfigField("identifier", "Handle or DID", help="e.g. gemeente.bsky.social"),
        ConfigField("app_password", "App password", secret=True),
    )

    def __init__(self) -> None:
        # Sessions are reused: createSession is rate-limited far below a poll per minute.
        self._sessions: dict[tuple[str, str], tuple[str, Secret]] = {}
        self._lock = threading.Lock()

    def parse(self, payload: JSON) -> ParseResult:
        """Parse a listNotifications response (or its `notifications` list)."""
        items = payload.get("notifications") if isinstance(payload, dict) else payload
        if not isinstance(items, list):
            return ParseResult(errors=(RowError(0, "no notifications list"),))
        messages, errors = [], []
        for index, item in enumerate(items):
            if not isinstance(item, dict):
                errors.append(RowError(index, "notification is not an object"))
                continue
            if str_or(item.get("reason")) not in MESSAGE_REASONS:
                continue
            try:
                messages.append(notification_to_message(item))
            except (ValueError, TypeError) as exc:
                errors.append(RowError(index, f"unusable notification: {exc}"))
        return ParseResult(tuple(messages), tuple(errors))

    def poll(
        self,
        config: Mapping[str, JSON],
        secrets: Mapping[str, Secret],
        cursor: str | None,
        http: Any,
    ) -> PollResult:
        """Fetch one page of notifications and work out the next cursor."""
        state = BlueskyCursor.load(cursor)
        params: dict[str, Any] = {"limit": PAGE_SIZE}
        if state.back:
            params["cursor"] = state.back
        data = self._xrpc(
            config, secrets, http, "GET", "app.bsky.notification.listNotifications", params=params
        )
        items = data.get("notifications")
        items = [i for i in items if isinstance(i, dict)] if isinstance(items, list) else []
        fresh = [i for i in items if _newer_or_equal(i, state.since)]
        result = self.parse(fresh)
        stamps = [
            (t, str(i["indexedAt"])) for i in items if (t := _time_or_none(i.get("indexedAt")))
        ]
        newest = max(stamps)[1] if stamps else state.since
        high = state.high or newest
        page_cursor = str_or(data.get("cursor"))
        reached_old = len(fresh) < len(items) or not page_cursor or not items
        if reached_old or not state.since:
            # Caught up (or first run: start from now, not from the account's history).
            next_state = BlueskyCursor(since=high or state.since)
        else:
            next_state = BlueskyCursor(since=state.since, back=page_cursor, high=high)
        return PollResult(result.messages, next_state.dump(), errors=result.errors)

    def send(
        self,
        config: Mapping[str, JSON],
        secrets: Mapping[str, Secret],
        reply: OutboundReply,
        http: Any,
    ) -> SendResult:
        """Post a reply with root/parent references under the account's repo."""
        if reply.private:
            raise PermanentError("Bluesky has no private reply here; move to another channel")
        if len(reply.text) > MAX_POST_CHARS:
            raise PermanentError(f"Bluesky posts are at most {MAX_POST_CHARS} characters")
        t = reply.reply_target
        if not all(
            isinstance(t.get(k), str) and t.get(k) for k in ("uri", "cid", "root_uri", "root_cid")
        ):
            raise PermanentError("reply target lacks uri/cid of parent and root")
        did = self._session(config, secrets, http)[0]
        record = {
            "$type": "app.bsky.feed.post",
            "text": reply.text,
            "createdAt": dt.datetime.now(dt.UTC).isoformat().replace("+00:00", "Z"),
            "reply": {
                "root": {"uri": t["root_uri"], "cid": t["root_cid"]},
                "parent": {"uri": t["uri"], "cid": t["cid"]},
            },
        }
        body: dict[str, Any] = {"repo": did, "collection": "app.bsky.feed.post", "record": record}
        parent_time = _time_or_none(t.get("sent_at"))
        if reply.idempotency_key and parent_time:
            # A fixed record key makes a repeated send fail instead of posting twice.
            body["rkey"] = tid_from_key(reply.idempotency_key, parent_time)
        data = self._xrpc(
            config, secrets, http, "POST", "com.atproto.repo.createRecord", json_body=body
        )
        uri = str_or(data.get("uri"))
        if not uri:
            raise PermanentError("server did not return the new post uri")
        handle = str(config.get("identifier", ""))
        return SendResult(uri, post_url(uri, handle) if not handle.startswith("did:") else "")

    def _base(self, config: Mapping[str, JSON]) -> str:
        return str(config.get("service_url") or "https://bsky.social").rstrip("/")

    def _session(
        self, config: Mapping[str, JSON], secrets: Mapping[str, Secret], http: Any
    ) -> tuple[str, Secret]:
        key = (self._base(config), str(config.get("identifier", "")))
        with self._lock:
            if key in self._sessions:
                return self._sessions[key]
        data = http.request(
            "POST",
            f"{key[0]}/xrpc/com.atproto.server.createSession",
            json_body={"identifier": key[1], "password": require_secret(secrets, "app_password")},
        ).json_object()
        did, token = str_or(data.get("did")), str_or(data.get("accessJwt"))
        if not did or not token:
            raise PermanentError("createSession returned no did/accessJwt")
        with self._lock:
            self._sessions[key] = (did, Secret(token))
        return did, Secret(token)

    def _xrpc(
        self,
        config: Mapping[str, JSON],
        secrets: Mapping[str, Secret],
        http: Any,
        method: str,
        nsid: str,
        **kwargs: Any,
    ) -> dict[str, Any]:
        """Call an XRPC method with the session token, renewing it once when expired."""
        for attempt in (0, 1):
            token = self._session(config, secrets, http)[1]
            headers = {"Authorization": f"Bearer {token.reveal()}"}
            try:
                return http.request(
                    method, f"{self._base(config)}/xrpc/{nsid}", headers=headers, **kwargs
                ).json_object()
            except PermanentError as exc:
                expired = "401" in exc.reason or "xpired" in exc.reason
                if attempt or not expired:
                    raise
                with self._lock:
                    self._sessions.pop(
                        (self._base(config), str(config.get("identifier", ""))), None
                    )
        raise AssertionError("unreachable")
