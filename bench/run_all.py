"""Run every benchmark in bench/ and write the figures to docs/benchmarks.md.

Each `bench_*.py` script prints its own figures; this runner records them verbatim
with the machine and the date, so every number in the docs can be reproduced with
`make bench` (or one script: `python bench/bench_import.py`).
"""

from __future__ import annotations

import datetime as dt
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import ROOT, machine

DOC = ROOT / "docs" / "benchmarks.md"
INTRO = """# Benchmarks

Written by `make bench` (`bench/run_all.py`). Speed is checked here, never by timed
unit tests. Each section is the verbatim output of one script in `bench/`; rerun one
with `.venv/bin/python bench/<script>.py`.
"""


def _existing_sections() -> dict[str, str]:
    """Sections of the current document, by heading, to keep when only some scripts run."""
    if not DOC.exists():
        return {}
    text = DOC.read_text(encoding="utf-8")
    parts = text.split("\n## ")[1:]
    return {f"## {p.split(chr(10), 1)[0]}": f"## {p.rstrip()}\n" for p in parts}


def _existing_sections() -> dict[str, str]:
    """Sections of the current document, by heading, to keep when only some scripts run."""
    if not DOC.exists():
        return {}
    text = DOC.read_text(encoding="utf-8")
    parts = text.split("\n## ")[1:]
    return {f"## {p.split(chr(10), 1)[0]}": f"## {p.rstrip()}\n" for p in parts}


def main(selected: list[str]) -> int:
    """Run the selected (or all) benchmark scripts and rewrite docs/benchmarks.md."""
    scripts = sorted((ROOT / "bench").glob("bench_*.py"))
    if selected:
        scripts = [s for s in scripts if any(name in s.name for name in selected)]
    sections = []
    failed = 0
    for script in scripts:
        print(f"== {script.name}", flush=True)
        start = time.perf_counter()
        proc = subprocess.run(
            [sys.executable, str(script)], cwd=ROOT, capture_output=True, text=True
        )
        seconds = time.perf_counter() - start
        output = (proc.stdout.strip() or "(no output)")[-6000:]
        print(output)
        status = "ok" if proc.returncode == 0 else f"FAILED (exit {proc.returncode})"
        if proc.returncode:
            failed += 1
            output += "\n" + proc.stderr.strip()[-2000:]
        when = f"{dt.datetime.now().astimezone():%Y-%m-%d %H:%M %Z}"
        sections.append(
            f"## {script.stem}\n\n{status}, {seconds:.0f} s wall time, run {when}\n\n"
            f"```\n{output}\n```\n"
        )
    stamp = f"{dt.datetime.now().astimezone():%Y-%m-%d %H:%M %Z}"
    kept = _existing_sections() if selected else {}
    for section in sections:
        kept[section.split("\n", 1)[0]] = section
    header = f"{INTRO}\nMachine: {machine()}  \nLast run: {stamp}\n"
    DOC.write_text(header + "\n" + "\n".join(kept[k] for k in sorted(kept)), encoding="utf-8")
    print(f"wrote {DOC.relative_to(ROOT)}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
