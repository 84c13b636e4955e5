"""Benchmark the protocol: simulate a draft against the default over synthetic messages.

Run: .venv/bin/python bench/bench_protocol.py [--messages 100000] [--seed 7]
Prints the time for compiling, for `simulate` over N messages (both protocols, traces
only for changed decisions) and for traced `evaluate` calls.
"""

from __future__ import annotations

import argparse
import random
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from nabij.protocol import default_protocol_text, evaluate, load_protocol, simulate
from nabij.protocol.vocab import (
    CHANNELS,
    DEFAULT_TOPICS,
    EMOTIONS,
    MESSAGE_TYPES,
    PII_KINDS,
    TOXICITY_CATEGORIES,
    URGENCY_LEVELS,
)


def synthetic_item(rng: random.Random, index: int) -> tuple[str, dict[str, Any], dict[str, Any]]:
    """One plausible (key, analysis, context) triple."""
    kind = rng.choice(MESSAGE_TYPES)
    scores = {name: round(rng.random() * 0.3, 3) for name in MESSAGE_TYPES}
    scores[kind] = round(0.5 + rng.random() * 0.5, 3)
    toxic = kind == "aanval" or rng.random() < 0.05
    analysis = {
        "language": "nl" if rng.random() < 0.9 else "en",
        "type": kind,
        "type_scores": scores,
        "type_confidence": scores[kind],
        "sentiment": round(rng.uniform(-1, 1), 3),
        "sentiment_label": rng.choice(["positief", "neutraal", "negatief"]),
        "emotion": rng.choice(EMOTIONS),
        "emotion_scores": {name: round(rng.random(), 3) for name in EMOTIONS},
        "toxicity": round(rng.uniform(0.5, 1) if toxic else rng.random() * 0.3, 3),
        "toxicity_categories": rng.sample(TOXICITY_CATEGORIES, rng.randint(1, 2)) if toxic else [],
        "urgency": rng.choices(URGENCY_LEVELS, weights=[30, 60, 8, 2])[0],
        "topics": [
            {"id": topic, "score": round(rng.random(), 3)}
            for topic in rng.sample(DEFAULT_TOPICS, rng.randint(0, 3))
        ],
        "pii": [{"kind": rng.choice(PII_KINDS)}] if rng.random() < 0.1 else [],
    }
    context = {
        "channel": rng.choice(CHANNELS),
        "public": rng.random() < 0.7,
        "first_message": rng.random() < 0.6,
        "author_messages_recent": rng.randint(0, 20),
        "author_recent_days": 30,
        "author_hidden_count": rng.choices([0, 1, 2, 5], weights=[85, 8, 5, 2])[0],
        "author_flagged_abuser": rng.random() < 0.03,
        "conversation_has_reply": rng.random() < 0.3,
        "office_hours": rng.random() < 0.6,
        "crisis_mode": rng.random() < 0.1,
    }
    return f"m{index}", analysis, context


def draft_text() -> str:
    """A realistic draft: opinions get an answer and questions a shorter deadline."""
    text = default_protocol_text().replace('version: "2026.1"', 'version: "2026.2-concept"')
    text = text.replace(
        "      action: monitoren\n      reason: beleidssignaal",
        "      action: beantwoorden\n      reason: beleidssignaal",
    )
    return text.replace(
        "      reason: vraag\n      deadline_hours: 8",
        "      reason: vraag\n      deadline_hours: 4",
    )


def main() -> int:
    """Run the benchmark and print the numbers."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--messages", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    rng = random.Random(args.seed)
    items = [synthetic_item(rng, index) for index in range(args.messages)]

    started = time.perf_counter()
    current = load_protocol(default_protocol_text())
    draft = load_protocol(draft_text())
    compiled = time.perf_counter() - started

    started = time.perf_counter()
    result = simulate(current, draft, items)
    simulated = time.perf_counter() - started

    started = time.perf_counter()
    traces = sum(len(change.before.trace) + len(change.after.trace) for change in result.changed)
    materialised = time.perf_counter() - started

    sample = items[:10_000]
    started = time.perf_counter()
    for _, analysis, context in sample:
        evaluate(current, analysis, context)
    traced = time.perf_counter() - started

    print(f"python {sys.version.split()[0]}, {len(current.rules)} rules per protocol")
    print(f"load + validate + compile two protocols: {compiled * 1000:.1f} ms")
    print(
        f"simulate {result.total:,} messages: {simulated:.2f} s "
        f"({result.total / simulated:,.0f} messages/s), {result.changed_count:,} changed "
        f"decisions with both traces"
    )
    print(
        f"build both traces for all {len(result.changed):,} changed decisions: "
        f"{materialised:.2f} s ({traces:,} trace lines); simulate + all traces: "
        f"{simulated + materialised:.2f} s"
    )
    print(
        f"evaluate with full trace: {len(sample):,} messages in {traced:.2f} s "
        f"({traced / len(sample) * 1e6:.0f} µs each)"
    )
    verdict = "met" if simulated + materialised < 30 else "MISSED"
    print(f"target: {result.total:,} messages with all traces well under 30 s — {verdict}")
    print("action                 before    after")
    for action, before, after, _ in result.rows():
        print(f"{action:<22}{before:>7}{after:>9}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
