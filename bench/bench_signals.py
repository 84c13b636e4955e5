"""Benchmark the signal statistics at scale on synthetic data: spikes, patterns, bursts.

Run: .venv/bin/python bench/bench_signals.py [--messages 1000000] [--days 30]
Issue target: with 1,000,000 messages, pattern detection over 30 days under 60 s.
The 1,000,000 messages all fall inside the 30-day window (the hard case); 60 % of them are
candidates (melding/klacht/vraag/desinformatie, as in the demo data), with 512-d embeddings
precomputed the way a deployment stores them. Background embeddings sit around a topic
centre (unrelated messages on one topic have cosine ~0.35, like the real encoder); 300
planted patterns and 20 coordinated bursts are hidden in them and must be found back.
Spike detection gets the same daily volume over the window plus 56 days of history
(2.87 million messages for the default).
"""

from __future__ import annotations

import argparse
import resource
import sys
import time
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from nabij.signals import (  # noqa: E402
    Gazetteer,
    SignalMessage,
    find_coordinated,
    find_patterns,
    find_spikes,
)

TZ = ZoneInfo("Europe/Amsterdam")
TOPICS = ["afval", "parkeren", "verkeer", "openbare_ruimte", "verlichting", "groen",
          "zorg_wmo", "jeugd", "belastingen", "wonen", "veiligheid", "overlast",
          "dienstverlening", "evenementen", "onderwijs", "klimaat_energie", "water_riolering",
          "bestuur", "inkomen", "toeslagen", "overig"]  # fmt: skip
TYPES = ["melding", "klacht", "vraag", "desinformatie", "mening", "compliment", "ervaring"]
TYPE_WEIGHTS = [0.18, 0.14, 0.25, 0.03, 0.2, 0.1, 0.1]
CHANNELS = ["mastodon", "facebook", "email", "x", "instagram", "webform", "whatsapp"]
STREET_NAMES = ("Molen", "Kerk", "Beek", "Haven", "Stations", "Park", "School", "Dorps", "Eiken")
STREETS = [f"{name}{suffix}" for name in STREET_NAMES for suffix in ("straat", "laan", "weg")]
WORDS = (
    "lamp kapot donker afval container stoep gat boom tak bus fiets parkeren vergunning "
    "zwembad school subsidie belasting aanslag geluid overlast water riool"
).split()
DIM = 512


def _unit(x: np.ndarray) -> np.ndarray:
    return x / np.linalg.norm(x, axis=-1, keepdims=True)


