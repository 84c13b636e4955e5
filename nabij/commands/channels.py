"""`nabij channels ...` (health, poll, the scheduler, IMAP IDLE) and `nabij import-file`."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any


def register(subparsers: Any) -> None:
    """Add the `channels` command group and `import-file`."""
    group = subparsers.add_parser("channels", help="configured channels: health, polling")
    sub = group.add_subparsers(dest="channels_command", metavar="SUBCOMMAND")
    group.set_defaults(func=lambda args: _help(group))

    listing = sub.add_parser("list", help="every channel with its health")
    listing.add_argument("--json", action="store_true", help="print JSON")
    listing.set_defaults(func=run_list)

    poll = sub.add_parser("poll", help="poll one channel now (or all pull channels)")
    poll.add_argument("slug", nargs="?", help="channel code; all enabled pull channels if left out")
    poll.add_argument("--loop", action="store_true", help="keep polling (same as 'channels run')")
    poll.add_argument("--interval", type=float, default=60.0, help="seconds between rounds")
    poll.set_defaults(func=run_poll)

    run = sub.add_parser(
        "run", help="the scheduler: enqueue polls and due deliveries every --interval seconds"
    )
    run.add_argument("--interval", type=float, default=60.0, help="seconds between rounds")
    run.add_argument("--once", action="store_true", help="one round, then exit")
    run.set_defaults(func=run_scheduler_command)

    idle = sub.add_parser("idle", help="watch an e-mail channel with IMAP IDLE and poll on news")
    idle.add_argument("slug", help="code of an e-mail channel")
    idle.add_argument("--seconds", type=float, default=300.0, help="IDLE session length")
    idle.add_argument("--fallback", type=float, default=60.0, help="poll interval without IDLE")
    idle.set_defaults(func=run_idle)

    mapping = sub.add_parser("save-mapping", help="save a column mapping as an import channel")
    mapping.add_argument("name", help="code of the mapping (an import channel)")
    mapping.add_argument("mapping", type=Path, help="JSON file: target field -> column")
    mapping.add_argument("--source", help="source name, part of every id (default: the code)")
    mapping.add_argument("--format", choices=("csv", "json", "jsonl", "xlsx"), default="")
    mapping.set_defaults(func=run_save_mapping)

    imp = subparsers.add_parser(
        "import-file", help="import a CSV/JSON/JSONL/XLSX export with a saved column mapping"
    )
    imp.add_argument("file", type=Path)
    imp.add_argument("--mapping", required=True, help="code of the saved mapping")
    imp.add_argument("--format", choices=("csv", "json", "jsonl", "xlsx"), default=None)
    imp.add_argument("--no-analysis", action="store_true", help="do not queue analysis")
    imp.set_defaults(func=run_import_file)


def _help(parser: argparse.ArgumentParser) -> int:
    parser.print_help()
    return 2


def run_list(args: argparse.Namespace) -> int:
    """Print every channel's health."""
    from nabij.actions.channel_health import channel_health
    from nabij.models import Channel

    rows: list[dict[str, Any]] = [
        {
            "slug": h.channel.slug,
            "kind": h.channel.kind,
            "enabled": h.channel.enabled,
            "inbound": h.inbound,
            "last_success_at": h.channel.last_success_at,
            "last_error": h.channel.last_error,
            "queued_replies": h.queued_replies,
            "failed_replies": h.failed_replies,
            "pending_payloads": h.pending_payloads,
        }
        for h in channel_health(list(Channel.objects.order_by("slug")))
    ]
    if args.json:
        print(json.dumps(rows, indent=2, default=str, ensure_ascii=False))
        return 0
    for r in rows:
        when = r["last_success_at"].isoformat(timespec="minutes") if r["last_success_at"] else "-"
        print(
            f"{r['slug']:<24} {r['kind']:<10} {'on ' if r['enabled'] else 'off'} ok {when:<17} "
            f"replies {r['queued_replies']} queued/{r['failed_replies']} failed  "
            f"{r['last_error'][:80]}"
        )
    return 0


