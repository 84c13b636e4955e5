"""`nabij analyse`, `nabij evaluate` and `nabij train` (pure: no Django needed)."""

from __future__ import annotations

import argparse
import gc
import json
import os
import sys
from collections import deque
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any

_CHUNK = 256
# One input line: (line number, the record or None, an error or "").
Line = tuple[int, dict[str, Any] | None, str]


def register(subparsers: Any) -> None:
    """Add the understanding subcommands to the `nabij` parser."""
    analyse = subparsers.add_parser("analyse", help="analyse messages from a JSONL file")
    analyse.add_argument("--in", dest="input", required=True, help="JSONL with id and text")
    analyse.add_argument("--out", dest="output", required=True, help="JSONL to write")
    analyse.add_argument(
        "--threads", type=int, default=2, help="encoder threads without worker processes (1-2)"
    )
    analyse.add_argument(
        "--workers",
        type=int,
        default=0,
        help="worker processes (0: one per CPU core, 1: analyse in this process)",
    )
    analyse.add_argument("--no-progress", action="store_true", help="no progress bar")
    analyse.set_defaults(func=run_analyse, needs_django=False)

    evaluate = subparsers.add_parser("evaluate", help="compare the analyser with gold labels")
    evaluate.add_argument("files", nargs="+", type=Path, help="labelled JSONL files")
    evaluate.add_argument("--json", action="store_true", help="print the figures as JSON")
    evaluate.add_argument("--all-matrices", action="store_true", help="matrices for all fields")
    evaluate.add_argument(
        "--together", action="store_true", help="one report over all files together"
    )
    evaluate.set_defaults(func=run_evaluate, needs_django=False)

    train = subparsers.add_parser("train", help="train the analyser's models from the corpus")
    train.add_argument("--root", type=Path, default=Path("."), help="repository root")
    train.add_argument("--out", type=Path, default=None, help="artefact directory")
    train.set_defaults(func=run_train, needs_django=False)


def _records(handle: IO[bytes]) -> Iterator[Line]:
    """(line number, record or None, error) per non-blank input line."""
    for number, raw in enumerate(handle, start=1):
        line = raw.decode("utf-8", errors="replace")
        if not line.strip():
            continue
        try:
            record = json.loads(line)
        except json.JSONDecodeError as exc:
            yield number, None, f"ongeldige JSON: {exc.msg}"
            continue
        if not isinstance(record, dict):
            yield number, None, "regel is geen JSON-object"
        elif "text" not in record:
            yield number, record, "veld 'text' ontbreekt"
        else:
            yield number, record, ""


def _count_lines(path: str) -> int | None:
    if path == "-":
        return None
    with open(path, "rb") as handle:
        return sum(1 for _ in handle)


def _analyse_chunk(analyser: Any, chunk: list[Line]) -> list[dict[str, Any]]:
    good = [(n, r) for n, r, error in chunk if not error and r is not None]
    analyses = iter(analyser.analyse_batch([r["text"] for _, r in good]))
    out = []
    for number, record, error in chunk:
        ident = record.get("id") if isinstance(record, dict) else None
        if error:
            out.append({"id": ident, "line": number, "error": error})
            continue
        result = {"id": ident, **next(analyses).to_dict()}
        out.append(result)
    return out


def _chunks(handle: IO[bytes]) -> Iterator[list[Line]]:
    chunk: list[Line] = []
    for item in _records(handle):
        chunk.append(item)
        if len(chunk) >= _CHUNK:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def _serialised(analyser: Any, chunk: list[Line]) -> tuple[str, int, int]:
    """(output lines, line count, error count) for one chunk."""
    results = _analyse_chunk(analyser, chunk)
    text = "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in results)
    return text, len(results), sum(1 for r in results if "error" in r)


# The analyser a forked worker process inherits from its parent (see `_worker_chunk`).
_FORKED: Any = None


def _worker_chunk(chunk: list[Line]) -> tuple[str, int, int]:
    return _serialised(_FORKED, chunk)


def _worker_count(requested: int) -> int:
    if requested > 0:
        return min(requested, 32)
    try:
        cores = len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        cores = os.cpu_count() or 1
    return max(1, min(cores, 8))


