"""Signals dashboards on 1,000,000 messages: roll-up refresh and dashboard pages.

Issue targets, with 1,000,000 messages: each dashboard page p95 < 300 ms; refreshing the
roll-ups after 10,000 new messages < 10 s (pattern detection: bench/bench_detection.py).
The database is the inbox benchmark's bulk build (`bench/inboxdata.py`,
`bench/inboxload.py`) squeezed into `--days` days, plus one current analysis and one
decision per inbound message (`bench/dashboardsdata.py`); the measurement adds
`--patterns` stored patterns for the patterns list. Each page kind is timed cold (Django's
cache cleared before every request, so the dashboard is computed from the roll-ups: the
figure the target is judged on) and warm (repeat views of the cached dashboard). Each run
measures on a fresh copy of a cached base database, so re-runs skip the build:

    python bench/bench_dashboards.py                      # SQLite, 1,000,000 messages
    python bench/bench_dashboards.py --db both --messages 200000 --requests 50

The SQLite base file is cached in bench/out/ (keyed by size, days, schema and the data
generators); PostgreSQL keeps a base database `bench_dash_base` (dropped with --drop)
and measures on a copy `bench_dash`, dropped at the end.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import shutil
import sys
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_inbox import PG_SERVER, backend_cpu_ms, child_env, pg_admin, setup_django
from common import ROOT, child_json, machine, median, percentile, run, write_report

OUT = ROOT / "bench" / "out"
PG_BASE, PG_WORK = "bench_dash_base", "bench_dash"
CACHE_HOURS = 20  # the data is relative to its build time
TARGETS = {"page": 300.0, "refresh": 10.0}
NEW_MESSAGES = 10_000


def log(text: str) -> None:
    """Progress on stderr (stdout carries the results)."""
    print(f"  [{time.strftime('%H:%M:%S')}] {text}", file=sys.stderr, flush=True)


def cache_key(messages: int, days: int) -> str:
    """Hash of what shapes the base database: size, span, schema and generators."""
    import dashboardsdata
    import inboxdata

    digest = hashlib.sha256(
        f"{messages}:{days}:{inboxdata.VERSION}:{dashboardsdata.VERSION}".encode()
    )
    for path in sorted((ROOT / "nabij" / "migrations").glob("*.py")):
        digest.update(path.read_bytes())
    digest.update((ROOT / "nabij" / "dbfeatures" / "search.py").read_bytes())
    return digest.hexdigest()[:12]


# --- building the base database -------------------------------------------------------


def build(db: str, messages: int, days: int, env: dict[str, str]) -> dict[str, Any]:
    """Migrate, bulk-load the inbox over `days` days, add analyses and decisions."""
    import dashboardsdata
    import inboxdata
    import inboxload

    t0 = time.perf_counter()
    run(["migrate"], env)
    setup_django(env)
    from django.db import connection

    now = datetime.now(UTC)
    ids = inboxload.create_small_tables(now)
    connection.close()
    generator = inboxdata.Generator(messages, now, ids, inboxdata.Corpus.load())
    generator.span = timedelta(days=days)
    timings = _loader(db, now, env, "rebuild").load(generator)
    t1 = time.perf_counter()
    counts = dashboardsdata.add_signals(_loader(db, now, env, "triggers"), now)
    timings["signals_s"] = time.perf_counter() - t1
    timings["total_s"] = time.perf_counter() - t0
    return {
        "built_at": now.isoformat(),
        "messages": messages,
        "days": days,
        "conversations": len(generator.counts),
        **counts,
        "timings": {k: round(v, 1) for k, v in timings.items()},
    }


def _loader(db: str, now: datetime, env: dict[str, str], fts_mode: str) -> Any:
    import inboxload
    from django.db import connection

    if db == "sqlite":
        return inboxload.SqliteLoader(now, str(connection.settings_dict["NAME"]), fts_mode)
    return inboxload.PostgresLoader(now, env["DATABASE_URL"])


def prepare(args: argparse.Namespace) -> dict[str, Any]:
    """The base database for this size (built when missing, stale or asked), and its facts."""
    OUT.mkdir(parents=True, exist_ok=True)
    key = cache_key(args.messages, args.days)
    meta_path = OUT / f"dashboards-{args.db}-{args.messages}-{args.days}-{key}.json"
    if meta_path.exists() and not args.rebuild:
        meta = json.loads(meta_path.read_text())
        age = datetime.now(UTC) - datetime.fromisoformat(meta["built_at"])
        if age < timedelta(hours=CACHE_HOURS) and base_exists(args.db, meta_path):
            log(f"using the cached base database ({age.total_seconds() / 3600:.1f} h old)")
            return {**meta, "cached": True, "meta_path": str(meta_path)}
    # One PostgreSQL base database serves every size: its rebuild voids all its meta files.
    pattern = (
        f"dashboards-{args.db}-{args.messages}-*"
        if args.db == "sqlite"
        else "dashboards-postgres-*"
    )
    for old in OUT.glob(pattern):
        old.unlink()
    if args.db == "sqlite":
        env = child_env(f"sqlite:///{meta_path.with_suffix('.sqlite3')}")
    else:
        pg_admin(f"DROP DATABASE IF EXISTS {PG_BASE} WITH (FORCE)")
        pg_admin(f"CREATE DATABASE {PG_BASE}")
        env = child_env(PG_SERVER + PG_BASE)
    meta = build(args.db, args.messages, args.days, env)
    meta_path.write_text(json.dumps(meta))
    return {**meta, "cached": False, "meta_path": str(meta_path)}


def base_exists(db: str, meta_path: Path) -> bool:
    """Whether the base database of a cached meta file is still there."""
    if db == "sqlite":
        return meta_path.with_suffix(".sqlite3").exists()
    import psycopg

    with psycopg.connect(PG_SERVER + "postgres") as conn:
        found = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [PG_BASE]).fetchone()
    return found is not None


def work_copy(
    db: str,
    meta_path: Path,
    *,
    name: str = "dashboards",
    pg_base: str = PG_BASE,
    pg_work: str = PG_WORK,
) -> str:
    """A fresh copy of the base database to measure on (the measurement writes to it)."""
    if db == "sqlite":
        work = OUT / f"{name}-work.sqlite3"
        for suffix in ("", "-wal", "-shm"):
            Path(f"{work}{suffix}").unlink(missing_ok=True)
        shutil.copyfile(meta_path.with_suffix(".sqlite3"), work)
        return f"sqlite:///{work}"
    pg_admin(f"DROP DATABASE IF EXISTS {pg_work} WITH (FORCE)")
    pg_admin(f"CREATE DATABASE {pg_work} TEMPLATE {pg_base}")
    return PG_SERVER + pg_work


# --- measuring ------------------------------------------------------------------------


def timed(label: str, func: Any) -> tuple[float, Any]:
    """Seconds a call takes, and its result."""
    t0 = time.perf_counter()
    result = func()
    seconds = time.perf_counter() - t0
    log(f"{label}: {seconds:.1f} s")
    return seconds, result


def time_pages(
    client: Any, path: str, params: dict[str, str], n: int, *, cold: bool
) -> dict[str, Any]:
    """n timed GETs after one untimed: wall and CPU milliseconds (CPU: this thread + backend).

    Cold: Django's cache is cleared before each request (outside the timing), so every
    dashboard is computed from the roll-up tables; warm: repeat views of a cached one.
    """
    from django.core.cache import cache

    client.get(path, params)
    times, cpu = [], []
    backend = backend_cpu_ms()
    for _ in range(n):
        if cold:
            cache.clear()
            backend = backend_cpu_ms()
        c0, t0 = time.thread_time(), time.perf_counter()
        response = client.get(path, params)
        t1, c1 = time.perf_counter(), time.thread_time()
        if response.status_code != 200:
            raise RuntimeError(f"{path} {params} answered {response.status_code}")
        after = backend_cpu_ms()
        times.append((t1 - t0) * 1000)
        cpu.append((c1 - c0) * 1000 + after - backend)
        backend = after
    return {"n": n, "p50": median(times), "p95": percentile(times, 95), "max": max(times),
            "cpu_p95": percentile(cpu, 95), "bytes": len(response.content)}  # fmt: skip


def slowest_queries(label: str, func: Any, top: int = 3) -> list[dict[str, Any]]:
    """Run func once with the queries captured; log and return the slowest with their plans."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        func()
    slow = sorted(captured.captured_queries, key=lambda q: -float(q["time"]))[:top]
    explain = "EXPLAIN QUERY PLAN " if connection.vendor == "sqlite" else "EXPLAIN "
    out = []
    for query in slow:
        plan = ""
        if query["sql"].lstrip().upper().startswith("SELECT"):
            with connection.cursor() as cursor:
                cursor.execute(explain + query["sql"])
                plan = " | ".join(str(row[-1]) for row in cursor.fetchall())
        ms, sql = float(query["time"]) * 1000, str(query["sql"])
        out.append({"ms": ms, "sql": sql[:300], "plan": plan})
        log(f"{label}: {ms:.0f} ms {sql[:160]} PLAN {plan[:300]}")
    log(f"{label}: {len(captured.captured_queries)} queries")
    return out


