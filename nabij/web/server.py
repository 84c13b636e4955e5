"""Serving the WSGI app with waitress, optionally with a worker process beside it."""

from __future__ import annotations

import atexit
import subprocess
import sys


def serve(host: str, port: int, *, threads: int = 8, with_worker: bool = True) -> int:
    """Serve until interrupted; start `nabij worker` as a child process if asked."""
    from django.core.management import call_command
    from waitress import serve as waitress_serve

    from nabij.wsgi import application

    call_command("collectstatic", interactive=False, verbosity=0)
    worker = None
    if with_worker:
        worker = subprocess.Popen([sys.executable, "-m", "nabij.cli", "worker"])
        atexit.register(worker.terminate)
    try:
        waitress_serve(application, host=host, port=port, threads=threads, ident="Nabij")
    except KeyboardInterrupt:
        pass
    finally:
        if worker is not None:
            worker.terminate()
    return 0
