"""E-mail connector: IMAP in, SMTP out, threaded by Message-ID, never answering robots."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
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
    str_or,
)
from nabij.connectors.email.client import (
    ImapMailbox,
    ImapSettings,
    MailCursor,
    SmtpSender,
    SmtpSettings,
)
from nabij.connectors.email.compose import build_reply
from nabij.connectors.email.parse import (
    MAX_ATTACHMENT_BYTES,
    address,
    attachments,
    auto_reply_reason,
    body_text,
    describe,
    external_id_of,
    message_ids,
    parse_bounce,
    parse_date,
    read_message,
    received_date,
    thread_ids,
)

MailboxFactory = Callable[[Mapping[str, JSON], Mapping[str, Secret]], Any]
SenderFactory = Callable[[Mapping[str, JSON], Mapping[str, Secret]], Any]


def _imap(config: Mapping[str, JSON], secrets: Mapping[str, Secret]) -> ImapMailbox:
    settings = ImapSettings(
        host=str(config["imap_host"]),
        port=int(config.get("imap_port") or 993),
        username=str(config["username"]),
        password=secrets.get("password") or Secret(""),
        mailbox=str(config.get("mailbox") or "INBOX"),
        tls=str(config.get("imap_tls") or "ssl"),
    )
    return ImapMailbox(settings)


def _smtp(config: Mapping[str, JSON], secrets: Mapping[str, Secret]) -> SmtpSender:
    settings = SmtpSettings(
        host=str(config["smtp_host"]),
        port=int(config.get("smtp_port") or 587),
        username=str(config.get("smtp_username") or config["username"]),
        password=secrets.get("smtp_password") or secrets.get("password") or Secret(""),
        tls=str(config.get("smtp_tls") or "starttls"),
    )
    return SmtpSender(settings)


def mail_to_message(
    raw: bytes,
    own_address: str = "",
    limit: int = MAX_ATTACHMENT_BYTES,
    received_at: dt.datetime | None = None,
) -> InboundMessage:
    """Normalise one raw mail; raises ValueError without a sender or any date.

    The time is the Date header, else the newest Received header, else `received_at`
    (the caller's clock at fetch time), so parsing itself stays deterministic.
    """
    msg = read_message(raw)
    name, sender = address(msg, "From")
    if not sender:
        raise ValueError("mail without a From address")
    _, reply_address = address(msg, "Reply-To")
    parent, root = thread_ids(msg)
    external_id = external_id_of(msg, raw)
    subject = str_or(str(msg.get("Subject") or ""))
    no_reply = auto_reply_reason(msg)
    if own_address and sender == own_address.lower():
        no_reply = "sent by our own address"
    sent_at = parse_date(str(msg.get("Date") or "")) or received_date(msg) or received_at
    if sent_at is None:
        raise ValueError("mail without a date")
    body = body_text(msg)
    return InboundMessage(
        channel="email",
        external_id=external_id,
        author_handle=sender,
        author_name=name,
        text=f"{subject}\n\n{body}".strip() if subject else body,
        sent_at=sent_at,
        in_reply_to=parent,
        thread_key=root or external_id,
        public=False,
        attachments=tuple(meta for meta, _ in attachments(msg, limit)),
        raw=dict(describe(msg)),
        reply_target={
            "message_id": external_id,
            "references": message_ids(str(msg.get("References") or "")),
            "reply_to": reply_address or sender,
            "subject": subject,
            "no_reply": no_reply or "",
        },
    )


class EmailConnector(ConnectorBase):
    """A mailbox read over IMAP, answered over SMTP."""

    kind = "email"
    label = "E-mail"
    can_reply_private = True
    has_threads = True
    inbound = "pull"
    config_schema = (
        ConfigField("address", "Organisation address", help="replies are sent from it"),
        ConfigField("display_name", "Sender name", required=False, default=""),
        ConfigField("imap_host", "IMAP server"),
        ConfigField("imap_port", "IMAP port", kind="int", default=993),
        ConfigField("imap_tls", "IMAP security (ssl/starttls)", default="ssl"),
        ConfigField("mailbox", "Mailbox", default="INBOX"),
        ConfigField("username", "User name"),
        ConfigField("password", "Password", secret=True),
        ConfigField("smtp_host", "SMTP server"),
        ConfigField("smtp_port", "SMTP port", kind="int", default=587),
        ConfigField("smtp_tls", "SMTP security (ssl/starttls)", default="starttls"),
        ConfigField("smtp_password", "SMTP password (if different)", secret=True, required=False),
        ConfigField(
            "max_attachment_bytes",
            "Attachment size limit",
            kind="int",
            default=MAX_ATTACHMENT_BYTES,
        ),
    )

    def __init__(self, mailbox: MailboxFactory = _imap, sender: SenderFactory = _smtp) -> None:
        self.mailbox_factory = mailbox
        self.sender_factory = sender

    def extra_config_errors(self, config: Mapping[str, JSON]) -> list[str]:
        """Known security modes and a real organisation address."""
        errors: list[str] = []
        for key in ("imap_tls", "smtp_tls"):
            if config.get(key) not in (None, "", "ssl", "starttls"):
                errors.append(f"{key} must be 'ssl' or 'starttls'")
        if "@" not in str(config.get("address") or "@"):
            errors.append("Organisation address (address) must be an e-mail address")
        return errors

    def parse(self, payload: JSON) -> ParseResult:
        """Parse raw mails: bytes, or a list of bytes/str."""
        items = payload if isinstance(payload, list) else [payload]
        messages, errors = [], []
        for index, raw in enumerate(items):
            data = raw.encode("utf-8", "surrogateescape") if isinstance(raw, str) else raw
            if not isinstance(data, bytes):
                errors.append(RowError(index, "not a raw mail"))
                continue
            try:
                messages.append(mail_to_message(data))
            except (ValueError, TypeError, LookupError) as exc:
                errors.append(RowError(index, f"unusable mail: {exc}"))
        return ParseResult(tuple(messages), tuple(errors))

    def poll(
        self,
        config: Mapping[str, JSON],
        secrets: Mapping[str, Secret],
        cursor: str | None,
        http: Any = None,
    ) -> PollResult:
        """Read the next batch of mails; bounces become notices, robots are not messages."""
        mails, next_cursor = self.mailbox_factory(config, secrets).fetch_new(
            MailCursor.load(cursor)
        )
        limit = int(config.get("max_attachment_bytes") or MAX_ATTACHMENT_BYTES)
        own = str(config.get("address") or "")
        fetched_at = dt.datetime.now(dt.UTC)  # poll is the edge: it owns the clock
        messages, errors, notices = [], [], []
        for uid, raw in mails:
            try:
                bounce = parse_bounce(read_message(raw))
                if bounce:
                    notices.append(bounce.to_notice())
                    continue
                message = mail_to_message(raw, own, limit, fetched_at)
            except (ValueError, TypeError, LookupError) as exc:
                errors.append(RowError(uid, f"unusable mail: {exc}"))
                continue
            if message.reply_target.get("no_reply", "").startswith(("Auto-Submitted", "X-Auto")):
                errors.append(
                    RowError(uid, f"skipped automatic reply ({message.reply_target['no_reply']})")
                )
                continue
            messages.append(message)
        return PollResult(
            tuple(messages), next_cursor.dump(), errors=tuple(errors), notices=tuple(notices)
        )

    def send(
        self,
        config: Mapping[str, JSON],
        secrets: Mapping[str, Secret],
        reply: OutboundReply,
        http: Any = None,
    ) -> SendResult:
        """Reply in the mail thread; refused for auto-replies and mailing lists."""
        if not config.get("address"):
            raise PermanentError("no organisation address configured")
        msg = build_reply(
            reply.reply_target,
            reply.text,
            from_address=str(config.get("address") or ""),
            from_name=str(config.get("display_name") or ""),
            subject=reply.subject,
        )
        message_id = self.sender_factory(config, secrets).send(msg)
        return SendResult(message_ids(message_id)[0] if message_ids(message_id) else message_id)
