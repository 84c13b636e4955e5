"""The shared connector contract: normalised events, results, errors and the Protocol.

Every channel package implements `Connector`. Parsers are pure; `poll`, `send` and
`hide` receive the HTTP client as an argument so tests can inject a local one.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal, Protocol, runtime_checkable

JSON = Any  # a JSON-able value (dict, list, str, int, float, bool or None)
InboundMode = Literal["pull", "push", "none"]


class ConnectorError(Exception):
    """Base class of the errors a connector raises."""


class TemporaryError(ConnectorError):
    """The call may succeed later (timeouts, 429, 5xx); retry after `retry_after` seconds."""

    def __init__(self, message: str, retry_after: float | None = None) -> None:
        super().__init__(message)
        self.retry_after = retry_after


class PermanentError(ConnectorError):
    """The call will not succeed by retrying (bad credentials, 4xx, closed reply window)."""

    def __init__(self, reason: str, status: int | None = None, code: str = "") -> None:
        super().__init__(reason)
        self.reason = reason
        self.status = status  # the HTTP status, when the platform answered
        self.code = code  # the platform's own error code, when it gave one


class Secret:
    """A secret value whose repr and str are redacted, so it never reaches a log."""

    __slots__ = ("_value",)

    def __init__(self, value: str) -> None:
        self._value = value

    def reveal(self) -> str:
        """Return the secret itself; call only where it is sent to the platform."""
        return self._value

    def __repr__(self) -> str:
        return "Secret('********')"

    def __str__(self) -> str:
        return "********"

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Secret) and other._value == self._value

    def __hash__(self) -> int:
        return hash(self._value)

    def __bool__(self) -> bool:
        return bool(self._value)


@dataclass(frozen=True)
class ConfigField:
    """One setting of a channel; `secret` ones are stored apart and shown redacted."""

    name: str
    label: str
    kind: Literal["str", "url", "int", "bool", "list", "object"] = "str"
    required: bool = True
    secret: bool = False
    default: JSON = None
    help: str = ""


@dataclass(frozen=True)
class Attachment:
    """Metadata of an attachment; the content itself is stored by the caller."""

    filename: str
    content_type: str
    size: int
    url: str = ""
    stored: bool = True
    reason: str = ""  # why it was not stored (e.g. over the size limit)

    def to_dict(self) -> dict[str, JSON]:
        """Return the JSON-able form."""
        return {
            "filename": self.filename,
            "content_type": self.content_type,
            "size": self.size,
            "url": self.url,
            "stored": self.stored,
            "reason": self.reason,
        }


@dataclass(frozen=True)
class InboundMessage:
    """A normalised inbound event; matches the import line format in docs/interfaces.md."""

    channel: str
    external_id: str
    author_handle: str
    author_name: str
    text: str
    sent_at: dt.datetime
    in_reply_to: str | None = None
    thread_key: str = ""
    public: bool = True
    url: str = ""
    content_warning: str = ""
    attachments: tuple[Attachment, ...] = ()
    raw: Mapping[str, JSON] = field(default_factory=dict)
    reply_target: Mapping[str, JSON] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if self.sent_at.tzinfo is None:
            raise ValueError("sent_at must be timezone-aware")
        if not self.external_id:
            raise ValueError("external_id must not be empty")

    def to_import_line(self) -> dict[str, JSON]:
        """Return the message as one line of the JSONL import format."""
        return {
            "channel": self.channel,
            "external_id": self.external_id,
            "author": {"handle": self.author_handle, "name": self.author_name},
            "text": self.text,
            "sent_at": self.sent_at.isoformat(),
            "in_reply_to": self.in_reply_to,
            "public": self.public,
            "url": self.url,
            "direction": "inbound",
            "thread_key": self.thread_key,
            "content_warning": self.content_warning,
            "attachments": [a.to_dict() for a in self.attachments],
        }


@dataclass(frozen=True)
class RowError:
    """A payload item that could not be parsed; `position` is a row number or item index."""

    position: int | str
    error: str


@dataclass(frozen=True)
class ParseResult:
    """What a pure parser produced: messages and the items it had to skip."""

    messages: tuple[InboundMessage, ...] = ()
    errors: tuple[RowError, ...] = ()


@dataclass(frozen=True)
class PollResult:
    """One poll: new messages and the cursor to persist in the same transaction."""

    messages: tuple[InboundMessage, ...]
    next_cursor: str | None
    retry_after: float | None = None
    errors: tuple[RowError, ...] = ()
    # Platform events that are not messages, e.g. {"kind": "bounce", "original_message_id":
    # ..., "recipient": ..., "status": ...} so the caller can mark an earlier reply failed.
    notices: tuple[Mapping[str, JSON], ...] = ()


@dataclass(frozen=True)
class OutboundReply:
    """A reply to send; `reply_target` comes from the inbound message it answers."""

    text: str
    reply_target: Mapping[str, JSON]
    private: bool = False
    subject: str = ""
    content_warning: str = ""
    idempotency_key: str = ""  # stable per reply, so a retried send is not doubled
    # When the resident last wrote in this conversation: messaging windows (WhatsApp,
    # Messenger, Instagram DMs) count from it. None: the answered message's time is used.
    last_inbound_at: dt.datetime | None = None


@dataclass(frozen=True)
class SendResult:
    """Where the platform put the reply."""

    external_id: str
    url: str = ""


@runtime_checkable
class Connector(Protocol):
    """The one contract every channel implements.

    The descriptive members are read-only properties here so that plain class
    attributes (`kind = "mastodon"`) satisfy them.
    """

    @property
    def kind(self) -> str:
        """Channel name as in docs/interfaces.md (`mastodon`, `email`, ...)."""
        ...

    @property
    def label(self) -> str:
        """Name shown in the UI."""
        ...

    @property
    def can_reply_public(self) -> bool:
        """A public reply in the same place is possible."""
        ...

    @property
    def can_reply_private(self) -> bool:
        """A private reply (DM, mail, private reply to a comment) is possible."""
        ...

    @property
    def can_hide(self) -> bool:
        """The organisation can hide the message on the platform."""
        ...

    @property
    def has_threads(self) -> bool:
        """Messages carry thread information."""
        ...

    @property
    def inbound(self) -> InboundMode:
        """How messages arrive: polled, pushed by webhook, or not at all."""
        ...

    @property
    def config_schema(self) -> Sequence[ConfigField]:
        """The channel's settings; `secret` ones are stored apart and redacted."""
        ...

    def validate_config(self, config: Mapping[str, JSON]) -> list[str]:
        """Return human-readable problems with `config`; empty when it is valid."""
        ...

    def parse(self, payload: JSON) -> ParseResult:
        """Turn a raw payload into normalised messages; pure, never raises on junk."""
        ...

    def poll(
        self,
        config: Mapping[str, JSON],
        secrets: Mapping[str, Secret],
        cursor: str | None,
        http: Any,
    ) -> PollResult:
        """Fetch what is new since `cursor` (pull channels); raises TemporaryError."""
        ...

    def send(
        self,
        config: Mapping[str, JSON],
        secrets: Mapping[str, Secret],
        reply: OutboundReply,
        http: Any,
    ) -> SendResult:
        """Send a reply to the place the message came from."""
        ...

    def hide(
        self,
        config: Mapping[str, JSON],
        secrets: Mapping[str, Secret],
        reply_target: Mapping[str, JSON],
        http: Any,
    ) -> None:
        """Hide the message on the platform where supported (else PermanentError)."""
        ...


