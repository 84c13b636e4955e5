"""Shared helpers for the benchmarks: machine description, fresh databases, timing."""

from __future__ import annotations

import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
NABIJ = [sys.executable, "-m", "nabij.cli"]


def machine() -> str:
    """A one-line description of this machine."""
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    mem = ""
    try:
        kb = int(Path("/proc/meminfo").read_text().split()[1])
        mem = f", {kb / 1024 / 1024:.0f} GiB RAM"
    except (OSError, ValueError, IndexError):
        pass
    return f"{os.cpu_count()} cores ({cpu}){mem}, Python {platform.python_version()}"


def fresh_env(database_url: str | None = None) -> dict[str, str]:
    """Environment for a nabij subprocess with an empty data directory."""
    env = dict(os.environ)
    env["NABIJ_DATA_DIR"] = tempfile.mkdtemp(prefix="nabij-bench-")
    env.pop("DATABASE_URL", None)
    if database_url:
        env["DATABASE_URL"] = database_url
    env["NABIJ_TASK_BACKEND"] = "database"
    env["NABIJ_DEBUG"] = "off"  # measure the production configuration
    return env


def run(args: list[str], env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    """Run a nabij subcommand and fail loudly when it fails."""
    proc = subprocess.run(NABIJ + args, env=env, cwd=ROOT, capture_output=True, text=True)
    if proc.returncode not in (0,):
        raise RuntimeError(f"nabij {' '.join(args)} failed:\n{proc.stderr[-2000:]}")
    return proc


def child_json(cmd: list[str], label: str) -> Any:
    """Run a benchmark's child process, whose last line on stdout is its JSON result.

    None, after a line saying so, when it fails or prints nothing."""
    proc = subprocess.run(cmd, cwd=ROOT, stdout=subprocess.PIPE, text=True)
    lines = proc.stdout.strip().splitlines()
    if proc.returncode or not lines:
        print(f"{label} FAILED (exit {proc.returncode})\n", flush=True)
        return None
    return json.loads(lines[-1])


def write_report(path: str | None, db: str, report: Any) -> None:
    """With --json PATH: the figures of one database as PATH.<db>.json."""
    if path:
        Path(path).with_suffix(f".{db}.json").write_text(json.dumps(report, indent=2))


def percentile(values: list[float], pct: float) -> float:
    """The pct-th percentile (0..100) of values."""
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    k = (len(ordered) - 1) * pct / 100
    lo, hi = int(k), min(int(k) + 1, len(ordered) - 1)
    return ordered[lo] + (ordered[hi] - ordered[lo]) * (k - lo)


def median(values: list[float]) -> float:
    """The median."""
    return statistics.median(values) if values else float("nan")
