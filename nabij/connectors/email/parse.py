"""Pure e-mail parsing: threading ids, body text without quoted history, auto-reply,
mailing-list and bounce detection, and attachments with a size limit."""

from __future__ import annotations

import datetime as dt
import email
import email.policy
import email.utils
import hashlib
import re
from collections.abc import Mapping
from dataclasses import dataclass
from email.message import EmailMessage, Message
from typing import Any

from nabij.connectors.base import Attachment
from nabij.connectors.text import html_to_text, normalise_whitespace

MAX_ATTACHMENT_BYTES = 10 * 1024 * 1024
MAX_RAW_BYTES = 40 * 1024 * 1024
_MSGID = re.compile(r"<([^<>\s]+)>")
# Lines that start the quoted history in Dutch and English mail clients.
_QUOTE_HEADERS = (
    re.compile(r"^(On|Op)\s.+(wrote|schreef)\s*.*:\s*$", re.IGNORECASE),
    re.compile(
        r"^-{2,}\s*(Original Message|Oorspronkelijk bericht|Forwarded message|"
        r"Doorgestuurd bericht)\s*-{2,}",
        re.IGNORECASE,
    ),
    re.compile(r"^_{10,}\s*$"),
)
# Outlook's header block: "Van: ..." followed by "Verzonden: ..." (or Sent/Date/To).
_OUTLOOK_FROM = re.compile(r"^(From|Van):\s.+", re.IGNORECASE)
_OUTLOOK_NEXT = re.compile(r"^(Sent|Verzonden|Date|Datum|To|Aan):", re.IGNORECASE)
_SIGNATURE = re.compile(r"^--\s?$")


def message_ids(value: str | None) -> list[str]:
    """All `<id>` values of a Message-ID / In-Reply-To / References header, in order."""
    return _MSGID.findall(value or "")[:100]


def _header(msg: Message, name: str) -> str:
    try:
        value = msg.get(name)
    except (ValueError, TypeError, IndexError):  # malformed encoded words
        return ""
    return str(value).strip() if value is not None else ""


def auto_reply_reason(msg: Message) -> str | None:
    """Why this mail must never be answered (auto-reply, bulk, mailing list) or None."""
    auto = _header(msg, "Auto-Submitted").lower()
    if auto and auto != "no":
        return f"Auto-Submitted: {auto}"
    precedence = _header(msg, "Precedence").lower()
    if precedence in ("bulk", "junk", "list", "auto_reply"):
        return f"Precedence: {precedence}"
    for name in ("List-Id", "List-Unsubscribe", "List-Post"):
        if _header(msg, name):
            return f"mailing list ({name})"
    if _header(msg, "X-Autoreply") or _header(msg, "X-Autorespond"):
        return "X-Autoreply"
    if _header(msg, "X-Auto-Response-Suppress").lower() in ("all", "oof", "autoreply"):
        return "X-Auto-Response-Suppress"
    return None


@dataclass(frozen=True)
class Bounce:
    """A delivery failure report for a mail we sent."""

    original_message_id: str
    recipient: str
    status: str
    action: str

    def to_notice(self) -> dict[str, str]:
        """As a PollResult notice."""
        return {
            "kind": "bounce",
            "original_message_id": self.original_message_id,
            "recipient": self.recipient,
            "status": self.status,
            "action": self.action,
        }


def parse_bounce(msg: Message) -> Bounce | None:
    """Read an RFC 3464 delivery status notification; None when `msg` is not one."""
    if msg.get_content_type() != "multipart/report":
        return None
    if str(msg.get_param("report-type") or "").lower() != "delivery-status":
        return None
    recipient = status = action = original = ""
    for part in msg.walk():
        ctype = part.get_content_type()
        if ctype == "message/delivery-status":
            fields = _status_fields(part)
            recipient = fields.get("final-recipient", "").split(";")[-1].strip()
            status, action = fields.get("status", ""), fields.get("action", "").lower()
        elif ctype in ("message/rfc822", "text/rfc822-headers"):
            original = original or _original_id(part)
    if action and action not in ("failed", "delayed"):
        return None  # "delivered"/"relayed" reports are not bounces
    return Bounce(original, recipient, status, action or "failed")


def _status_fields(part: Message) -> dict[str, str]:
    fields: dict[str, str] = {}
    payload = part.get_payload()
    blocks = payload if isinstance(payload, list) else []
    for block in blocks:
        if not isinstance(block, Message):
            continue
        for key, value in block.items():
            fields.setdefault(key.lower(), str(value))
    if not fields and isinstance(payload, str):
        for line in payload.splitlines():
            key, _, value = line.partition(":")
            if value:
                fields.setdefault(key.strip().lower(), value.strip())
    return fields