class ConnectorBase:
    """Shared defaults: schema validation and 'not supported' answers."""

    kind = ""
    label = ""
    can_reply_public = False
    can_reply_private = False
    can_hide = False
    has_threads = False
    inbound: InboundMode = "none"
    config_schema: Sequence[ConfigField] = ()

    def validate_config(self, config: Mapping[str, JSON]) -> list[str]:
        """Check `config` against `config_schema`, then the channel's own rules."""
        if not isinstance(config, Mapping):
            return ["configuration must be an object"]
        return validate_against_schema(self.config_schema, config) + self.extra_config_errors(
            config
        )

    def extra_config_errors(self, config: Mapping[str, JSON]) -> list[str]:
        """Channel-specific configuration rules beyond the schema (none by default)."""
        return []

    def parse(self, payload: JSON) -> ParseResult:
        """Channels without a payload format parse nothing."""
        return ParseResult()

    def poll(
        self,
        config: Mapping[str, JSON],
        secrets: Mapping[str, Secret],
        cursor: str | None,
        http: Any,
    ) -> PollResult:
        """Push and import channels are not polled."""
        raise PermanentError(f"{self.kind} is not a pull channel")

    def send(
        self,
        config: Mapping[str, JSON],
        secrets: Mapping[str, Secret],
        reply: OutboundReply,
        http: Any,
    ) -> SendResult:
        """Channels without a reply route refuse to send."""
        raise PermanentError(f"{self.kind} has no reply channel")

    def hide(
        self,
        config: Mapping[str, JSON],
        secrets: Mapping[str, Secret],
        reply_target: Mapping[str, JSON],
        http: Any,
    ) -> None:
        """Channels that cannot hide refuse."""
        raise PermanentError(f"{self.kind} cannot hide messages")


