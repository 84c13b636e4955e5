"""Builders for synthetic signal messages shared by the signal tests."""

from __future__ import annotations

import random
from dataclasses import replace
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from nabij.signals import SignalMessage

TZ = ZoneInfo("Europe/Amsterdam")
START = datetime(2026, 9, 7, tzinfo=TZ)  # a Monday
TOPICS = ["afval", "parkeren", "verkeer", "groen", "dienstverlening"]
CHANNELS = ["mastodon", "facebook", "email", "x"]
FILLER = [
    "Wanneer wordt het grofvuil opgehaald bij ons?",
    "De parkeervergunning is nog steeds niet binnen, hoe kan dat?",
    "Mooi dat de bibliotheek langer open is op zaterdag.",
    "Het fietspad is glad door de bladeren, graag vegen.",
    "Hoe vraag ik een nieuwe afvalpas aan voor mijn moeder?",
    "De bus rijdt niet meer door het centrum, waarom niet?",
    "Ik vind het jammer dat de markt verplaatst wordt.",
    "Er staat een auto al weken op dezelfde plek zonder kenteken.",
]


def message(
    n: int,
    when: datetime,
    text: str = "Een bericht",
    *,
    topic: str = "afval",
    channel: str = "mastodon",
    author: str | None = None,
    kind: str = "melding",
    emotion: str = "neutraal",
    toxicity: float = 0.0,
    first_seen: datetime | None = None,
) -> SignalMessage:
    """One message with sensible defaults."""
    return SignalMessage(
        key=f"{channel}:{n}",
        channel=channel,
        author_key=author or f"a{n}",
        author_first_seen=first_seen or when - timedelta(days=365),
        sent_at=when,
        text=text,
        type=kind,
        emotion=emotion,
        toxicity=toxicity,
        topic=topic,
    )


def background(days: int = 70, per_day: float = 20.0, seed: int = 1) -> list[SignalMessage]:
    """Ordinary traffic with fewer messages at weekends, spread over topics and channels."""
    rng = random.Random(seed)
    out: list[SignalMessage] = []
    for day in range(days):
        date = START + timedelta(days=day)
        weekend = date.weekday() >= 5
        count = sum(1 for _ in range(int(per_day * 2)) if rng.random() < (0.25 if weekend else 0.5))
        for _ in range(count):
            when = date + timedelta(hours=rng.randint(7, 22), minutes=rng.randint(0, 59))
            out.append(
                message(
                    100_000 + len(out), when, rng.choice(FILLER),
                    topic=rng.choice(TOPICS), channel=rng.choice(CHANNELS),
                    author=f"bg{rng.randrange(5000)}", kind=rng.choice(["mening", "ervaring", "compliment"]),
                )
            )  # fmt: skip
    return out


def with_keys(messages: list[SignalMessage], prefix: str) -> list[SignalMessage]:
    """Give a list of messages distinct keys."""
    return [replace(m, key=f"{m.channel}:{prefix}{i}") for i, m in enumerate(messages)]