def pages(end: date, top_topic: str) -> list[tuple[str, str, dict[str, str]]]:
    """The dashboard page kinds measured (label, path, GET parameters)."""
    year = {"van": (end - timedelta(days=364)).isoformat(), "tot": end.isoformat()}
    return [
        ("dashboard (8 weeks)", "/signalen/", {}),
        ("dashboard kanaal=facebook", "/signalen/", {"kanaal": "facebook"}),
        (f"dashboard onderwerp={top_topic}", "/signalen/", {"onderwerp": top_topic}),
        ("dashboard 1 year", "/signalen/", year),
        ("patterns list", "/signalen/patronen/", {}),
    ]


def measure(args: argparse.Namespace) -> dict[str, Any]:
    """Roll-ups and pages (cold and warm) on the work database; figures as a dict."""
    import dashboardsdata
    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.db.models import Count, Sum
    from django.test import Client

    from nabij.actions.rollups import _recompute_day, do_refresh_rollups
    from nabij.actions.users import do_create_user
    from nabij.models import DailyStat

    if connection.vendor == "postgresql":
        connection.settings_dict["CONN_MAX_AGE"] = None  # one connection for the whole run
        connection.close()
    out: dict[str, Any] = {}
    out["rollup_full_s"], _ = timed("full roll-up", lambda: do_refresh_rollups(full=True))
    now = datetime.now(UTC)
    ingest = dashboardsdata.ingest_new(NEW_MESSAGES, now)
    out["ingest"] = ingest
    log(f"ingested {ingest['stored']:,} in {ingest['ingest_s']:.1f} s")
    out["rollup_refresh_s"], days = timed("refresh", lambda: do_refresh_rollups())
    out["rollup_refresh_days"] = days["days"]
    day = (now - timedelta(days=50)).date()
    out.setdefault("queries", {})["recompute one day"] = slowest_queries(
        "recompute one day", lambda: _recompute_day(day)
    )
    out["rollup_noop_s"], _ = timed("refresh, nothing new", lambda: do_refresh_rollups())
    out["rollup_rows"] = DailyStat.objects.count()
    out["patterns"] = dashboardsdata.add_patterns(args.patterns, now, args.days)
    analyst = get_user_model().objects.filter(username="bench-analyst").first()
    if analyst is None:
        analyst = do_create_user("bench-analyst", "Bench-wachtwoord-2026", role="analyst")
    client = Client()
    client.force_login(analyst)
    top: dict[str, Any] | None = (
        DailyStat.objects.exclude(topic="")
        .values("topic")
        .annotate(n=Sum("messages"), rows=Count("id"))
        .order_by("-n")
        .first()
    )
    end = DailyStat.objects.order_by("-day").values_list("day", flat=True).first() or now.date()
    results: dict[str, dict[str, Any]] = {}
    for label, path, params in pages(end, (top or {}).get("topic") or "afval"):
        results[label] = {}
        for state in ("cold", "warm"):
            results[label][state] = r = time_pages(
                client, path, params, args.requests, cold=state == "cold"
            )
            log(f"{label} {state}: p50 {r['p50']:.0f} p95 {r['p95']:.0f} max {r['max']:.0f} "
                f"cpu p95 {r['cpu_p95']:.0f} ms")  # fmt: skip
        out.setdefault("queries", {})[label] = slowest_queries(
            label, lambda path=path, params=params: cold_get(client, path, params)
        )
    out["pages"] = results
    return out