def make_messages(
    count: int, start: datetime, days: int, seed: int, with_vectors: bool,
    patterns: int = 300, bursts: int = 20,
) -> tuple[list[SignalMessage], dict]:  # fmt: skip
    """Synthetic traffic with planted patterns and bursts; returns messages and {key: pattern}."""
    rng = np.random.default_rng(seed)
    seconds = np.sort(rng.uniform(0, days * 86400, count))
    topic_idx = rng.integers(0, len(TOPICS), count)
    type_idx = rng.choice(len(TYPES), size=count, p=TYPE_WEIGHTS)
    authors = rng.integers(0, count // 3, count)
    vectors = None
    if with_vectors:
        centres = _unit(rng.standard_normal((len(TOPICS), DIM)).astype(np.float32))
        vectors = _unit(0.6 * centres[topic_idx] + 0.8 * _unit(
            rng.standard_normal((count, DIM)).astype(np.float32)))  # fmt: skip
    planted = np.full(count, -1)
    candidates = np.nonzero(type_idx < 4)[0]
    for p in range(patterns):
        size = int(rng.integers(8, 40))
        anchor = int(rng.choice(candidates))
        span = rng.uniform(3, 20) * 86400
        members = candidates[np.abs(seconds[candidates] - seconds[anchor]) < span / 2]
        members = rng.choice(members, size=min(size, len(members)), replace=False)
        members = members[planted[members] < 0]
        planted[members] = p
        topic_idx[members] = topic_idx[anchor]
        if vectors is not None:
            centre = _unit(0.6 * centres[topic_idx[anchor]] + 0.8 * _unit(
                rng.standard_normal(DIM).astype(np.float32)))  # fmt: skip
            noise = _unit(rng.standard_normal((len(members), DIM)).astype(np.float32))
            vectors[members] = _unit(0.9 * centre + 0.45 * noise)
    origin = start.astimezone(TZ)
    words = rng.integers(0, len(WORDS), (count, 6)).tolist()
    texts = [
        f"{WORDS[p % len(WORDS)]} probleem {STREETS[p % len(STREETS)]}" if p >= 0
        else " ".join(WORDS[j] for j in row)
        for p, row in zip(planted.tolist(), words, strict=True)
    ]  # fmt: skip
    moments = [origin + timedelta(seconds=x) for x in seconds.tolist()]
    first_seen = origin - timedelta(days=300)
    types = [TYPES[t] for t in type_idx.tolist()]
    topics = [TOPICS[t] for t in topic_idx.tolist()]
    out = [
        SignalMessage(
            key=f"{CHANNELS[i % 7]}:{i}", channel=CHANNELS[i % 7], author_key=f"a{a}",
            author_first_seen=first_seen, sent_at=moments[i], text=texts[i], type=types[i],
            topic=topics[i], embedding=None if vectors is None else vectors[i],
        )
        for i, a in enumerate(authors.tolist())
    ]  # fmt: skip
    truth: dict[str, int] = {out[i].key: int(p) for i, p in enumerate(planted.tolist()) if p >= 0}
    for b in range(bursts):
        when = origin + timedelta(days=float(rng.uniform(1, days - 1)))
        base = (f"Stop {WORDS[b % len(WORDS)]} en {WORDS[(7 * b + 3) % len(WORDS)]} in wijk "
                f"{STREETS[b % len(STREETS)]}, teken de petitie")  # fmt: skip
        for k in range(25):
            out.append(SignalMessage(
                key=f"x:burst{b}-{k}", channel="x", author_key=f"burst{b}-{k}",
                author_first_seen=when, sent_at=when + timedelta(minutes=4 * k),
                text=base + (" #nu" if k % 3 else "!"), type="mening", topic="bestuur",
            ))  # fmt: skip
    return out, truth


def recall(found: list[dict], truth: dict[str, int]) -> tuple[int, int, int]:
    """Planted patterns (of 5+ members) recovered with >= 80 % of their members in one found
    pattern, how many were plantable, and found patterns that match none."""
    planted: dict[int, set[str]] = {}
    for key, pattern in truth.items():
        planted.setdefault(pattern, set()).add(key)
    plantable = [members for members in planted.values() if len(members) >= 5]
    sets = [set(p["messages"]) for p in found]
    hit, used = 0, set()
    for members in plantable:
        for n, found_set in enumerate(sets):
            if len(members & found_set) >= 0.8 * len(members):
                hit += 1
                used.add(n)
                break
    return hit, len(plantable), len(sets) - len(used)


def timed(label: str, func, *args):  # type: ignore[no-untyped-def]
    """Run func, print the wall time, return its result."""
    began, cpu = time.perf_counter(), time.process_time()
    result = func(*args)
    # CPU time is robust against other processes on a shared machine.
    wall, cpu = time.perf_counter() - began, time.process_time() - cpu
    print(f"{label}: {wall:.1f} s wall, {cpu:.1f} s CPU", flush=True)
    return result


def main() -> int:
    """Measure and print the figures."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--messages", type=int, default=1_000_000)
    parser.add_argument("--days", type=int, default=30)
    args = parser.parse_args()
    start = datetime(2026, 9, 7, tzinfo=TZ)
    end = start + timedelta(days=args.days)
    gazetteer = Gazetteer.from_mapping({s: "Molenkwartier" for s in STREETS[:6]})

    began = time.perf_counter()
    history = 56
    spike_messages, _ = make_messages(
        args.messages * (history + args.days) // args.days,
        start - timedelta(days=history),
        history + args.days,
        seed=3,
        with_vectors=False,
        patterns=0,
        bursts=0,
    )
    print(f"spikes: {len(spike_messages):,} messages over {history + args.days} days "
          f"(generated in {time.perf_counter() - began:.0f} s)")  # fmt: skip
    spikes = timed("  spike detection (daily + hourly, topic/channel/total)",
                   find_spikes, spike_messages, start, end, TZ)  # fmt: skip
    print(f"  alerts on random traffic without events: {len(spikes)}")
    del spike_messages

    began = time.perf_counter()
    messages, planted = make_messages(args.messages, start, args.days, seed=5, with_vectors=True)
    candidates = [m for m in messages if m.type in TYPES[:4]]
    print(f"patterns: {len(messages):,} messages in {args.days} days, {len(candidates):,} "
          f"candidates (generated in {time.perf_counter() - began:.0f} s)")  # fmt: skip
    began = time.perf_counter()
    vectors = np.vstack([m.embedding for m in candidates if m.embedding is not None])
    patterns = timed("  pattern detection (embeddings precomputed)", find_patterns,
                     candidates, vectors, end, TZ, gazetteer)  # fmt: skip
    print(f"  pattern step incl. stacking embeddings: {time.perf_counter() - began:.1f} s")
    hit, plantable, extra = recall(patterns, planted)
    print(f"  planted patterns found: {hit} of {plantable}; other patterns: {extra}")
    bursts = timed("  coordinated posting", find_coordinated, messages, start, end)
    print(f"  bursts found: {len(bursts)} of 20 planted "
          f"({sum(len(b['messages']) == 25 for b in bursts)} with all 25 members)")  # fmt: skip
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"peak resident memory: {peak:,.0f} MB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
