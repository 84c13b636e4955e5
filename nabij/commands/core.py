"""Core subcommands: migrate, createuser, import, audit verify, serve, worker, demo."""

from __future__ import annotations

import argparse
import getpass
import sys
from pathlib import Path
from typing import Any


def register(subparsers: Any) -> None:
    """Add the core subcommands."""
    p = subparsers.add_parser("migrate", help="create or update the database tables")
    p.set_defaults(func=cmd_migrate)

    p = subparsers.add_parser("createuser", help="create a user with a role")
    p.add_argument("username")
    p.add_argument(
        "--role",
        required=True,
        choices=["agent", "coordinator", "analyst", "admin", "auditor"],
    )
    p.add_argument("--email", default="")
    p.add_argument("--first-name", default="")
    p.add_argument("--password-stdin", action="store_true", help="read the password from stdin")
    p.set_defaults(func=cmd_createuser)

    p = subparsers.add_parser("import", help="import messages from a JSONL file")
    p.add_argument("file", help="path to a .jsonl file (docs/import-format.md), or - for stdin")
    p.add_argument("--batch-size", type=int, default=2000)
    p.add_argument("--no-analyse", action="store_true", help="do not queue analysis")
    p.add_argument("--quiet", action="store_true", help="no progress bar")
    p.set_defaults(func=cmd_import)

    p = subparsers.add_parser("audit", help="audit log tools")
    audit_sub = p.add_subparsers(dest="audit_command", metavar="SUBCOMMAND")
    v = audit_sub.add_parser("verify", help="verify the hash chain of the audit log")
    v.set_defaults(func=cmd_audit_verify)

    p = subparsers.add_parser("serve", help="serve the web application")
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=int, default=8000)
    p.add_argument("--threads", type=int, default=8)
    p.add_argument("--no-worker", action="store_true", help="do not start a background worker")
    p.set_defaults(func=cmd_serve)

    p = subparsers.add_parser("worker", help="run background tasks")
    p.add_argument("--queue", default="default")
    p.add_argument("--batch", action="store_true", help="stop when the queue is empty")
    p.add_argument("--interval", type=float, default=1.0)
    p.set_defaults(func=cmd_worker)

    p = subparsers.add_parser("demo", help="load the demo data set and serve it")
    p.add_argument("--no-serve", action="store_true", help="only load the demo data")
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=int, default=8000)
    p.add_argument(
        "--shift",
        choices=["auto", "none"],
        default="auto",
        help="auto: move the demo weeks so that they end this week (default)",
    )
    p.set_defaults(func=cmd_demo)


def cmd_migrate(args: argparse.Namespace) -> int:
    """Apply database migrations."""
    from django.core.management import call_command

    call_command("migrate", interactive=False, verbosity=1)
    return 0


def cmd_createuser(args: argparse.Namespace) -> int:
    """Create a user in one of the roles."""
    from django.db import transaction

    from nabij.actions.errors import ActionError
    from nabij.actions.users import do_create_user

    if args.password_stdin:
        password = sys.stdin.readline().rstrip("\n")
    else:
        password = getpass.getpass("Wachtwoord / password: ")
    try:
        with transaction.atomic():
            user = do_create_user(
                args.username,
                password,
                role=args.role,
                email=args.email,
                first_name=args.first_name,
            )
    except ActionError as exc:
        print(f"nabij createuser: {exc}", file=sys.stderr)
        return 1
    print(f"user {user.username} created with role {args.role}")
    return 0


def cmd_import(args: argparse.Namespace) -> int:
    """Import a JSONL file and report every bad line."""
    from nabij.actions.importing import do_import_jsonl

    if args.file == "-":
        stream = sys.stdin.buffer
        total = None
    else:
        path = Path(args.file)
        if not path.is_file():
            print(f"nabij import: no such file: {path}", file=sys.stderr)
            return 2
        stream = path.open("rb")
        total = None if args.quiet else _count_lines(path)
    bar = _progress(total, args.quiet)
    try:
        report = do_import_jsonl(
            stream,
            batch_size=max(1, args.batch_size),
            queue_analysis=not args.no_analyse,
            progress=bar.update if bar else None,
        )
    finally:
        if bar:
            bar.close()
        if stream is not sys.stdin.buffer:
            stream.close()
    for number, reason in report.errors:
        print(f"line {number}: {reason}", file=sys.stderr)
    print(
        f"{report.created} new, {report.existing} already present, "
        f"{len(report.errors)} failed, {report.lines} lines read"
    )
    return 0 if report.ok else 1


def _count_lines(path: Path) -> int:
    with path.open("rb") as handle:
        return sum(1 for _ in handle)


def _progress(total: int | None, quiet: bool) -> Any:
    if quiet:
        return None
    from tqdm import tqdm

    return tqdm(total=total, unit="msg", file=sys.stderr, mininterval=0.5, smoothing=0.1)


def cmd_audit_verify(args: argparse.Namespace) -> int:
    """Verify the audit chain; non-zero with the first broken event."""
    from nabij.actions.audit import verify_audit_chain

    result = verify_audit_chain()
    if result.ok:
        print(f"audit log intact: {result.checked} events verified")
        return 0
    print(f"audit log BROKEN at event #{result.problem_seq}: {result.problem}", file=sys.stderr)
    print(f"{result.checked} events verified before the problem", file=sys.stderr)
    return 1


def cmd_serve(args: argparse.Namespace) -> int:
    """Serve Nabij with waitress (and a background worker unless --no-worker)."""
    from nabij.web.server import serve

    return serve(args.host, args.port, threads=args.threads, with_worker=not args.no_worker)


def cmd_worker(args: argparse.Namespace) -> int:
    """Run the task worker for the configured backend."""
    from nabij.tasks.worker import run_worker

    return run_worker(queue=args.queue, batch=args.batch, interval=args.interval)


def cmd_demo(args: argparse.Namespace) -> int:
    """Load the demo organisation, accounts and messages; then serve unless --no-serve."""
    from nabij.demo import load_demo

    cmd_migrate(args)
    accounts = load_demo(shift=args.shift == "auto", out=sys.stdout)
    print("\nDemo log-ins (demo only — never use these passwords elsewhere):")
    for username, role, password in accounts:
        print(f"  {username:<10} {role:<12} {password}")
    if args.no_serve:
        return 0
    print(f"\nNabij serves on http://{args.host}:{args.port}/  (Ctrl+C stops)")
    return cmd_serve(argparse.Namespace(host=args.host, port=args.port, threads=8, no_worker=False))
