"""Analyses and decisions for the synthetic inbox, for the dashboards benchmark.

`bench/inboxdata.py` writes conversations and messages (with the type, topic and
urgency of their labelled corpus text). This module adds what the signals layer reads:
one current `MessageAnalysis` per inbound message (tone, emotion and toxicity drawn per
type, `data` with `redacted_text` and `type_scores`) and one `Decision` per inbound
message, written in bulk through an `inboxload.Loader`. For the patterns list it also
makes stored patterns of the shape detection leaves (`pattern_fields`). The row functions
are pure; the writers at the end (`add_signals`, `ingest_new`, `add_patterns`) run where
Django is set up.
"""

from __future__ import annotations

import json
import random
import re
import time
from collections.abc import Iterator, Sequence
from datetime import datetime, timedelta
from typing import Any

# Bump when the generated rows change: the cached databases are keyed by it.
VERSION = 2
ANALYSER_VERSION = "bench-1"
ANALYSIS_COLUMNS = (
    "id message_id analyser_version created_at current data type type_confidence sentiment "
    "sentiment_label emotion toxicity urgency topic language has_pii"
).split()
DECISION_COLUMNS = (
    "id message_id conversation_id action reason_code source state created_at team "
    "requires_confirmation"
).split()
TYPES = (
    "vraag melding klacht ervaring mening compliment aanval desinformatie noodkreet overig"
).split()
# Per type: (mean sentiment, spread, emotion weights over EMOTIONS, toxic share).
EMOTIONS = ("boos", "frustratie", "verdriet", "angst", "vermoeidheid", "blij", "neutraal")
TONE: dict[str, tuple[float, float, tuple[int, ...], float]] = {
    "vraag": (-0.05, 0.25, (2, 8, 1, 3, 4, 4, 78), 0.005),
    "melding": (-0.25, 0.25, (6, 20, 2, 6, 8, 1, 57), 0.01),
    "klacht": (-0.6, 0.25, (25, 40, 5, 3, 17, 0, 10), 0.04),
    "ervaring": (-0.1, 0.45, (8, 15, 12, 5, 10, 20, 30), 0.01),
    "mening": (-0.2, 0.45, (15, 20, 3, 5, 7, 10, 40), 0.05),
    "compliment": (0.7, 0.2, (0, 0, 0, 0, 0, 85, 15), 0.0),
    "aanval": (-0.85, 0.12, (70, 15, 0, 0, 5, 0, 10), 0.85),
    "desinformatie": (-0.35, 0.3, (25, 15, 0, 35, 5, 0, 20), 0.08),
    "noodkreet": (-0.75, 0.15, (3, 5, 40, 35, 15, 0, 2), 0.0),
    "overig": (0.0, 0.3, (3, 5, 2, 2, 3, 10, 75), 0.01),
}
# Action and reason per type, as a published protocol would advise (see data/protocol).
ADVICE: dict[str, tuple[str, str]] = {
    "vraag": ("beantwoorden", "vraag"),
    "melding": ("doorzetten", "melding_vastleggen"),
    "klacht": ("prive_voortzetten", "klacht_opvolgen"),
    "ervaring": ("beantwoorden", "empathie"),
    "mening": ("monitoren", "beleidssignaal"),
    "compliment": ("beantwoorden", "bedanken"),
    "aanval": ("bewust_niet_reageren", "bedreiging"),
    "desinformatie": ("indirect_reageren", "gerucht_eenmalig_feiten"),
    "noodkreet": ("escaleren", "acuut_gevaar"),
    "overig": ("monitoren", "geen_passende_regel"),
}
# The analyser redacts personal data; in the synthetic texts that is house numbers.
HOUSE_NUMBER = re.compile(r"\b\d{1,4}\b")


def sentiment_label(score: float) -> str:
    """The analyser's label for a sentiment score in [-1, 1]."""
    if score <= -0.2:
        return "negatief"
    if score >= 0.2:
        return "positief"
    return "neutraal"


def type_scores(kind: str, confidence: float, rng: random.Random) -> dict[str, float]:
    """Scores per type summing to 1, the given type on top with the given confidence."""
    others = [t for t in TYPES if t != kind]
    weights = [rng.random() ** 3 for _ in others]
    total = sum(weights) or 1.0
    scores = {
        t: round((1 - confidence) * w / total, 4) for t, w in zip(others, weights, strict=True)
    }
    scores[kind] = round(confidence, 4)
    return dict(sorted(scores.items(), key=lambda item: -item[1]))


