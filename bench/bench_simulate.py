"""Protocol simulation benchmark: a draft protocol over 100,000 stored, analysed messages.

Issue target: `nabij protocol simulate --draft FILE --days N` over 100,000 messages in
under 30 s. This builds a fresh SQLite database with 100,000 inbound messages (through
the ingestion action) and a synthetic analysis per message (bulk insert), then times the
whole simulation: reading messages, analyses and context from the database, and
evaluating both protocols.
"""

from __future__ import annotations

import json
import os
import random
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

TYPES = ["vraag", "melding", "klacht", "ervaring", "mening", "compliment", "aanval",
         "desinformatie", "noodkreet", "overig"]  # fmt: skip
WEIGHTS = [25, 20, 12, 8, 14, 5, 6, 3, 1, 6]
TOPICS = ["afval", "parkeren", "verlichting", "groen", "zorg_wmo", "wonen", "bestuur"]


def analysis(rng: random.Random) -> dict:
    """A synthetic analysis in the shape of docs/interfaces.md."""
    kind = rng.choices(TYPES, WEIGHTS)[0]
    scores = {t: round(rng.random() * 0.3, 2) for t in TYPES}
    scores[kind] = round(0.6 + rng.random() * 0.4, 2)
    toxic = kind == "aanval"
    return {
        "language": "nl",
        "type": kind,
        "type_scores": scores,
        "type_confidence": scores[kind],
        "sentiment": round(rng.uniform(-1, 1), 2),
        "sentiment_label": rng.choice(["positief", "neutraal", "negatief"]),
        "emotion": rng.choice(["boos", "frustratie", "verdriet", "angst", "neutraal"]),
        "toxicity": round(rng.uniform(0.6, 1.0) if toxic else rng.uniform(0, 0.2), 2),
        "toxicity_categories": ["belediging"] if toxic else [],
        "urgency": "acuut" if kind == "noodkreet" else rng.choice(["laag", "normaal", "hoog"]),
        "topics": [{"id": rng.choice(TOPICS), "score": 0.7}],
        "pii": [{"kind": "telefoon", "start": 0, "end": 10}] if rng.random() < 0.03 else [],
        "analyser_version": "bench",
    }


def main(n: int = 100_000) -> dict:
    """Build the database and time the simulation."""
    os.environ["NABIJ_DATA_DIR"] = tempfile.mkdtemp(prefix="nabij-sim-")
    os.environ.pop("DATABASE_URL", None)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "nabij.settings")
    import django

    django.setup()
    from django.core.management import call_command

    from nabij.actions.ingest import IngestItem, do_ingest_messages, get_or_create_channel
    from nabij.actions.simulation import simulate_draft
    from nabij.models import Message, MessageAnalysis
    from nabij.protocol import default_protocol_text

    call_command("migrate", verbosity=0)
    rng = random.Random(11)
    now = datetime.now(UTC)
    channel = get_or_create_channel("mastodon")
    t0 = time.perf_counter()
    for start in range(0, n, 2000):
        items = [
            IngestItem(
                external_id=f"s{i}",
                author_handle=f"@p{rng.randrange(n // 4)}@x",
                text=f"bericht {i}",
                sent_at=now - timedelta(minutes=25 * (n - i)),
                public=rng.random() < 0.8,
            )
            for i in range(start, min(n, start + 2000))
        ]
        do_ingest_messages(channel, items, queue_analysis=False)
    build = time.perf_counter() - t0
    rows = []
    for pk in Message.objects.order_by("pk").values_list("pk", flat=True).iterator():
        data = analysis(rng)
        rows.append(
            MessageAnalysis(
                message_id=pk,
                analyser_version="bench",
                data=data,
                type=data["type"],
                topic=data["topics"][0]["id"],
                urgency=data["urgency"],
            )
        )
    MessageAnalysis.objects.bulk_create(rows, batch_size=5000)
    draft = default_protocol_text().replace("deadline_hours: 8", "deadline_hours: 4")
    draft = draft.replace("gte: 0.7", "gte: 0.6")
    days = (n * 25) // (60 * 24) + 2
    t1 = time.perf_counter()
    result = simulate_draft(draft, days=days, max_changes=200)
    seconds = time.perf_counter() - t1
    return {
        "messages": n,
        "simulated": result.total,
        "changed": result.changed_count,
        "simulate_seconds": round(seconds, 2),
        "messages_per_second": round(result.total / seconds) if seconds else None,
        "target_seconds": 30,
        "build_seconds": round(build, 1),
    }


if __name__ == "__main__":
    count = int(sys.argv[1]) if len(sys.argv) > 1 else 100_000
    print(json.dumps(main(count), indent=2))
