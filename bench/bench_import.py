"""Import benchmark: a 100,000-line JSONL file into a fresh database, then again.

Issue target: at least 2,000 messages/s on SQLite; the second import adds nothing.
The file is synthetic but shaped like real traffic: many authors writing more than
once, one in six messages a reply in a thread, several channels.
"""

from __future__ import annotations

import json
import random
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import fresh_env, run

CHANNELS = ["mastodon", "email", "webform", "facebook", "instagram", "x"]
SNIPPETS = [
    "De lantaarnpaal in de {s} doet het weer niet.",
    "Wanneer wordt het grofvuil in de {s} opgehaald?",
    "Al drie weken ligt er afval naast de container aan de {s}.",
    "Bedankt voor het snelle herstel van de stoep in de {s}!",
    "Waarom duurt mijn Wmo-aanvraag zo lang? Ik woon aan de {s}.",
]
STREETS = ["Wiekstraat", "Maalderij", "Dorpsstraat", "Kerkplein", "Beekdalweg", "Havenkade"]


def write_file(path: Path, lines: int, seed: int = 7) -> None:
    """Write a deterministic synthetic import file."""
    rng = random.Random(seed)
    start = datetime(2026, 1, 5, 8, tzinfo=UTC)
    recent: list[tuple[str, str]] = []
    with path.open("w", encoding="utf-8") as out:
        for i in range(lines):
            channel = CHANNELS[i % len(CHANNELS)]
            reply_to = None
            if recent and rng.random() < 0.16:
                ch, ext = rng.choice(recent[-200:])
                if ch == channel:
                    reply_to = ext
            text = rng.choice(SNIPPETS).format(s=rng.choice(STREETS)) + f" (#{i})"
            line = {
                "channel": channel,
                "external_id": f"bench-{i}",
                "author": {"handle": f"@inwoner{rng.randrange(20000)}", "name": "Inwoner"},
                "text": text,
                "sent_at": (start + timedelta(seconds=30 * i)).isoformat(),
                "in_reply_to": reply_to,
                "public": channel not in ("email", "webform"),
            }
            out.write(json.dumps(line, ensure_ascii=False) + "\n")
            recent.append((channel, f"bench-{i}"))


def main(lines: int = 100_000, database_url: str | None = None) -> dict[str, float]:
    """Run the benchmark and return its figures."""
    tmp = Path(tempfile.mkdtemp(prefix="nabij-import-"))
    path = tmp / "bench.jsonl"
    write_file(path, lines)
    env = fresh_env(database_url)
    run(["migrate"], env)
    t0 = time.perf_counter()
    first = run(["import", str(path), "--quiet", "--no-analyse"], env)
    t1 = time.perf_counter()
    second = run(["import", str(path), "--quiet", "--no-analyse"], env)
    t2 = time.perf_counter()
    verify = run(["audit", "verify"], env)
    result = {
        "lines": lines,
        "first_seconds": round(t1 - t0, 2),
        "messages_per_second": round(lines / (t1 - t0)),
        "second_seconds": round(t2 - t1, 2),
        "second_output": second.stdout.strip(),
        "first_output": first.stdout.strip(),
        "audit": verify.stdout.strip(),
    }
    return result


if __name__ == "__main__":
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 100_000
    print(json.dumps(main(n), indent=2))
