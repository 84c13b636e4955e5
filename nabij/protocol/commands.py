"""`nabij protocol …` subcommands that need no database.

The `protocol` group is shared: other modules add their own subcommands to it with
`protocol_group(subparsers)`, whatever order `nabij.cli` registers the modules in::

    from nabij.protocol.commands import protocol_group

    def register(subparsers):
        sub = protocol_group(subparsers).add_parser("simulate", help="...")
        sub.add_argument("draft")
        sub.set_defaults(func=run_simulate)  # needs_django defaults to True
"""

from __future__ import annotations

import argparse
import json
import sys
import weakref
from collections import Counter
from pathlib import Path
from typing import Any

from nabij.protocol.evaluate import evaluate
from nabij.protocol.issues import Issue, ProtocolInvalid
from nabij.protocol.validate import load_protocol_file
from nabij.protocol.vocab import ACTIONS
from nabij.protocol.when import field_reference

# The top-level subparsers action -> the `protocol` group's own subparsers action.
_GROUPS: weakref.WeakKeyDictionary[Any, Any] = weakref.WeakKeyDictionary()


class _Subcommands(argparse._SubParsersAction):  # type: ignore[type-arg]
    """Sub-parsers whose commands need Django unless they say otherwise.

    Without this, the group's own `needs_django=False` (for bare `nabij protocol`) would
    leak into every subcommand that does not set it.
    """

    def add_parser(self, name: str, **kwargs: Any) -> argparse.ArgumentParser:
        parser = super().add_parser(name, **kwargs)
        parser.set_defaults(needs_django=True)
        return parser


def protocol_group(subparsers: Any) -> Any:
    """Return the subparsers of the `nabij protocol` group, creating the group once."""
    group = _GROUPS.get(subparsers)
    if group is None:
        parser = subparsers.add_parser(
            "protocol", help="validate, evaluate and manage the webcare protocol"
        )
        parser.set_defaults(func=lambda args: _usage(parser), needs_django=False)
        group = parser.add_subparsers(
            dest="protocol_command", metavar="SUBCOMMAND", action=_Subcommands
        )
        _GROUPS[subparsers] = group
    return group


def register(subparsers: Any) -> None:
    """Add `protocol validate` and `protocol evaluate` to the `nabij` command."""
    group = protocol_group(subparsers)
    validate = group.add_parser("validate", help="check a protocol file; errors as FILE:LINE:COL")
    validate.add_argument("file", help="protocol YAML file")
    validate.set_defaults(func=run_validate, needs_django=False)
    evaluate_cmd = group.add_parser(
        "evaluate", help="decide one message from an analysis JSON file and print the trace"
    )
    evaluate_cmd.add_argument("file", help="protocol YAML file")
    evaluate_cmd.add_argument("analysis", help="analysis JSON file ('-' for stdin)")
    evaluate_cmd.add_argument("--context", help="context JSON file")
    evaluate_cmd.add_argument("--json", action="store_true", help="print the evaluation as JSON")
    evaluate_cmd.set_defaults(func=run_evaluate, needs_django=False)
    fields = group.add_parser("fields", help="list the fields, operators and values a rule may use")
    fields.add_argument("--json", action="store_true", help="print the reference as JSON")
    fields.set_defaults(func=run_fields, needs_django=False)


def _usage(parser: argparse.ArgumentParser) -> int:
    parser.print_help(sys.stderr)
    return 2


def _load(filename: str) -> Any:
    """Load a protocol file, printing issues and returning None when it is invalid."""
    try:
        return load_protocol_file(filename)
    except ProtocolInvalid as exc:
        for issue in exc.issues:
            print(issue.format(filename), file=sys.stderr)
    except OSError as exc:
        print(
            Issue(1, 1, f"cannot read the file: {exc.strerror or exc}").format(filename),
            file=sys.stderr,
        )
    return None


def run_validate(args: argparse.Namespace) -> int:
    """Validate a protocol file: 0 and a summary when valid, 1 and the issues when not."""
    protocol = _load(args.file)
    if protocol is None:
        return 1
    actions = Counter(rule.outcome.action for rule in protocol.rules)
    per_action = ", ".join(f"{action} {count}" for action, count in sorted(actions.items()))
    print(f"{args.file}: valid — '{protocol.name}' version {protocol.version}")
    print(f"{len(protocol.rules)} rules ({per_action}); fallback '{protocol.rules[-1].id}'")
    return 0


def _read_json(filename: str) -> Any:
    text = sys.stdin.read() if filename == "-" else Path(filename).read_text("utf-8")
    return json.loads(text)


def run_evaluate(args: argparse.Namespace) -> int:
    """Evaluate one analysis (and optional context) and print the decision and trace."""
    protocol = _load(args.file)
    if protocol is None:
        return 1
    try:
        analysis = _read_json(args.analysis)
        context = _read_json(args.context) if args.context else {}
    except (OSError, UnicodeDecodeError, ValueError) as exc:
        print(f"nabij protocol evaluate: cannot read JSON input: {exc}", file=sys.stderr)
        return 1
    result = evaluate(protocol, analysis, context)
    if args.json:
        print(json.dumps(result.to_dict(), ensure_ascii=False, indent=2))
    else:
        print(result.summary)
        for line in result.trace:
            print(f"  {line}")
    return 0


def run_fields(args: argparse.Namespace) -> int:
    """Print every condition field with its operators and values (docs/protocol.md)."""
    reference = field_reference()
    if args.json:
        print(json.dumps({"fields": reference, "actions": list(ACTIONS)}, indent=2))
        return 0
    for entry in reference:
        extra = ""
        if entry["values"]:
            extra = "values: " + ", ".join(entry["values"])
        elif "range" in entry:
            extra = "range: {:g}..{:g}".format(*entry["range"])
        if "default" in entry:
            default = json.dumps(entry["default"])
            extra = f"{extra}; default {default}" if extra else f"default {default}"
        print(f"{entry['name']:<24} {entry['kind']:<8} {' '.join(entry['operators'])}")
        if extra:
            print(f"{'':<24} {extra}")
    print(f"\nactions: {', '.join(ACTIONS)}")
    return 0
