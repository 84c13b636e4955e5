"""`nabij connectors ...`: list the channels, convert exports, parse payload files."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from nabij.connectors.fileimport import ImportStats, import_file
from nabij.connectors.fileimport.readers import ReaderError
from nabij.connectors.registry import UnknownConnector, all_connectors, get_connector


def register(subparsers: Any) -> None:
    """Add the `connectors` command group."""
    group = subparsers.add_parser("connectors", help="channel connectors")
    sub = group.add_subparsers(dest="connectors_command", metavar="SUBCOMMAND")
    group.set_defaults(func=lambda args: _help(group), needs_django=False)

    listing = sub.add_parser("list", help="registered channels and what they can do")
    listing.add_argument("--json", action="store_true", help="print JSON")
    listing.set_defaults(func=run_list, needs_django=False)

    convert = sub.add_parser("convert", help="turn a CSV/JSON/JSONL/XLSX export into import JSONL")
    convert.add_argument("file", type=Path)
    convert.add_argument("--mapping", type=Path, required=True, help="JSON column mapping")
    convert.add_argument("--source", required=True, help="name of the source (part of every id)")
    convert.add_argument("--format", choices=("csv", "json", "jsonl", "xlsx"), default=None)
    convert.add_argument("--sheet", default=None, help="XLSX sheet name")
    convert.add_argument("-o", "--output", type=Path, help="write here instead of stdout")
    convert.set_defaults(func=run_convert, needs_django=False)

    parse = sub.add_parser("parse", help="parse a saved payload file with a channel's parser")
    parse.add_argument("kind", help="channel kind, e.g. facebook or mastodon")
    parse.add_argument("file", type=Path, help="JSON payload (raw mail for email)")
    parse.set_defaults(func=run_parse, needs_django=False)


def _help(parser: argparse.ArgumentParser) -> int:
    parser.print_help()
    return 2


def run_list(args: argparse.Namespace) -> int:
    """Print every registered connector with its capabilities."""
    rows = [
        {
            "kind": c.kind,
            "label": c.label,
            "inbound": c.inbound,
            "reply_public": c.can_reply_public,
            "reply_private": c.can_reply_private,
            "hide": c.can_hide,
            "threads": c.has_threads,
            "settings": [f.name + (" (secret)" if f.secret else "") for f in c.config_schema],
        }
        for c in all_connectors()
    ]
    if args.json:
        print(json.dumps(rows, indent=2, ensure_ascii=False))
        return 0
    for row in rows:
        flags = [k for k in ("reply_public", "reply_private", "hide", "threads") if row[k]]
        print(f"{row['kind']:<10} {row['inbound']:<5} {', '.join(flags) or '-':<42} {row['label']}")
    return 0


def run_convert(args: argparse.Namespace) -> int:
    """Stream an export into import lines; row errors go to stderr with their row number."""
    try:
        mapping = json.loads(args.mapping.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        print(f"cannot read mapping: {exc}", file=sys.stderr)
        return 2
    stats = ImportStats()
    out = args.output.open("w", encoding="utf-8") if args.output else sys.stdout
    try:
        for message in import_file(args.file, mapping, args.source, args.format, stats, args.sheet):
            out.write(json.dumps(message.to_import_line(), ensure_ascii=False) + "\n")
    except (ReaderError, OSError) as exc:
        print(f"cannot read {args.file}: {exc}", file=sys.stderr)
        return 2
    finally:
        if args.output:
            out.close()
    for error in stats.errors:
        print(f"row {error.position}: {error.error}", file=sys.stderr)
    print(
        f"{stats.messages} of {stats.rows} rows converted, {stats.rows - stats.messages} errors",
        file=sys.stderr,
    )
    return 0 if stats.messages or not stats.rows else 1


def run_parse(args: argparse.Namespace) -> int:
    """Parse a payload file and print the messages as import lines (for checking fixtures)."""
    try:
        connector = get_connector(args.kind)
    except UnknownConnector as exc:
        print(exc, file=sys.stderr)
        return 2
    data = args.file.read_bytes()
    payload: Any = data if args.kind == "email" else json.loads(data.decode("utf-8"))
    result = connector.parse(payload)
    for message in result.messages:
        print(json.dumps(message.to_import_line(), ensure_ascii=False))
    for error in result.errors:
        print(f"item {error.position}: {error.error}", file=sys.stderr)
    return 0
