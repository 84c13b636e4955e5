"""`nabij tone check` and `nabij tone evaluate`: the tone mirror on the command line."""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sys
from pathlib import Path
from typing import Any

from nabij.tone.evaluate import evaluate, load_corpus, markdown_table
from nabij.tone.mirror import check_reply, suggest_rewrite
from nabij.tone.model import EMOTIONS, ReplyContext

DEFAULT_CORPUS = Path("data/tone/replies.jsonl")


def register(subparsers: Any) -> None:
    """Add the `tone` command group."""
    tone = subparsers.add_parser("tone", help="tone mirror for draft replies")
    tone_sub = tone.add_subparsers(dest="tone_command", metavar="SUBCOMMAND")
    tone.set_defaults(func=lambda args: _help(tone), needs_django=False)

    check = tone_sub.add_parser("check", help="check a draft reply, print findings as JSON")
    check.add_argument("text", nargs="?", help="the draft; read from stdin when left out")
    check.add_argument("--emotion", choices=EMOTIONS, help="emotion of the incoming message")
    check.add_argument("--name", help="name of the resident")
    check.add_argument("--type", dest="message_type", help="type of the incoming message")
    check.add_argument("--channel", help="channel (mastodon, x, bluesky, ...)")
    check.add_argument("--language", choices=("nl", "en"), default="nl", help="finding texts")
    check.add_argument("--rewrite", action="store_true", help="print the rewritten draft too")
    check.set_defaults(func=run_check, needs_django=False)

    ev = tone_sub.add_parser("evaluate", help="precision and recall on the annotated corpus")
    ev.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    ev.add_argument("--markdown", action="store_true", help="print a Markdown table")
    ev.set_defaults(func=run_evaluate, needs_django=False)


def _help(parser: argparse.ArgumentParser) -> int:
    parser.print_help()
    return 2


def run_check(args: argparse.Namespace) -> int:
    """Check one draft; print the findings as a JSON array."""
    text = args.text if args.text is not None else sys.stdin.read()
    context = ReplyContext(
        name=args.name,
        emotion=args.emotion,
        message_type=args.message_type,
        channel=args.channel.lower() if args.channel else None,
        language=args.language,
        now=dt.datetime.now(dt.UTC),  # the command line is the edge: it owns the clock
    )
    findings = check_reply(text, context=context)
    output: Any = [f.to_dict() for f in findings]
    if args.rewrite:
        output = {"findings": output, "rewrite": suggest_rewrite(text, findings)}
    print(json.dumps(output, ensure_ascii=False, indent=2))
    return 0


def run_evaluate(args: argparse.Namespace) -> int:
    """Print per-code precision and recall on the corpus."""
    try:
        report = evaluate(load_corpus(args.corpus))
    except (OSError, ValueError) as exc:
        print(f"nabij tone evaluate: {exc}", file=sys.stderr)
        return 2
    if args.markdown:
        print(markdown_table(report))
    else:
        print(json.dumps(report.to_dict(), ensure_ascii=False, indent=2))
    return 0
