"""Benchmark the understanding pipeline: start-up, batch throughput, single latency, memory.

Run: .venv/bin/python bench/bench_understanding.py [--messages N] [--threads 2] [--workers 0]
The batch figure is `nabij analyse` on a JSONL file, as a user runs it (worker processes,
start-up included); the in-process figure is one `Analyser.analyse_batch` call.
Texts come from the labelled data in data/ when present (so lengths are realistic),
otherwise from a small built-in set. Targets: >= 500 msg/s in batch, single p95 < 30 ms,
start-up < 3 s, resident memory < 400 MB.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
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


def _tree(pid: int) -> list[int]:
    """The process and its children (the forked workers)."""
    try:
        children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
    except OSError:
        return [pid]
    return [pid, *(c for child in children for c in _tree(int(child)))]


def _memory_kb(pid: int, field: str) -> int:
    try:
        for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
            if line.startswith(field + ":"):
                return int(line.split()[1])
    except (OSError, ValueError):
        pass
    return 0


def pipeline(lines: int, workers: int) -> dict[str, float]:
    """`nabij analyse` on a JSONL file, as a user runs it: wall time including start-up,
    peak memory of the process tree (PSS counts pages shared by the forked workers once)."""
    texts = sample_texts(lines)
    with tempfile.TemporaryDirectory() as tmp:
        source, target = Path(tmp) / "in.jsonl", Path(tmp) / "out.jsonl"
        with open(source, "w", encoding="utf-8") as handle:
            for index, text in enumerate(texts):
                handle.write(json.dumps({"id": index, "text": text}, ensure_ascii=False) + "\n")
        command = [sys.executable, "-m", "nabij.cli", "analyse", "--in", str(source),
                   "--out", str(target), "--no-progress", "--workers", str(workers)]  # fmt: skip
        began = time.perf_counter()
        proc = subprocess.Popen(command, cwd=ROOT)
        peak_pss = peak_rss = 0
        while proc.poll() is None:
            pids = _tree(proc.pid)
            peak_pss = max(peak_pss, sum(_memory_kb(p, "Pss") for p in pids))
            peak_rss = max(peak_rss, max(_memory_kb(p, "Rss") for p in pids))
            time.sleep(0.25)
        elapsed = time.perf_counter() - began
        if proc.returncode != 0:
            raise SystemExit(f"nabij analyse failed with {proc.returncode}")
        with open(target, encoding="utf-8") as handle:
            written = sum(1 for _ in handle)
    assert written == lines, (written, lines)
    return {"seconds": elapsed, "rate": lines / elapsed, "pss_mb": peak_pss / 1024,
            "rss_mb": peak_rss / 1024}  # fmt: skip


def main() -> int:
    """Measure and print the figures."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--messages", type=int, default=5000)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--single", type=int, default=300)
    parser.add_argument("--pipeline-lines", type=int, default=20000)
    parser.add_argument("--workers", type=int, default=0, help="for nabij analyse (0: per core)")
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
    run = pipeline(args.pipeline_lines, args.workers)
    cores = len(os.sched_getaffinity(0))
    print(f"messages           {len(texts)} (mean {mean_chars:.0f} characters), {cores} cores")
    print(
        f"nabij analyse      {args.pipeline_lines} lines in {run['seconds']:.1f} s incl. start-up:"
        f" {run['rate']:.0f} messages/s  (target >= 500)"
    )
    print(
        f"  its memory       {run['pss_mb']:.0f} MB for all processes together (PSS),"
        f" largest process {run['rss_mb']:.0f} MB resident"
    )
    print(f"in one process    {len(texts) / elapsed:.0f} messages/s (Analyser.analyse_batch)")
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
