"""Signal detection over the last 30 days of stored messages, stage by stage (issue #7).

Issue target: with 1,000,000 messages, detection over 30 days < 60 s, on both databases.
The data is the dashboards benchmark's (`bench/inboxdata.py` + `bench/dashboardsdata.py`:
one current analysis per inbound message) spread over `--days` days; the 30-day window
ends on the day the data was built. With 1,000,000 messages over 100 days the window holds
about 300,000 messages; `--messages 300000 --days 30` gives the same window (without the
eight weeks of history before it) and builds much faster:

    python bench/bench_detection.py --messages 300000 --days 30       # while developing
    nice -n 5 python bench/bench_detection.py --db both               # 1,000,000 / 100 days

Detection runs as the hourly job and `nabij signals detect --lexical` run it
(`run_detection` with the model-free similarity); `--embeddings` also times it with the
sentence encoder. Each measurement works on a fresh copy of a cached base database: a
SQLite file in bench/out/ (a finished dashboards base of the same size is reused) or the
PostgreSQL base `bench_detect_base`, copied to `bench_detect` and dropped at the end.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import sys
import time
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_dashboards import build, cache_key
from bench_dashboards import work_copy as dashboards_work_copy
from bench_inbox import PG_SERVER, backend_cpu_ms, child_env, pg_admin, setup_django
from common import ROOT, child_json, machine, write_report

OUT = ROOT / "bench" / "out"
PG_BASE, PG_WORK = "bench_detect_base", "bench_detect"
TARGET_S = 60.0
WINDOW_DAYS = 30


def log(text: str) -> None:
    """Progress on stderr (stdout carries the results)."""
    print(f"  [{time.strftime('%H:%M:%S')}] {text}", file=sys.stderr, flush=True)


def meta_paths(db: str, messages: int, days: int) -> list[Path]:
    """Meta files of usable base databases: this benchmark's own, then the dashboards' one."""
    key = cache_key(messages, days)
    own = OUT / f"detection-{db}-{messages}-{days}-{key}.json"
    if db == "postgres":
        return [own]
    return [own, OUT / f"dashboards-{db}-{messages}-{days}-{key}.json"]


def base_ready(db: str, meta_path: Path) -> bool:
    """Whether a meta file's base database is complete (the meta is written after a build)."""
    if not meta_path.exists():
        return False
    if db == "sqlite":
        return meta_path.with_suffix(".sqlite3").exists()
    import psycopg

    with psycopg.connect(PG_SERVER + "postgres") as conn:
        found = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [PG_BASE]).fetchone()
    return found is not None


def prepare(args: argparse.Namespace) -> dict[str, Any]:
    """The base database of this size (built when missing or asked) and its facts."""
    OUT.mkdir(parents=True, exist_ok=True)
    paths = meta_paths(args.db, args.messages, args.days)
    if not args.rebuild:
        for path in paths:
            if base_ready(args.db, path):
                log(f"using the base database of {path.name}")
                return {**json.loads(path.read_text()), "meta": str(path), "cached": True}
    own = paths[0]
    if args.db == "sqlite":
        for suffix in ("", "-wal", "-shm"):
            Path(f"{own.with_suffix('.sqlite3')}{suffix}").unlink(missing_ok=True)
        env = child_env(f"sqlite:///{own.with_suffix('.sqlite3')}")
    else:
        for old in OUT.glob("detection-postgres-*.json"):
            old.unlink()  # one PostgreSQL base serves one size at a time
        pg_admin(f"DROP DATABASE IF EXISTS {PG_BASE} WITH (FORCE)")
        pg_admin(f"CREATE DATABASE {PG_BASE}")
        env = child_env(PG_SERVER + PG_BASE)
    meta = build(args.db, args.messages, args.days, env)
    own.write_text(json.dumps(meta))
    return {**meta, "meta": str(own), "cached": False}


def work_copy(db: str, meta_path: Path) -> str:
    """A fresh copy of the base database (the roll-ups and stored results write to it)."""
    return dashboards_work_copy(db, meta_path, name="detection", pg_base=PG_BASE, pg_work=PG_WORK)


class Clock:
    """Wall and CPU seconds of a step (CPU: this process plus the PostgreSQL backend)."""

    def __enter__(self) -> Clock:
        self.wall0, self.cpu0, self.db0 = time.perf_counter(), time.process_time(), 0.0
        self.db0 = backend_cpu_ms()
        return self

    def __exit__(self, *exc: object) -> None:
        self.wall = time.perf_counter() - self.wall0
        self.cpu = time.process_time() - self.cpu0 + (backend_cpu_ms() - self.db0) / 1000


