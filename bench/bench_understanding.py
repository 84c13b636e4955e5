"""Benchmark the understanding pipeline: start-up, batch throughput, single latency, memory.

Run: .venv/bin/python bench/bench_understanding.py [--messages N] [--threads 2]
Texts come from the labelled data in data/ when present (so lengths are realistic),
otherwise from a small built-in set. Targets: >= 500 msg/s in batch, single p95 < 30 ms,
start-up < 3 s, resident memory < 400 MB.
"""

from __future__ import annotations

import argparse
import json
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
FALLBACK = [
    "De lantaarnpaal in de Kerkstraat is al twee weken kapot, wanneer wordt die gemaakt?",
    "Al drie keer gebeld over mijn Wmo-aanvraag en niemand belt terug. Belachelijk.",
    "Bedankt voor de snelle hulp bij het ophalen van het grofvuil!",
    "Wist je dat ze het zwembad gaan sluiten? Deel dit!",
    "Ik kan niet meer, ik weet niet hoe ik verder moet.",
]


def sample_texts(limit: int) -> list[str]:
    """Message texts from the repository's labelled data (repeated up to `limit`)."""
    texts: list[str] = []
    for path in sorted((ROOT / "data").glob("*/*.jsonl")):
        with open(path, encoding="utf-8", errors="replace") as handle:
            for line in handle:
                try:
                    text = json.loads(line).get("text")
                except (json.JSONDecodeError, AttributeError):
                    continue
                if isinstance(text, str) and text.strip():
                    texts.append(text)
    texts = texts or FALLBACK
    return [texts[i % len(texts)] for i in range(limit)]


def startup_seconds() -> float:
    """Time for a fresh process to import the package, load everything and analyse once."""
    code = (
        "import time; t = time.perf_counter();"
        "from nabij.understanding import Analyser;"
        "a = Analyser(threads=2); a.analyse('De lamp is kapot');"
        "print(time.perf_counter() - t)"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True
    )
    return float(out.stdout.strip().splitlines()[-1])


def main() -> int:
    """Measure and print the figures."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--messages", type=int, default=5000)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--single", type=int, default=300)
    args = parser.parse_args()
    sys.path.insert(0, str(ROOT))
    from nabij.understanding import Analyser

    startup = min(startup_seconds() for _ in range(2))
    analyser = Analyser(threads=args.threads)
    analyser.warm_up()
    texts = sample_texts(args.messages)
    analyser.analyse_batch(texts[:200])
    began, cpu_began = time.perf_counter(), time.process_time()
    analyser.analyse_batch(texts)
    elapsed = time.perf_counter() - began
    # CPU time is robust against other processes on a shared machine.
    cpu = time.process_time() - cpu_began
    latencies = []
    for text in texts[: args.single]:
        began = time.perf_counter()
        analyser.analyse(text)
        latencies.append((time.perf_counter() - began) * 1000)
    latencies.sort()
    p95 = latencies[int(len(latencies) * 0.95) - 1]
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    mean_chars = statistics.mean(len(t) for t in texts)
    print(f"messages           {len(texts)} (mean {mean_chars:.0f} characters)")
    print(f"batch throughput   {len(texts) / elapsed:.0f} messages/s  (target >= 500)")
    per_cpu_second = len(texts) / cpu
    print(f"CPU per message    {cpu / len(texts) * 1000:.2f} ms  ({per_cpu_second:.0f} msg/CPU-s)")
    print(
        f"single p50 / p95   {latencies[len(latencies) // 2]:.1f} / {p95:.1f} ms  (target p95 < 30)"
    )
    print(f"start-up           {startup:.2f} s  (target < 3)")
    print(f"peak resident mem  {rss:.0f} MB  (target < 400)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