def analysis_values(
    kind: str, topic: str, urgency: str, text: str, rng: random.Random
) -> tuple[Any, ...]:
    """Analysis columns after (id, message_id, analyser_version, created_at, current)."""
    kind = kind if kind in TONE else "overig"
    mean, spread, emotions, toxic_share = TONE[kind]
    sentiment = round(max(-1.0, min(1.0, rng.gauss(mean, spread))), 3)
    emotion = rng.choices(EMOTIONS, emotions)[0]
    toxic = rng.random() < toxic_share
    toxicity = rng.uniform(0.5, 0.98) if toxic else rng.betavariate(1.2, 12)
    confidence = rng.uniform(0.55, 0.97)  # above the rest together: the top type
    redacted = HOUSE_NUMBER.sub("[huisnummer]", text)
    has_pii = redacted != text
    data = {
        "redacted_text": redacted,
        "type_scores": type_scores(kind, confidence, rng),
        "sentiment": round(sentiment, 3),
        "emotion": emotion,
        "toxicity": round(toxicity, 3),
        "topics": [topic] if topic else [],
        "urgency": urgency or "normaal",
        "pii": [{"kind": "huisnummer"}] if has_pii else [],
    }
    return (
        json.dumps(data, ensure_ascii=False),
        kind,
        round(confidence, 3),
        round(sentiment, 3),
        sentiment_label(sentiment),
        emotion,
        round(toxicity, 3),
        urgency or "normaal",
        topic,
        "nl",
        has_pii,
    )


def decision_values(kind: str, accounted: bool) -> tuple[object, ...]:
    """Decision columns after (id, message_id, conversation_id): what was decided."""
    action, reason = ADVICE.get(kind, ADVICE["overig"])
    state = "confirmed" if accounted else "recommended"
    return (action, reason, "person" if accounted else "protocol", state)


class Rows:
    """Analysis and decision rows for inbound messages read in id order."""

    def __init__(self, seed: int = 2027) -> None:
        self.rng = random.Random(seed)
        self.analysis_id = 0
        self.decision_id = 0

    def for_messages(
        self, messages: Sequence[Sequence[Any]]
    ) -> tuple[list[tuple[object, ...]], list[tuple[object, ...]]]:
        """Rows for (id, conversation_id, text, type, topic, urgency, sent_at, accounted_at)."""
        analyses: list[tuple[object, ...]] = []
        decisions: list[tuple[object, ...]] = []
        for mid, conv, text, kind, topic, urgency, sent_at, accounted_at in messages:
            when = as_datetime(sent_at) + timedelta(seconds=5)
            self.analysis_id += 1
            values = analysis_values(kind or "overig", topic or "", urgency or "", text, self.rng)
            analyses.append((self.analysis_id, mid, ANALYSER_VERSION, when, True, *values))
            self.decision_id += 1
            action, reason, source, state = decision_values(str(values[1]), bool(accounted_at))
            decided = as_datetime(accounted_at) if accounted_at else when
            decisions.append(
                (self.decision_id, mid, conv, action, reason, source, state, decided, "", True)
            )
        return analyses, decisions


PATTERN_STATUSES = ("nieuw", "erkend", "geescaleerd", "opgelost")