def _original_id(part: Message) -> str:
    payload = part.get_payload()
    if isinstance(payload, list) and payload and isinstance(payload[0], Message):
        ids = message_ids(_header(payload[0], "Message-ID"))
    else:
        text = payload if isinstance(payload, str) else ""
        found = re.search(r"^Message-ID:\s*(<[^>]+>)", text, re.IGNORECASE | re.MULTILINE)
        ids = message_ids(found.group(1)) if found else []
    return ids[0] if ids else ""


def strip_quoted(text: str) -> str:
    """Remove quoted history and the signature from a plain-text reply."""
    kept: list[str] = []
    lines = text.replace("\r\n", "\n").split("\n")
    for index, line in enumerate(lines):
        stripped = line.strip()
        if _SIGNATURE.match(line) or any(p.match(stripped) for p in _QUOTE_HEADERS):
            break
        if _OUTLOOK_FROM.match(stripped):
            following = next((n.strip() for n in lines[index + 1 :] if n.strip()), "")
            if _OUTLOOK_NEXT.match(following):
                break
        if stripped.startswith(">"):
            continue
        kept.append(line)
    return normalise_whitespace("\n".join(kept))


def _part_text(part: Message) -> str:
    try:
        content = (
            part.get_content() if isinstance(part, EmailMessage) else part.get_payload(decode=True)
        )
    except (LookupError, ValueError, AssertionError):  # unknown charset, broken encoding
        content = part.get_payload(decode=True)
    if isinstance(content, bytes):
        return content.decode("utf-8", errors="replace")
    return content if isinstance(content, str) else ""


def body_text(msg: EmailMessage) -> str:
    """The new text of a mail: plain part preferred, HTML converted, quotes removed."""
    try:
        part = msg.get_body(preferencelist=("plain", "html"))
    except (KeyError, TypeError):
        part = None
    if part is None:
        return ""
    raw = _part_text(part)
    if part.get_content_type() == "text/html":
        return strip_quoted(html_to_text(raw, drop_quotes=True))
    return strip_quoted(raw)


def attachments(
    msg: EmailMessage, limit: int = MAX_ATTACHMENT_BYTES
) -> list[tuple[Attachment, bytes | None]]:
    """Attachments with their content, or None as content when over `limit` bytes."""
    out: list[tuple[Attachment, bytes | None]] = []
    for part in msg.iter_attachments():
        data = part.get_payload(decode=True)
        data = data if isinstance(data, bytes) else b""
        name = part.get_filename() or "bijlage"
        name = re.sub(r"[\\/\x00-\x1f]", "_", name)[:200]  # never a path on disk
        ctype = part.get_content_type()
        if len(data) > limit:
            meta = Attachment(
                name, ctype, len(data), stored=False, reason=f"larger than {limit} bytes"
            )
            out.append((meta, None))
        else:
            out.append((Attachment(name, ctype, len(data)), data))
    return out


def parse_date(value: str) -> dt.datetime | None:
    """An RFC 5322 date as an aware datetime; None when unreadable."""
    try:
        parsed = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=dt.UTC)


def received_date(msg: Message) -> dt.datetime | None:
    """The time in the newest Received header (the text after its last ';')."""
    try:
        received = msg.get_all("Received") or []
    except (ValueError, TypeError, IndexError):
        return None
    for header in received:
        _, _, when = str(header).rpartition(";")
        parsed = parse_date(when.strip()) if when else None
        if parsed:
            return parsed
    return None


def read_message(raw: bytes) -> EmailMessage:
    """Parse raw RFC 5322 bytes with the modern policy (size-capped)."""
    msg = email.message_from_bytes(raw[:MAX_RAW_BYTES], policy=email.policy.default)
    assert isinstance(msg, EmailMessage)
    return msg


def external_id_of(msg: Message, raw: bytes) -> str:
    """The Message-ID, or a hash of the raw mail when a client sent none."""
    ids = message_ids(_header(msg, "Message-ID"))
    return ids[0] if ids else "sha256:" + hashlib.sha256(raw).hexdigest()


def thread_ids(msg: Message) -> tuple[str | None, str]:
    """(in_reply_to, thread root) from In-Reply-To and References."""
    references = message_ids(_header(msg, "References"))
    reply_to = message_ids(_header(msg, "In-Reply-To"))
    parent = reply_to[0] if reply_to else (references[-1] if references else None)
    root = references[0] if references else (parent or "")
    return parent, root


def address(msg: Message, name: str) -> tuple[str, str]:
    """(display name, address) of the first address in a header."""
    pairs = email.utils.getaddresses([_header(msg, name)])
    return (pairs[0][0], pairs[0][1].lower()) if pairs and pairs[0][1] else ("", "")


def describe(msg: Message) -> Mapping[str, Any]:
    """A small JSON-able summary of the headers for `raw` (no bodies, no credentials)."""
    names = ("Message-ID", "In-Reply-To", "From", "To", "Subject", "Date")
    return {name: _header(msg, name) for name in names}