def measure(args: argparse.Namespace, meta: dict[str, Any]) -> dict[str, Any]:
    """Roll-ups, then detection over the 30-day window with its stage times."""
    from django.db import connection
    from django.utils import timezone

    from nabij.actions.detection import run_detection
    from nabij.actions.rollups import do_refresh_rollups

    if connection.vendor == "postgresql":
        connection.settings_dict["CONN_MAX_AGE"] = None  # one connection for the whole run
        connection.close()
    out: dict[str, Any] = {}
    with Clock() as clock:
        do_refresh_rollups(full=True)
    out["rollups_s"] = clock.wall
    log(f"roll-ups (full, informative): {clock.wall:.1f} s")
    end = timezone.localdate(datetime.fromisoformat(meta["built_at"]))
    start = end - timedelta(days=WINDOW_DAYS - 1)
    out["window"] = (start.isoformat(), end.isoformat())
    runs = [("lexical", None)] + ([("embeddings", "default")] if args.embeddings else [])
    for label, embedder in runs:
        for attempt in range(args.repeat):
            stages: dict[str, float] = {}
            load0 = os.getloadavg()[0]
            with Clock() as clock:
                found = run_detection(start, end, embedder=embedder, timings=stages)
            result = {
                "wall_s": clock.wall,
                "cpu_s": clock.cpu,
                "stages": stages,
                "found": {k: len(v) for k, v in found.items()},
                "load": (load0, os.getloadavg()[0]),
            }
            out.setdefault("runs", {}).setdefault(label, []).append(result)
            log(f"detection ({label}, run {attempt + 1}): {clock.wall:.1f} s wall, "
                f"{clock.cpu:.1f} s CPU, {_stage_text(stages)}; "
                f"found {result['found']}")  # fmt: skip
    out.update(heartbeat(datetime.fromisoformat(meta["built_at"])))
    out["sqlite_stats"] = bool(args.sqlite_stats)
    out["peak_rss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return out


def heartbeat(now: datetime) -> dict[str, Any]:
    """The hourly job as of the build time, then the heartbeat page that reads its result."""
    from django.contrib.auth import get_user_model
    from django.test import Client
    from django.utils import timezone

    from nabij.actions.detection import do_run_periodic_detection
    from nabij.actions.users import do_create_user

    with Clock() as job:
        do_run_periodic_detection(now=now, embedder=None)
    log(f"hourly job (detect, store, alert): {job.wall:.1f} s")
    analyst = get_user_model().objects.filter(username="bench-analyst").first()
    if analyst is None:
        analyst = do_create_user("bench-analyst", "Bench-wachtwoord-2026", role="analyst")
    client = Client()
    client.force_login(analyst)
    iso = timezone.localdate(now).isocalendar()
    week = f"{iso.year}-W{iso.week:02d}"
    times = []
    for _ in range(3):
        t0 = time.perf_counter()
        response = client.get("/signalen/hartslag/", {"week": week})
        times.append(time.perf_counter() - t0)
        if response.status_code != 200:
            raise RuntimeError(f"heartbeat page answered {response.status_code}")
    log(f"heartbeat page from stored results: {', '.join(f'{t * 1000:.0f}' for t in times)} ms")
    return {"job_s": job.wall, "heartbeat_ms": [t * 1000 for t in times]}


def sqlite_statistics(url: str) -> None:
    """ANALYZE a SQLite file, as the six-hourly `PRAGMA optimize` of a running Nabij does."""
    import sqlite3

    t0 = time.perf_counter()
    conn = sqlite3.connect(url.removeprefix("sqlite:///"))
    conn.execute("ANALYZE")
    conn.commit()
    conn.close()
    log(f"ANALYZE in {time.perf_counter() - t0:.1f} s")


def _stage_text(stages: dict[str, float]) -> str:
    text = ", ".join(f"{k} {v:.1f}" for k, v in stages.items() if k != "lexical_vectors")
    return text + (" (lexical vectors)" if stages.get("lexical_vectors") else "")


def child(args: argparse.Namespace) -> int:
    """Prepare the base database, or measure on a fresh copy; JSON on stdout."""
    os.chdir(ROOT)
    if args.child == "prepare":
        print(json.dumps(prepare(args)))
        return 0
    meta = json.loads(args.meta_json)
    url = work_copy(args.db, Path(meta["meta"]))
    if args.db == "sqlite" and args.sqlite_stats:
        sqlite_statistics(url)
    setup_django(child_env(url))
    try:
        out = measure(args, meta)
    finally:
        from django.db import connections

        connections.close_all()
        if args.db == "postgres":
            pg_admin(f"DROP DATABASE IF EXISTS {PG_WORK} WITH (FORCE)")
        else:
            for suffix in ("", "-wal", "-shm"):
                Path(f"{url.removeprefix('sqlite:///')}{suffix}").unlink(missing_ok=True)
    print(json.dumps(out))
    return 0


def table(db: str, meta: dict[str, Any], res: dict[str, Any]) -> str:
    """A plain-text report of one database's figures."""
    stats = "" if db != "sqlite" else (
        "; SQLite planner statistics (ANALYZE)" if res.get("sqlite_stats") else
        "; SQLite without planner statistics")  # fmt: skip
    lines = [
        f"{db}: {meta['messages']:,} messages over {meta['days']} days "
        f"({meta['analyses']:,} analysed inbound), window {res['window'][0]} .. "
        f"{res['window'][1]}; base database {'cached' if meta.get('cached') else 'built'}",
        f"roll-ups before (informative): {res['rollups_s']:.1f} s; peak memory "
        f"{res['peak_rss_mb']:,.0f} MB{stats}",
        "",
        f"{'run':24} {'wall s':>7} {'CPU s':>7} {'load':>9}  < 60 s  stages (wall s)",
    ]
    for label, runs in res.get("runs", {}).items():
        for r in runs:
            ok = "yes" if r["wall_s"] < TARGET_S else "NO"
            lines.append(
                f"{'detection, ' + label:24} {r['wall_s']:>7.1f} {r['cpu_s']:>7.1f} "
                f"{r['load'][0]:>4.1f}/{r['load'][1]:<4.1f}  {ok:6}  {_stage_text(r['stages'])}"
            )
            lines.append(f"{'':24} found: {r['found']}")
    hb = ", ".join(f"{t:.0f}" for t in res["heartbeat_ms"])
    lines += [
        "",
        f"hourly job (detect 30 days, store patterns, alert): {res['job_s']:.1f} s",
        f"heartbeat page from stored results: {hb} ms",
    ]
    return "\n".join(lines)


def _child(args: argparse.Namespace, db: str, step: str, meta: Any = None) -> Any:
    cmd = [sys.executable, __file__, "--child", step, "--db", db, "--messages",
           str(args.messages), "--days", str(args.days), "--repeat", str(args.repeat)]  # fmt: skip
    cmd += [f"--{flag}" for flag in ("rebuild", "embeddings") if getattr(args, flag)]
    cmd += [] if args.sqlite_stats else ["--no-sqlite-stats"]
    if meta is not None:
        cmd += ["--meta-json", json.dumps(meta)]
    return child_json(cmd, f"{db}: {step}")


def parent(args: argparse.Namespace) -> int:
    """Per database: one process prepares the base database, another measures."""
    dbs = ["sqlite", "postgres"] if args.db == "both" else [args.db]
    print(f"Signal detection over {WINDOW_DAYS} days with {args.messages:,} messages over "
          f"{args.days} days; target < {TARGET_S:.0f} s\nMachine: {machine()}\n",
          flush=True)  # fmt: skip
    failed = 0
    for db in dbs:
        meta = _child(args, db, "prepare")
        res = _child(args, db, "measure", meta) if meta else None
        if meta is None or res is None:
            failed += 1
            continue
        print(table(db, meta, res) + "\n", flush=True)
        write_report(args.json, db, {"db": db, "build": meta, "results": res})
        if any(r["wall_s"] >= TARGET_S for r in res.get("runs", {}).get("lexical", [])):
            failed += 1
    return 1 if failed else 0


def main(argv: list[str] | None = None) -> int:
    """Command line: --db sqlite|postgres|both, --messages N, --days D."""
    p = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    p.add_argument("--db", choices=["sqlite", "postgres", "both"], default="sqlite")
    p.add_argument("--messages", type=int, default=1_000_000)
    p.add_argument("--days", type=int, default=100, help="days the messages are spread over")
    p.add_argument("--repeat", type=int, default=1, help="timed detection runs")
    p.add_argument("--embeddings", action="store_true",
                   help="also time detection with the sentence encoder (slow)")  # fmt: skip
    p.add_argument(
        "--no-sqlite-stats",
        dest="sqlite_stats",
        action="store_false",
        help="measure SQLite without planner statistics (a fresh import before the first "
        "six-hourly PRAGMA optimize)",
    )
    p.add_argument("--rebuild", action="store_true", help="ignore the cached base database")
    p.add_argument("--json", help="also write the figures as JSON (PATH.<db>.json)")
    p.add_argument("--child", choices=["prepare", "measure"], help=argparse.SUPPRESS)
    p.add_argument("--meta-json", help=argparse.SUPPRESS)
    args = p.parse_args(argv)
    if args.messages < 1000 or not WINDOW_DAYS <= args.days <= 365 or args.repeat < 1:
        p.error("--messages must be at least 1000, --days between 30 and 365, --repeat >= 1")
    if args.child:
        return child(args)
    return parent(args)


if __name__ == "__main__":
    sys.exit(main())