def cold_get(client: Any, path: str, params: dict[str, str]) -> Any:
    """A GET with Django's cache cleared first (the uncached computation)."""
    from django.core.cache import cache

    cache.clear()
    return client.get(path, params)


# --- processes and report -------------------------------------------------------------


def child(args: argparse.Namespace) -> int:
    """Prepare the base database or measure on a copy; JSON on stdout."""
    os.chdir(ROOT)
    if args.child == "prepare":
        print(json.dumps(prepare(args)))
        return 0
    # The base the prepare step used: files in the tree (and so the key) may change meanwhile.
    key = cache_key(args.messages, args.days)
    meta_path = Path(
        args.meta or OUT / f"dashboards-{args.db}-{args.messages}-{args.days}-{key}.json"
    )
    url = work_copy(args.db, meta_path)
    analyze_s = sqlite_statistics(url) if args.db == "sqlite" and args.sqlite_stats else None
    setup_django(child_env(url))
    load_before = os.getloadavg()[0]
    try:
        out = measure(args)
    finally:
        from django.db import connections

        connections.close_all()
        if args.db == "postgres":
            pg_admin(f"DROP DATABASE IF EXISTS {PG_WORK} WITH (FORCE)")
            if args.drop:
                pg_admin(f"DROP DATABASE IF EXISTS {PG_BASE} WITH (FORCE)")
                meta_path.unlink(missing_ok=True)
    out["load"] = (load_before, os.getloadavg()[0])
    out["analyze_s"] = analyze_s
    print(json.dumps(out))
    return 0


