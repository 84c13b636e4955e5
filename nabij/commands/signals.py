"""Subcommands for signals: roll-up refresh, detection, reports."""

from __future__ import annotations

import argparse
import json
import sys
import time
from typing import Any


def _signals_group(subparsers: Any) -> Any:
    parser = subparsers.add_parser("signals", help="dashboards' roll-ups and signal detection")
    return parser.add_subparsers(dest="signals_command", metavar="SUBCOMMAND")


def register(subparsers: Any) -> None:
    """Add the signals subcommands."""
    group = _signals_group(subparsers)
    r = group.add_parser("refresh", help="update the dashboard roll-ups (incremental)")
    r.add_argument("--full", action="store_true", help="recompute every day")
    r.set_defaults(func=cmd_refresh)
    register_detection(group, subparsers)


def register_detection(group: Any, subparsers: Any) -> None:
    """Detection and report commands (filled in by nabij.commands.signal_detection)."""
    try:
        from nabij.commands.signal_detection import register as register_more
    except ImportError:
        return
    register_more(group, subparsers)


def cmd_refresh(args: argparse.Namespace) -> int:
    """Refresh roll-ups and say how long it took."""
    from nabij.actions.rollups import do_refresh_rollups

    start = time.perf_counter()
    result = do_refresh_rollups(full=args.full)
    result["seconds"] = round(time.perf_counter() - start, 2)  # type: ignore[assignment]
    json.dump(result, sys.stdout)
    print()
    return 0