def run_analyse(args: argparse.Namespace) -> int:
    """Analyse every line of --in and write one result line per input line to --out.

    With more than one worker the analyser loads once in this process and forked worker
    processes share its memory (the encoder's weights are read-only), each analysing whole
    chunks; the output keeps the input order.
    """
    import multiprocessing

    from tqdm import tqdm

    from .analyser import Analyser

    workers = _worker_count(args.workers)
    if "fork" not in multiprocessing.get_all_start_methods():
        workers = 1
    threads = 1 if workers > 1 else max(1, min(args.threads, 2))
    analyser = Analyser(threads=threads)
    analyser.warm_up()
    source = sys.stdin.buffer if args.input == "-" else open(args.input, "rb")
    total = _count_lines(args.input)
    errors = 0
    with source, open(args.output, "w", encoding="utf-8") as sink:
        pool = None
        if workers > 1:
            global _FORKED
            _FORKED = analyser
            # Objects that exist now are never collected in the workers, so the collector
            # does not write to (and thereby copy) the pages they share with this process.
            gc.freeze()
            # Forked before any other thread exists (the progress bar starts later).
            pool = multiprocessing.get_context("fork").Pool(workers)
        bar = tqdm(total=total, unit="msg", file=sys.stderr, disable=args.no_progress)
        try:
            for text, lines, failed in _results(analyser, pool, workers, _chunks(source)):
                sink.write(text)
                bar.update(lines)
                errors += failed
        except BaseException as exc:
            if pool is not None:
                pool.terminate()  # Ctrl-C or a failure: do not wait for queued chunks
            if isinstance(exc, KeyboardInterrupt):
                print("\nnabij analyse: afgebroken; de uitvoer is onvolledig", file=sys.stderr)
                return 130
            raise
        finally:
            bar.close()
            if pool is not None:
                pool.close()
                pool.join()
    if errors:
        print(
            f"nabij analyse: {errors} regel(s) met een fout, zie 'error' in de uitvoer",
            file=sys.stderr,
        )
    return 0


def _results(
    analyser: Any,
    pool: Any,
    workers: int,
    chunks: Iterator[list[Line]],
) -> Iterator[tuple[str, int, int]]:
    """Serialised results in input order; at most a few chunks per worker in flight, so
    memory stays flat however long the input is."""
    if pool is None:
        for chunk in chunks:
            yield _serialised(analyser, chunk)
        return
    pending: deque[Any] = deque()
    for chunk in chunks:
        pending.append(pool.apply_async(_worker_chunk, (chunk,)))
        if len(pending) >= 3 * workers:
            yield pending.popleft().get()
    while pending:
        yield pending.popleft().get()


def run_evaluate(args: argparse.Namespace) -> int:
    """Print per-label precision, recall, F1 and confusion matrices for each file."""
    from .analyser import Analyser
    from .corpus import read_labelled
    from .evaluate import evaluate_messages, format_report

    missing = [p for p in args.files if not p.exists()]
    if missing:
        print(f"nabij evaluate: {missing[0]} bestaat niet", file=sys.stderr)
        return 2
    groups = (
        {" + ".join(str(p) for p in args.files): args.files}
        if args.together
        else {str(p): [p] for p in args.files}
    )
    analyser = Analyser(threads=2)
    everything = {}
    for title, paths in groups.items():
        messages = [m for path in paths for m in read_labelled(path)]
        reports = evaluate_messages(messages, analyser) if messages else {}
        if not reports:
            print(f"nabij evaluate: {title} bevat geen regels met labels", file=sys.stderr)
            continue
        if args.json:
            everything[title] = {name: r.to_dict() for name, r in reports.items()}
        else:
            matrices = tuple(reports) if args.all_matrices else ("type",)
            print(f"# {title}\n")
            print(format_report(reports, matrices))
    if args.json:
        print(json.dumps(everything, indent=1, ensure_ascii=False))
    return 0


def run_train(args: argparse.Namespace) -> int:
    """Train every head from the training files and write the artefacts."""
    from .classifier import ARTEFACT_DIR
    from .train import train

    out = args.out or ARTEFACT_DIR
    try:
        models = train(args.root, out)
    except ValueError as exc:
        print(f"nabij train: {exc}", file=sys.stderr)
        return 2
    tuning = models.meta["noodkreet_tuning"]
    print(f"nabij train: artefacts written to {out}")
    print(
        f"noodkreet threshold {tuning['threshold']} (cross-validated recall "
        f"{tuning.get('cv_recall')}, precision {tuning.get('cv_precision')})"
    )
    return 0
