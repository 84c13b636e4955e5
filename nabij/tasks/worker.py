"""Running the background worker for the configured task backend."""

from __future__ import annotations

from django.conf import settings
from django.core.management import call_command


def run_worker(*, queue: str = "default", batch: bool = False, interval: float = 1.0) -> int:
    """Process queued tasks until stopped (or until the queue is empty with batch=True)."""
    backend = settings.TASKS["default"]["BACKEND"]
    if backend.startswith("django_tasks_rq"):
        call_command("rqworker", queue, burst=batch)
        return 0
    if backend.startswith("django_tasks.backends.immediate"):
        print("NABIJ_TASK_BACKEND=immediate runs tasks inline; no worker is needed")
        return 0
    options: dict[str, object] = {"queue_name": queue, "interval": interval, "reload": False}
    if batch:
        options["batch"] = True
        call_command("db_worker", **options)
        return 0
    import threading

    from nabij.tasks.periodic import start_scheduler

    stop = threading.Event()
    start_scheduler(stop)
    try:
        call_command("db_worker", **options)
    finally:
        stop.set()
    return 0