def run_poll(args: argparse.Namespace) -> int:
    """Poll one channel (all pull channels without a code) in this process."""
    from nabij.actions.channels import do_poll_channel
    from nabij.models import Channel
    from nabij.tasks.channels import _pollable_channels

    if args.loop:
        return run_scheduler_command(argparse.Namespace(interval=args.interval, once=False))
    if args.slug:
        channel = Channel.objects.filter(slug=args.slug).first()
        if channel is None:
            print(f"nabij channels poll: no channel {args.slug!r}", file=sys.stderr)
            return 2
        ids = [channel.pk]
    else:
        from django.utils import timezone

        ids = _pollable_channels(timezone.now())
    failed = 0
    for pk in ids:
        outcome = do_poll_channel(pk)
        slug = Channel.objects.get(pk=pk).slug
        print(
            f"{slug}: {outcome.created} new, {outcome.existing} known, {outcome.skipped} skipped"
            + (f", error: {outcome.error}" if outcome.error else "")
        )
        failed += bool(outcome.error)
    return 1 if failed else 0


def run_scheduler_command(args: argparse.Namespace) -> int:
    """Run the channel scheduler."""
    from nabij.tasks.channels import run_scheduler

    print(f"nabij channels run: a round every {args.interval:g} s (Ctrl-C stops)")
    try:
        return run_scheduler(args.interval, once=args.once)
    except KeyboardInterrupt:
        return 0


def run_idle(args: argparse.Namespace) -> int:
    """Watch one e-mail channel with IMAP IDLE."""
    from nabij.models import Channel
    from nabij.tasks.channels import watch_mailbox

    channel = Channel.objects.filter(slug=args.slug, kind="email").first()
    if channel is None:
        print(f"nabij channels idle: no e-mail channel {args.slug!r}", file=sys.stderr)
        return 2
    try:
        return watch_mailbox(channel.pk, idle_seconds=args.seconds, fallback_interval=args.fallback)
    except KeyboardInterrupt:
        return 0


def run_save_mapping(args: argparse.Namespace) -> int:
    """Create or update an import channel holding a column mapping."""
    from nabij.actions.channels import do_configure_channel
    from nabij.actions.errors import ActionError
    from nabij.models import Channel

    try:
        mapping = json.loads(args.mapping.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        print(f"nabij channels save-mapping: cannot read mapping: {exc}", file=sys.stderr)
        return 2
    existing = Channel.objects.filter(slug=args.name).first()
    try:
        do_configure_channel(
            None,
            kind="import",
            slug=args.name,
            name=existing.name if existing else args.name,
            config={"source": args.source or args.name, "mapping": mapping, "format": args.format},
            secrets={},
            channel=existing,
        )
    except ActionError as exc:
        print(f"nabij channels save-mapping: {exc}", file=sys.stderr)
        return 2
    print(f"saved mapping {args.name}")
    return 0


def run_import_file(args: argparse.Namespace) -> int:
    """Import an export file; row errors are printed with their row number."""
    from nabij.actions.errors import ActionError
    from nabij.actions.fileimports import do_import_file, import_channel

    if not args.file.is_file():
        print(f"nabij import-file: no such file: {args.file}", file=sys.stderr)
        return 2
    try:
        channel = import_channel(args.mapping)
        report = do_import_file(
            None, channel, args.file, fmt=args.format, queue_analysis=not args.no_analysis
        )
    except ActionError as exc:
        print(f"nabij import-file: {exc}", file=sys.stderr)
        return 2
    for row, error in report.errors:
        print(f"row {row}: {error}", file=sys.stderr)
    print(
        f"{report.rows} rows: {report.created} new, {report.existing} already there, "
        f"{report.error_count} with errors"
    )
    return 0 if report.error_count == 0 else 1
