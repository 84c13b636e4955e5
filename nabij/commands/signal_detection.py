"""`nabij signals detect` and `nabij report heartbeat`."""

from __future__ import annotations

import argparse
import json
import sys
from datetime import date
from pathlib import Path
from typing import Any


def register(group: Any, subparsers: Any) -> None:
    """Add detection to the signals group and the report command."""
    d = group.add_parser("detect", help="spikes, patterns and warnings as one JSON object")
    d.add_argument("--from", dest="start", required=True, help="YYYY-MM-DD")
    d.add_argument("--to", dest="end", required=True, help="YYYY-MM-DD (inclusive)")
    d.add_argument(
        "--store",
        action="store_true",
        help="also keep the result (the heartbeat reads it) and the detected patterns",
    )
    d.add_argument(
        "--lexical", action="store_true", help="use the fast lexical similarity, not embeddings"
    )
    d.set_defaults(func=cmd_detect)

    op = group.add_parser(
        "own-posts", help="import own posts (platform insights CSV, or a Mastodon channel's API)"
    )
    op.add_argument(
        "file", nargs="?", help="CSV with one row per post: date, reactions, comments, shares"
    )
    op.add_argument("--channel", help="channel slug, e.g. facebook (with FILE)")
    op.add_argument(
        "--from-mastodon",
        metavar="CHANNEL",
        help="read the own posts of this Mastodon channel through its API instead of a file",
    )
    op.add_argument(
        "--days",
        type=int,
        help="with --from-mastodon: days back (default: 30 at first, then up to the last run)",
    )
    op.set_defaults(func=cmd_own_posts)

    report = subparsers.add_parser("report", help="reports for management")
    sub = report.add_subparsers(dest="report_command", metavar="SUBCOMMAND")
    h = sub.add_parser("heartbeat", help="the weekly heartbeat report (PDF or HTML)")
    h.add_argument("--week", required=True, help="ISO week, e.g. 2026-W47")
    h.add_argument("--out", required=True, help="FILE.pdf or FILE.html")
    h.set_defaults(func=cmd_heartbeat)


def _date(value: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise SystemExit(f"nabij: not a date (YYYY-MM-DD): {value!r}") from None


def cmd_detect(args: argparse.Namespace) -> int:
    """Print {"spikes": [...], "patterns": [...], "warnings": [...]}."""
    from nabij.actions.detection import detect_and_store, do_store_patterns, run_detection
    from nabij.models.detection import SOURCE_COMMAND

    start, end = _date(args.start), _date(args.end)
    embedder = None if args.lexical else "default"
    if args.store:
        result, _ = detect_and_store(start, end, source=SOURCE_COMMAND, embedder=embedder)
        do_store_patterns(result)
    else:
        result = run_detection(start, end, embedder=embedder)
    json.dump(result, sys.stdout, ensure_ascii=False, indent=2, default=str)
    print()
    return 0


def cmd_heartbeat(args: argparse.Namespace) -> int:
    """Write the heartbeat report for one ISO week."""
    from nabij.actions.heartbeat import build_heartbeat, parse_week, render_heartbeat

    try:
        week = parse_week(args.week)
    except ValueError as exc:
        print(f"nabij report heartbeat: {exc}", file=sys.stderr)
        return 2
    report = build_heartbeat(week)
    out = Path(args.out)
    html = render_heartbeat(report)
    if out.suffix.lower() == ".html":
        out.write_text(html, encoding="utf-8")
    else:
        from weasyprint import HTML

        HTML(string=html, base_url=str(Path.cwd())).write_pdf(str(out))
    print(f"heartbeat {args.week}: {out}")
    return 0


def cmd_own_posts(args: argparse.Namespace) -> int:
    """Import own posts and their reactions for the channel-effectiveness report."""
    from nabij.actions.ownposts import do_import_own_posts

    if args.from_mastodon:
        if args.file or args.channel:
            print(
                "nabij signals own-posts: give FILE --channel X or --from-mastodon X",
                file=sys.stderr,
            )
            return 2
        return cmd_own_posts_from_mastodon(args)
    if not args.file or not args.channel:
        print("nabij signals own-posts: FILE and --channel are required", file=sys.stderr)
        return 2
    if args.days is not None:
        print("nabij signals own-posts: --days goes with --from-mastodon", file=sys.stderr)
        return 2
    path = Path(args.file)
    if not path.is_file():
        print(f"nabij signals own-posts: no such file: {path}", file=sys.stderr)
        return 2
    with path.open("rb") as stream:
        report = do_import_own_posts(stream, args.channel)
    for number, reason in report.errors:
        print(f"row {number}: {reason}", file=sys.stderr)
    print(f"{report.kept} posts kept, {len(report.errors)} rows refused, {report.rows} rows read")
    return 0 if not report.errors else 1


def cmd_own_posts_from_mastodon(args: argparse.Namespace) -> int:
    """Read a Mastodon channel's own posts and their reactions through its API."""
    from nabij.actions.errors import ActionError
    from nabij.actions.ownposts_mastodon import (
        check_days,
        check_mastodon_channel,
        do_import_mastodon_own_posts,
    )

    try:
        channel = check_mastodon_channel(args.from_mastodon)
        days = check_days(args.days)
    except ActionError as exc:
        print(f"nabij signals own-posts: {exc}", file=sys.stderr)
        return 2
    report = do_import_mastodon_own_posts(channel.pk, days=days)
    if not report.days:  # refused before reading (not configured, asked to wait)
        print(f"nabij signals own-posts: {report.error}", file=sys.stderr)
        return 1
    print(
        f"{report.channel}: {report.posts} own posts and {report.continuations} thread "
        f"continuations read over {report.days} days ({report.pages} pages); "
        f"{report.not_counted} statuses not counted, {report.unreadable} unreadable"
    )
    if report.covered_from is not None:
        print(f"figures replaced from {report.covered_from.isoformat()} on")
    if report.error:
        print(f"nabij signals own-posts: {report.error}", file=sys.stderr)
        return 1
    if not report.complete:
        print(f"stopped after {report.pages} pages; run again or ask fewer --days")
    return 0
