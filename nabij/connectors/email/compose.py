"""Building reply mails that land in the resident's thread (In-Reply-To, References)."""

from __future__ import annotations

import datetime as dt
import email.utils
import re
from collections.abc import Mapping, Sequence
from email.message import EmailMessage
from typing import Any

from nabij.connectors.base import PermanentError

MAX_REFERENCES = 20  # keep the header short; the first id (the root) is always kept
_REPLY_PREFIX = re.compile(r"^\s*((re|antw|aw|sv|ref)\s*(\[\d+\])?\s*:\s*)+", re.IGNORECASE)
_HEADER_UNSAFE = re.compile(r"[\r\n]+")


def reply_subject(subject: str) -> str:
    """`Re: <subject>` without stacking prefixes (Re:, RE:, Antw:, AW:)."""
    clean = _REPLY_PREFIX.sub("", _HEADER_UNSAFE.sub(" ", subject or "")).strip()
    return f"Re: {clean}" if clean else "Re: uw bericht"


def references_for(parent_id: str, parent_references: Sequence[str]) -> list[str]:
    """The References of a reply: the parent's references plus the parent, trimmed."""
    refs = [r for r in parent_references if r and r != parent_id] + [parent_id]
    if len(refs) > MAX_REFERENCES:
        refs = [refs[0], *refs[-(MAX_REFERENCES - 1) :]]
    return refs


def build_reply(
    target: Mapping[str, Any],
    text: str,
    from_address: str,
    from_name: str = "",
    subject: str = "",
    now: dt.datetime | None = None,
    message_id: str | None = None,
) -> EmailMessage:
    """A plain-text reply to the mail described by `target` (an email reply_target)."""
    if target.get("no_reply"):
        raise PermanentError(f"this mail must not be answered: {target['no_reply']}")
    to = str(target.get("reply_to") or "")
    parent = str(target.get("message_id") or "")
    if not to or "@" not in to or _HEADER_UNSAFE.search(to):
        raise PermanentError("reply target has no usable address")
    msg = EmailMessage()
    msg["From"] = email.utils.formataddr((from_name, from_address))
    msg["To"] = to
    msg["Subject"] = reply_subject(subject or str(target.get("subject") or ""))
    msg["Date"] = email.utils.format_datetime(now or dt.datetime.now(dt.UTC))
    domain = from_address.rpartition("@")[2] or "nabij.invalid"
    msg["Message-ID"] = message_id or email.utils.make_msgid(domain=domain)
    if parent:
        refs = target.get("references")
        refs = [str(r) for r in refs] if isinstance(refs, list) else []
        msg["In-Reply-To"] = f"<{parent}>"
        msg["References"] = " ".join(f"<{r}>" for r in references_for(parent, refs))
    msg.set_content(text)
    return msg
