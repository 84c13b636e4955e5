"""The `nabij` console command.

Each area of Nabij contributes subcommands through a module with a
`register(subparsers)` function. A subcommand sets `func` (called with the parsed
arguments, returns an exit code) and `needs_django` (default True). Commands that
only use pure packages (analyse, tone check, protocol validate) skip Django set-up
so that they start fast.
"""

from __future__ import annotations

import argparse
import importlib
import os
import sys
from collections.abc import Sequence

COMMAND_MODULES = (
    "nabij.commands.core",
    "nabij.understanding.commands",
    "nabij.protocol.commands",
    "nabij.tone.commands",
    "nabij.commands.decisions",
    "nabij.commands.signals",
    "nabij.connectors.commands",
    "nabij.commands.channels",
)


def build_parser() -> argparse.ArgumentParser:
    """Build the argument parser with every available subcommand."""
    parser = argparse.ArgumentParser(prog="nabij", description="Nabij webcare platform")
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND")
    for module_name in COMMAND_MODULES:
        try:
            module = importlib.import_module(module_name)
        except ModuleNotFoundError as exc:
            # An area that is not installed yet simply contributes no commands.
            if exc.name and module_name.startswith(exc.name):
                continue
            raise
        module.register(subparsers)
    return parser


def setup_django() -> None:
    """Configure Django for commands that need the database."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "nabij.settings")
    import django

    django.setup()


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the `nabij` command."""
    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "func", None):
        parser.print_help()
        return 2
    if getattr(args, "needs_django", True):
        try:
            setup_django()
        except Exception as exc:  # configuration errors get a clear message, no trace
            from django.core.exceptions import ImproperlyConfigured

            if isinstance(exc, ImproperlyConfigured):
                print(f"nabij: configuration error: {exc}", file=sys.stderr)
                return 2
            raise
        from django.conf import settings
        from django.utils import translation

        # Messages of a command are in the configured language, whatever ran before it
        # in this process (a web request in a test, a task in a worker).
        with translation.override(settings.LANGUAGE_CODE):
            return int(args.func(args) or 0)
    result = args.func(args)
    return int(result or 0)


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
