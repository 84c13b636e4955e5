"""The public web form: a resident's message becomes a conversation with a reference."""

from __future__ import annotations

import re
from dataclasses import dataclass

from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils import timezone

from nabij.actions.channels import after_ingest
from nabij.actions.errors import ActionError
from nabij.actions.ingest import IngestItem, do_ingest_messages, get_or_create_channel
from nabij.models import Channel

MAX_TEXT = 5000
MAX_NAME = 200
RATE_WINDOW = 600  # seconds
RATE_LIMIT = 5  # submissions per address per window
_PHONE = re.compile(r"^[+0-9 ()-]{6,20}$")


@dataclass(frozen=True)
class WebformSubmission:
    """What the resident typed; contact details are optional."""

    text: str
    name: str = ""
    email: str = ""
    phone: str = ""
    language: str = "nl"


def check_submission(sub: WebformSubmission) -> list[str]:
    """Problems with a submission, as keys of the form's texts (translated by the view)."""
    problems = []
    text = sub.text.strip()
    if not text:
        problems.append("text_required")
    elif len(text) > MAX_TEXT:
        problems.append("text_too_long")
    if len(sub.name) > MAX_NAME:
        problems.append("name_too_long")
    if sub.email:
        try:
            validate_email(sub.email)
        except ValidationError:
            problems.append("email_invalid")
    if sub.phone and not _PHONE.match(sub.phone):
        problems.append("phone_invalid")
    return problems


def check_rate_limit(client_address: str) -> bool:
    """Count a submission from this address; False once it is over the limit."""
    key = f"nabij:webform:{client_address}"
    cache.add(key, 0, RATE_WINDOW)
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, RATE_WINDOW)
        count = 1
    return count <= RATE_LIMIT


def _next_reference(channel: Channel, year: int) -> str:
    """WF-<year>-<number>, counted per year on the locked channel row."""
    cursor = dict(channel.cursor) if isinstance(channel.cursor, dict) else {}
    key = f"reference_{year}"
    number = int(cursor.get(key) or 0) + 1
    cursor[key] = number
    channel.cursor = cursor
    channel.save(update_fields=["cursor"])
    return f"WF-{year}-{number:06d}"


def do_submit_webform(sub: WebformSubmission) -> str:
    """Store a valid submission via ingestion and return its reference (WF-2026-000123)."""
    problems = check_submission(sub)
    if problems:
        raise ActionError(", ".join(problems))
    get_or_create_channel("webform", name="Webformulier")
    now = timezone.now()
    with transaction.atomic():
        channel = Channel.objects.select_for_update().get(slug="webform")
        reference = _next_reference(channel, timezone.localtime(now).year)
        contact = {"name": sub.name.strip(), "email": sub.email.strip(), "phone": sub.phone}
        handle = sub.email.strip().lower() or sub.phone or f"anoniem:{reference}"
        item = IngestItem(
            external_id=reference,
            author_handle=handle,
            author_name=sub.name.strip(),
            text=sub.text.strip().replace("\x00", ""),
            sent_at=now,
            public=False,
            subject=reference,
            raw={
                "reference": reference,
                "language": sub.language,
                "contact": contact,
                # Replies to web form messages go by e-mail when the resident left an address.
                "reply_target": {"reply_to": sub.email.strip(), "subject": reference}
                if sub.email
                else {},
            },
        )
        results = do_ingest_messages(channel, [item], source="webform")
        after_ingest(channel, results)
    return reference
