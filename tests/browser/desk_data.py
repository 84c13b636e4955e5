"""Test data for the desk's browser tests: people, analysed messages, a draft protocol."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

import yaml
from django.db import transaction
from django.utils import timezone

from nabij.actions.analysis import do_analyse_messages
from nabij.actions.ingest import IngestItem, do_ingest_messages, get_or_create_channel
from nabij.actions.protocols import do_publish, do_save_draft, published_version
from nabij.actions.setup import do_ensure_defaults
from nabij.actions.users import do_create_user
from nabij.models import Conversation, Message
from tests.support.analysis import KeywordAnalyser

PASSWORD = "Sterk-wachtwoord-42"

# (user name, role, first name)
PEOPLE = (
    ("sanne", "agent", "Sanne"),
    ("youssef", "agent", "Youssef"),
    ("marloes", "coordinator", "Marloes"),
    ("daan", "analyst", "Daan"),
    ("priya", "auditor", "Priya"),
)


@dataclass
class Desk:
    """What a test needs to find its way around the seeded data."""

    users: dict[str, Any] = field(default_factory=dict)
    messages: dict[str, Message] = field(default_factory=dict)

    def conversation(self, key: str) -> Conversation:
        """The conversation of the message stored under key."""
        return Conversation.objects.get(pk=self.messages[key].conversation_id)


def create_people(*names: str) -> dict[str, Any]:
    """Create the named people (all of PEOPLE when none are named)."""
    wanted = set(names) or {p[0] for p in PEOPLE}
    return {
        name: do_create_user(name, PASSWORD, role=role, first_name=first)
        for name, role, first in PEOPLE
        if name in wanted
    }


def ingest_analysed(
    texts: dict[str, str], *, sent_at: datetime | None = None, author: str = "Anna"
) -> dict[str, Message]:
    """Store one Mastodon message per text (each from its own resident) and analyse them.

    The keyword analyser makes the first word the type, so the protocol's advice is
    predictable; every message gets the same author first name for the tone mirror.
    """
    start = sent_at or timezone.now() - timedelta(minutes=30)
    items = [
        IngestItem(
            external_id=f"{key}-{i}",
            author_handle=f"@{key}{i}@mastodon.example",
            author_name=f"{author} {key.capitalize()}",
            text=text,
            sent_at=start + timedelta(minutes=i),
        )
        for i, (key, text) in enumerate(texts.items())
    ]
    results = do_ingest_messages(get_or_create_channel("mastodon"), items, queue_analysis=False)
    messages = {key: r.message for key, r in zip(texts, results, strict=True)}
    do_analyse_messages([m.pk for m in messages.values()], analyser=KeywordAnalyser())
    return messages


def draft_protocol(author: Any) -> Any:
    """Save a draft that differs from the published protocol (one deadline, new version)."""
    source = published_version().source
    changed = source.replace('version: "2026.1"', 'version: "2026.2-test"', 1).replace(
        "deadline_hours: 8", "deadline_hours: 6", 1
    )
    assert changed != source, "the default protocol changed; adjust the draft edit"
    return do_save_draft(author, changed, notes="Kortere termijn voor meldingen")


def publish_confirm_everything() -> Any:
    """Publish the default protocol with every rule asking a person to confirm."""
    data = yaml.safe_load(published_version().source)
    data["version"] = f"{data['version']}-bevestigen"
    for rule in data["rules"]:
        rule["then"]["confirm"] = True
    with transaction.atomic():
        draft = do_save_draft(None, yaml.safe_dump(data, allow_unicode=True, sort_keys=False))
        return do_publish(None, draft)


def seed_desk() -> Desk:
    """People, templates, fresh and overdue analysed messages (a full desk)."""
    do_ensure_defaults()
    desk = Desk(users=create_people())
    desk.messages.update(
        ingest_analysed(
            {
                "lamp": "melding de lantaarnpaal in de Wiekstraat is alweer kapot",
                "nood": "noodkreet ik weet het echt niet meer, help me",
                "vraag": "vraag wanneer komt het grofvuil in Lindewaard?",
            }
        )
    )
    desk.messages.update(
        ingest_analysed(
            {"oud": "klacht al drie weken geen reactie op mijn klacht over de stoep"},
            sent_at=timezone.now() - timedelta(days=20),
        )
    )
    return desk
