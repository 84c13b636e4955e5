"""Subcommands: accountability report, protocol simulate/publish, reanalyse."""

from __future__ import annotations

import argparse
import csv
import json
import sys
from datetime import datetime, time, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo


def register(subparsers: Any) -> None:
    """Add the decision-related subcommands."""
    from nabij.protocol.commands import protocol_group

    p = subparsers.add_parser("accountability", help="accountability for every message")
    sub = p.add_subparsers(dest="accountability_command", metavar="SUBCOMMAND")
    r = sub.add_parser("report", help="how every message in a period was handled")
    r.add_argument("--from", dest="start", required=True, help="first day, YYYY-MM-DD")
    r.add_argument("--to", dest="end", required=True, help="last day (inclusive), YYYY-MM-DD")
    r.add_argument("--csv", dest="csv_path", help="also write the rows as CSV to this file")
    r.set_defaults(func=cmd_accountability_report)

    group = protocol_group(subparsers)
    s = group.add_parser("simulate", help="what a draft protocol would change on recent messages")
    s.add_argument("--draft", required=True, help="the draft protocol YAML file")
    s.add_argument("--days", type=int, default=30)
    s.add_argument("--json", action="store_true", help="print the full result as JSON")
    s.add_argument("--show", type=int, default=20, help="changed decisions to print")
    s.set_defaults(func=cmd_protocol_simulate)
    pub = group.add_parser("publish", help="store a protocol file as a new version and publish it")
    pub.add_argument("file")
    pub.add_argument("--notes", default="")
    pub.set_defaults(func=cmd_protocol_publish)

    d = group.add_parser("diff", help="differences between two protocol files or versions")
    d.add_argument("old", help="a YAML file, or a stored version label")
    d.add_argument("new", help="a YAML file, or a stored version label")
    d.set_defaults(func=cmd_protocol_diff)

    ra = subparsers.add_parser("reanalyse", help="analyse messages again (new analyser version)")
    ra.add_argument("--all", action="store_true", help="also messages of the current version")
    ra.set_defaults(func=cmd_reanalyse)


def _day(value: str, tz: ZoneInfo) -> datetime:
    try:
        return datetime.combine(datetime.strptime(value, "%Y-%m-%d").date(), time(0), tzinfo=tz)
    except ValueError:
        raise SystemExit(f"nabij: not a date (YYYY-MM-DD): {value!r}") from None


def cmd_accountability_report(args: argparse.Namespace) -> int:
    """Print per action and reason code how every message in the period was handled."""
    from django.conf import settings

    from nabij.actions.accountability import build_accountability_report

    tz = ZoneInfo(settings.TIME_ZONE)
    start, end = _day(args.start, tz), _day(args.end, tz) + timedelta(days=1)
    report = build_accountability_report(start, end)
    print(f"Verantwoording {args.start} t/m {args.end}: {report.messages} berichten")
    print(f"{'actie':<32} {'reden':<28} {'hoe besloten':<28} {'aantal':>7}")
    for action, reason, how, count in report.as_rows():
        print(f"{action:<32} {reason[:28]:<28} {how:<28} {count:>7}")
    print(f"onverantwoorde stilte: {report.unaccounted_silence}")
    print(f"wacht nog op besluit (binnen termijn): {report.awaiting_decision}")
    if args.csv_path:
        with Path(args.csv_path).open("w", newline="", encoding="utf-8") as handle:
            writer = csv.writer(handle)
            writer.writerow(["action", "reason_code", "decided", "count"])
            writer.writerows(report.as_rows())
        print(f"CSV: {args.csv_path}")
    return 0


def cmd_protocol_simulate(args: argparse.Namespace) -> int:
    """Compare the published protocol with a draft on the last N days of messages."""
    from nabij.actions.simulation import simulate_draft

    try:
        source = Path(args.draft).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        print(f"nabij protocol simulate: cannot read {args.draft}: {exc}", file=sys.stderr)
        return 2
    from nabij.actions.errors import ActionError

    try:
        result = simulate_draft(
            source, days=args.days, max_changes=None if args.json else args.show
        )
    except ActionError as exc:
        print(f"{args.draft}: the draft is not valid:\n{exc}", file=sys.stderr)
        return 1
    if args.json:
        print(json.dumps(result.to_dict(), ensure_ascii=False, indent=2))
        return 0
    print(
        f"{result.total} berichten uit de laatste {args.days} dagen; {result.changed_count} anders"
    )
    print(f"{'actie':<24} {'nu':>7} {'concept':>8} {'verschil':>9}")
    for action, before, after, diff in result.rows():
        print(f"{action:<24} {before:>7} {after:>8} {diff:>+9}")
    for change in result.changed[: args.show]:
        print(f"\n— {change.message_key}: {change.before.summary} → {change.after.summary}")
        for line in change.after.trace[-2:]:
            print(f"    {line}")
    return 0


def cmd_protocol_publish(args: argparse.Namespace) -> int:
    """Validate, store and publish a protocol file."""
    from django.db import transaction

    from nabij.actions.errors import ActionError
    from nabij.actions.protocols import do_publish, do_save_draft

    try:
        source = Path(args.file).read_text(encoding="utf-8")
        with transaction.atomic():
            version = do_publish(None, do_save_draft(None, source, notes=args.notes))
    except (OSError, UnicodeDecodeError, ActionError) as exc:
        print(f"nabij protocol publish: {exc}", file=sys.stderr)
        return 1
    print(f"published protocol version {version.version}")
    return 0


def _protocol_text(ref: str) -> str:
    from nabij.models import ProtocolVersion

    path = Path(ref)
    if path.is_file():
        return path.read_text(encoding="utf-8")
    version = ProtocolVersion.objects.filter(version=ref).first()
    if version is None:
        raise SystemExit(f"nabij protocol diff: no file or stored version {ref!r}")
    return version.source


def cmd_protocol_diff(args: argparse.Namespace) -> int:
    """Print rule-by-rule differences between two protocols."""
    from nabij.actions.errors import ActionError
    from nabij.actions.protocols import check_protocol_source
    from nabij.protocol import diff_protocols

    try:
        old = check_protocol_source(_protocol_text(args.old))
        new = check_protocol_source(_protocol_text(args.new))
    except (OSError, UnicodeDecodeError, ActionError) as exc:
        print(f"nabij protocol diff: {exc}", file=sys.stderr)
        return 1
    print("\n".join(diff_protocols(old, new).lines()))
    return 0


def cmd_reanalyse(args: argparse.Namespace) -> int:
    """Re-run the analyser on messages analysed by another version (or all)."""
    from nabij.actions.analysis import do_analyse_messages
    from nabij.models import Message
    from nabij.understanding import ANALYSER_VERSION

    qs = Message.objects.filter(direction="inbound")
    if not args.all:
        qs = qs.exclude(analyses__current=True, analyses__analyser_version=ANALYSER_VERSION)
    ids = list(qs.order_by("pk").values_list("pk", flat=True))
    done = do_analyse_messages(ids)
    print(f"analysed {done} messages with analyser {ANALYSER_VERSION}")
    return 0