def pattern_fields(
    number: int, end: datetime, days: int, topics: Sequence[str], rng: random.Random
) -> dict[str, Any]:
    """Fields of one stored pattern active within `days` days before `end`, as detection
    writes them: a title, a daily trend, and an explanation with terms and examples."""
    topic = rng.choice(topics)
    length = rng.randint(2, 14)
    last = end - timedelta(days=rng.uniform(0, days - length), minutes=rng.randrange(1440))
    first = last - timedelta(days=length - 1, hours=rng.randrange(24))
    trend = [
        {"date": (first + timedelta(days=d)).date().isoformat(), "count": rng.randint(0, 40)}
        for d in range(length)
    ]
    size = sum(t["count"] for t in trend) or 1
    terms = rng.sample(("lamp", "kapot", "stank", "gat", "afval", "overlast", "water",
                        "parkeren", "hondenpoep", "glas", "lawaai", "boom"), 3)  # fmt: skip
    return {
        "key": f"bench-pattern-{number}",
        "kind": "rumour" if number % 9 == 0 else "pattern",
        "title": f"Patroon in wijk {number % 40}: {', '.join(terms)} ({topic}, {size} berichten)",
        "topic": topic,
        "status": PATTERN_STATUSES[number % len(PATTERN_STATUSES)],
        "score": round(rng.uniform(1, 60), 1),
        "first_seen": first,
        "last_seen": last,
        "trend": trend,
        "explanation": {
            "area": f"wijk {number % 40}",
            "places": [f"Straat {rng.randrange(300)}" for _ in range(5)],
            "terms": terms,
            "types": {"melding": size // 2, "klacht": size - size // 2},
            "growth": round(rng.uniform(0, 4), 2),
            "examples": [f"facebook:bench-{rng.randrange(10**9)}" for _ in range(5)],
        },
    }


def as_datetime(value: Any) -> datetime:
    """A datetime from a database value (SQLite gives text, PostgreSQL a datetime)."""
    if isinstance(value, datetime):
        return value
    return datetime.fromisoformat(str(value))


def message_chunks(conn: Any, size: int = 20_000) -> Iterator[list[tuple[Any, ...]]]:
    """Inbound messages in id order, in chunks, from a DB-API connection (either database)."""
    mark = "?" if type(conn).__module__.startswith("sqlite3") else "%s"
    last = 0
    while True:
        rows = conn.execute(
            "SELECT id, conversation_id, text, type, topic, urgency, sent_at, accounted_at "
            f"FROM nabij_message WHERE direction = 'inbound' AND id > {mark} "
            f"ORDER BY id LIMIT {int(size)}",
            (last,),
        ).fetchall()
        if not rows:
            return
        yield rows
        last = rows[-1][0]


# --- writing (inside a process where Django is set up) ---


def add_signals(loader: Any, now: datetime) -> dict[str, int]:
    """One current analysis and one decision per inbound message, in bulk; conversation starts."""
    import inboxload

    from nabij.models import Decision, MessageAnalysis

    tables = {
        "nabij_messageanalysis": (MessageAnalysis, ANALYSIS_COLUMNS),
        "nabij_decision": (Decision, DECISION_COLUMNS),
    }
    for table, (model, columns) in tables.items():
        loader.tables[table] = inboxload.full_columns(model, columns, now)
    # The generator leaves started_at empty; a conversation starts with its first message.
    loader.conn.execute(
        "UPDATE nabij_conversation SET started_at = created_at WHERE started_at IS NULL"
    )
    rows = Rows()
    for i, chunk in enumerate(message_chunks(loader.conn)):
        analyses, decisions = rows.for_messages(chunk)
        loader.write("nabij_messageanalysis", analyses)
        loader.write("nabij_decision", decisions)
        if i % 10 == 0:
            inboxload.log(f"{rows.analysis_id:,} analyses written")
    if isinstance(loader, inboxload.PostgresLoader):
        for table in tables:
            loader.conn.execute(
                f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                f'(SELECT coalesce(max(id), 1) FROM "{table}"))'
            )
    loader.commit()
    loader.finish()
    return {"analyses": rows.analysis_id, "decisions": rows.decision_id}


def ingest_new(count: int, now: datetime) -> dict[str, float]:
    """Ingest `count` new inbound messages of the last day, then their analyses in bulk."""
    import inboxdata
    from django.db import transaction

    from nabij.actions.ingest import IngestItem, do_ingest_messages
    from nabij.models import Channel, MessageAnalysis

    rng = random.Random(now.timestamp())
    corpus = inboxdata.Corpus.load().items
    channels = list(Channel.objects.all())
    token = f"{now.timestamp():.0f}"
    labels: dict[str, tuple[str, str, str, str]] = {}
    batches: dict[int, list[IngestItem]] = {c.pk: [] for c in channels}
    for i in range(count):
        channel = rng.choice(channels)
        text, kind, topic, urgency = rng.choice(corpus)
        ext = f"new-{token}-{i}"
        labels[ext] = (text, kind, topic, urgency)
        batches[channel.pk].append(
            IngestItem(
                external_id=ext,
                author_handle=f"@inwoner{rng.randrange(1, 5000)}@{channel.slug}",
                text=text,
                sent_at=now - timedelta(seconds=rng.randrange(1, 86_400)),
            )
        )
    t0 = time.perf_counter()
    stored = []
    for channel in channels:
        items = batches[channel.pk]
        for start in range(0, len(items), 500):
            with transaction.atomic():
                results = do_ingest_messages(
                    channel, items[start : start + 500], source="bench", queue_analysis=False
                )
            stored += [r.message for r in results if r.created]
    t1 = time.perf_counter()
    analyses = []
    for message in stored:
        text, kind, topic, urgency = labels[message.external_id or ""]
        values = analysis_values(kind, topic, urgency, text, rng)
        data, kind, conf, sent, label, emo, tox, urg, topic, lang, pii = values
        analyses.append(
            MessageAnalysis(
                message=message,
                analyser_version=ANALYSER_VERSION,
                current=True,
                data=json.loads(str(data)),
                type=kind,
                type_confidence=conf,
                sentiment=sent,
                sentiment_label=label,
                emotion=emo,
                toxicity=tox,
                urgency=urg,
                topic=topic,
                language=lang,
                has_pii=pii,
            )
        )
    with transaction.atomic():
        MessageAnalysis.objects.bulk_create(analyses, batch_size=2000)
    t2 = time.perf_counter()
    return {"stored": len(stored), "ingest_s": t1 - t0, "analyses_s": t2 - t1}


def add_patterns(count: int, now: datetime, days: int) -> int:
    """Store `count` patterns of the last `days` days (a quarter owned by a team)."""
    from django.db import transaction

    from nabij.models import DailyStat, Pattern, Team

    rng = random.Random(4242)
    topics = sorted({t for t in DailyStat.objects.values_list("topic", flat=True) if t})
    teams = list(Team.objects.all()[:4])
    rows = []
    for number in range(count):
        pattern = Pattern(**pattern_fields(number, now, days, topics or ["afval"], rng))
        if teams and number % 4 == 0:
            pattern.owner = teams[number % len(teams)]
        rows.append(pattern)
    with transaction.atomic():
        Pattern.objects.bulk_create(rows, batch_size=500)
    return count