def sqlite_statistics(url: str) -> float:
    """Run ANALYZE on a SQLite file; the seconds it took.

    Without statistics SQLite reads every inbound message through the index on
    `direction` for each day the roll-up recomputes (nabij/actions/rollups.py).
    """
    import sqlite3

    t0 = time.perf_counter()
    conn = sqlite3.connect(url.removeprefix("sqlite:///"))
    conn.execute("ANALYZE")
    conn.commit()
    conn.close()
    log(f"ANALYZE in {time.perf_counter() - t0:.1f} s")
    return time.perf_counter() - t0


def _ok(value: float, target: float) -> str:
    return "yes" if value < target else "NO"


def table(db: str, meta: dict[str, Any], res: dict[str, Any]) -> str:
    """A plain-text report of one database's figures."""
    t = meta["timings"]
    ing = res["ingest"]
    stats = "" if db != "sqlite" else "SQLite statistics: none (no ANALYZE)"
    if db == "sqlite" and res.get("analyze_s") is not None:
        stats = f"SQLite statistics: ANALYZE before measuring ({res['analyze_s']:.0f} s)"
    lines = [
        f"{db}: {meta['messages']:,} messages over {meta['days']} days, "
        f"{meta['conversations']:,} conversations, {meta['analyses']:,} analyses and decisions",
        ("base database: cached; " if meta.get("cached") else "base database: ")
        + ", ".join(f"{k} {v}" for k, v in t.items()),
        *([stats] if stats else []),
        f"load average (1 min) before/after: {res['load'][0]:.1f}/{res['load'][1]:.1f} "
        f"on {os.cpu_count()} cores",
        "",
        f"{'step':44} {'seconds':>8}  target  ok",
        f"{'full roll-up build (informative)':44} {res['rollup_full_s']:>8.1f}",
        f"{'ingest 10,000 new messages (informative)':44} {ing['ingest_s']:>8.1f}",
        f"{'bulk insert their analyses (informative)':44} {ing['analyses_s']:>8.1f}",
        f"{'refresh roll-ups after them':44} {res['rollup_refresh_s']:>8.1f}  < 10 s  "
        f"{_ok(res['rollup_refresh_s'], TARGETS['refresh'])}  "
        f"({res['rollup_refresh_days']} days recomputed)",
        f"{'refresh roll-ups, nothing new':44} {res['rollup_noop_s']:>8.1f}",
        "",
        f"{'page (p95 < 300 ms judged on cold)':36} {'':5} {'n':>4} {'p50 ms':>7} "
        f"{'p95 ms':>7} {'max ms':>7} {'cpu p95':>7}  ok",
    ]
    for label, states in res["pages"].items():
        for state, r in states.items():
            ok = _ok(r["p95"], TARGETS["page"]) if state == "cold" else ""
            lines.append(
                f"{label:36} {state:5} {r['n']:>4} {r['p50']:>7.1f} {r['p95']:>7.1f} "
                f"{r['max']:>7.1f} {r['cpu_p95']:>7.1f}  {ok}"
            )
    return "\n".join(lines)


