"""Periodic jobs, run by the worker process every minute (the DB worker has no scheduler)."""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable

from django.db import close_old_connections

logger = logging.getLogger(__name__)

PERIODIC_JOBS: list[tuple[str, float, Callable[[], object]]] = []


def periodic(
    name: str, every_seconds: float
) -> Callable[[Callable[[], object]], Callable[[], object]]:
    """Register a job to run every N seconds in the worker."""

    def register(func: Callable[[], object]) -> Callable[[], object]:
        PERIODIC_JOBS.append((name, every_seconds, func))
        return func

    return register


@periodic("deadlines", 60)
def check_deadlines() -> object:
    """Breach alerts and overdue follow-ups."""
    from nabij.actions.deadlines import do_check_deadlines

    return do_check_deadlines()


def start_scheduler(stop: threading.Event) -> threading.Thread:
    """Run the registered jobs on their intervals in a daemon thread until `stop` is set."""

    def loop() -> None:
        last: dict[str, float] = {}
        while not stop.is_set():
            now = time.monotonic()
            for name, every, func in list(PERIODIC_JOBS):
                if now - last.get(name, 0.0) >= every:
                    last[name] = now
                    try:
                        func()
                    except Exception:
                        logger.exception("periodic job %s failed", name)
                    finally:
                        close_old_connections()
            stop.wait(5)

    thread = threading.Thread(target=loop, name="nabij-periodic", daemon=True)
    thread.start()
    return thread


@periodic("silence", 60)
def alert_silence() -> object:
    """Alert once when messages pass their deadline without a recorded decision."""
    from nabij.actions.decisions import do_alert_unaccounted_silence

    return do_alert_unaccounted_silence()


@periodic("rollups", 60)
def refresh_rollups() -> object:
    """Keep the dashboard roll-ups current."""
    from nabij.actions.rollups import do_refresh_rollups

    return do_refresh_rollups()


@periodic("detection", 3600)
def detect_signals() -> object:
    """Spikes, patterns and warnings of the last 30 days, kept for the heartbeat; alerts."""
    from nabij.actions.detection import do_run_periodic_detection

    return do_run_periodic_detection()


_channel_memory: dict[tuple[str, int], float] = {}


@periodic("channels", 60)
def sweep_channels() -> object:
    """Poll pull channels and (re)queue due deliveries, payloads and webhooks."""
    from nabij.tasks.channels import sweep

    return sweep(_channel_memory)


@periodic("mastodon-own-posts", 3600)
def import_own_posts() -> object:
    """Once a day per Mastodon channel with `own_posts` on: its own posts and reactions."""
    from nabij.tasks.ownposts import enqueue_due_own_post_imports

    return enqueue_due_own_post_imports()


@periodic("database-statistics", 6 * 3600)
def refresh_statistics() -> object:
    """Keep the query planner's statistics current (SQLite has none until asked)."""
    from django.db import connection

    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA optimize")
    return None