def validate_against_schema(schema: Sequence[ConfigField], config: Mapping[str, JSON]) -> list[str]:
    """Return errors for missing required fields and values of the wrong kind."""
    if not isinstance(config, Mapping):
        return ["configuration must be an object"]
    errors: list[str] = []
    for f in schema:
        value = config.get(f.name)
        if value is None or value == "":
            if f.required and f.default is None:
                errors.append(f"{f.label} ({f.name}) is required")
            continue
        if isinstance(value, Secret):
            value = value.reveal()
        problem = _kind_problem(f, value)
        if problem:
            errors.append(f"{f.label} ({f.name}) {problem}")
    return errors


def _kind_problem(f: ConfigField, value: JSON) -> str:
    if f.kind in ("str", "url") and not isinstance(value, str):
        return "must be text"
    if f.kind == "url" and not value.startswith(("https://", "http://")):
        return "must be an http(s) URL"
    if f.kind == "int" and (not isinstance(value, int) or isinstance(value, bool)):
        return "must be a whole number"
    if f.kind == "bool" and not isinstance(value, bool):
        return "must be true or false"
    if f.kind == "list" and not isinstance(value, list):
        return "must be a list"
    if f.kind == "object" and not isinstance(value, dict):
        return "must be an object"
    return ""


def redact_config(schema: Sequence[ConfigField], config: Mapping[str, JSON]) -> dict[str, JSON]:
    """Return `config` with every secret field replaced by a redaction mark, for display."""
    secret_names = {f.name for f in schema if f.secret}
    return {k: ("********" if k in secret_names and v else v) for k, v in config.items()}


def split_secrets(
    schema: Sequence[ConfigField], config: Mapping[str, JSON]
) -> tuple[dict[str, JSON], dict[str, Secret]]:
    """Split a submitted configuration into plain settings and wrapped secrets."""
    secret_names = {f.name for f in schema if f.secret}
    plain = {k: v for k, v in config.items() if k not in secret_names}
    secrets = {k: Secret(str(v)) for k, v in config.items() if k in secret_names and v}
    return plain, secrets


def require_secret(secrets: Mapping[str, Secret], name: str) -> str:
    """Return a secret's value or raise PermanentError naming the missing field."""
    value = secrets.get(name)
    if value is None or not value:
        raise PermanentError(f"missing secret {name!r}")
    return value.reveal()


def obj_at(value: Mapping[str, Any], key: str) -> dict[str, Any]:
    """`value[key]` when it is a JSON object, else an empty dict (for untrusted payloads)."""
    found = value.get(key)
    return found if isinstance(found, dict) else {}


def str_or(value: JSON, default: str = "") -> str:
    """Return `value` when it is a string, else `default` (for untrusted payloads)."""
    return value if isinstance(value, str) else default