def _child_json(
    args: argparse.Namespace, db: str, step: str, meta_path: str = ""
) -> dict[str, Any] | None:
    cmd = [sys.executable, __file__, "--child", step, "--db", db, "--messages",
           str(args.messages), "--days", str(args.days), "--requests", str(args.requests),
           "--patterns", str(args.patterns)]  # fmt: skip
    cmd += [f"--{flag}" for flag in ("rebuild", "drop") if getattr(args, flag)]
    cmd += [] if args.sqlite_stats else ["--no-sqlite-stats"]
    cmd += ["--meta", meta_path] if meta_path else []
    found = child_json(cmd, f"{db}: {step}")
    return dict(found) if found is not None else None


def parent(args: argparse.Namespace) -> int:
    """Per database: one process prepares the base database, another measures."""
    dbs = ["sqlite", "postgres"] if args.db == "both" else [args.db]
    print(f"Signals dashboards with {args.messages:,} messages; targets: pages p95 < 300 ms, "
          f"refresh after {NEW_MESSAGES:,} new < 10 s\n"
          f"Machine: {machine()}\n", flush=True)  # fmt: skip
    failed = 0
    for db in dbs:
        meta = _child_json(args, db, "prepare")
        res = _child_json(args, db, "measure", meta["meta_path"]) if meta else None
        if meta is None or res is None:
            failed += 1
            continue
        print(table(db, meta, res) + "\n", flush=True)
        write_report(args.json, db, {"db": db, "build": meta, "results": res})
    return 1 if failed else 0


def main(argv: list[str] | None = None) -> int:
    """Command line: --db sqlite|postgres|both, --messages N, --days D."""
    p = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    p.add_argument("--db", choices=["sqlite", "postgres", "both"], default="sqlite")
    p.add_argument("--messages", type=int, default=1_000_000)
    p.add_argument("--days", type=int, default=100, help="days the messages are spread over")
    p.add_argument("--requests", type=int, default=100, help="timed requests per page kind")
    p.add_argument("--patterns", type=int, default=2000,
                   help="stored patterns added for the patterns list")  # fmt: skip
    p.add_argument(
        "--no-sqlite-stats",
        dest="sqlite_stats",
        action="store_false",
        help="measure SQLite without ANALYZE statistics (as Nabij ships today)",
    )
    p.add_argument("--rebuild", action="store_true", help="ignore the cached base database")
    p.add_argument("--drop", action="store_true", help="drop the PostgreSQL base afterwards")
    p.add_argument("--json", help="also write the figures as JSON (PATH.<db>.json)")
    p.add_argument("--child", choices=["prepare", "measure"], help=argparse.SUPPRESS)
    p.add_argument("--meta", default="", help=argparse.SUPPRESS)
    args = p.parse_args(argv)
    if args.messages < 1000 or not 30 <= args.days <= 365:
        p.error("--messages must be at least 1000 and --days between 30 and 365")
    if args.child:
        return child(args)
    return parent(args)


if __name__ == "__main__":
    sys.exit(main())
