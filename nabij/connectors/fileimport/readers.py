"""Streaming readers for CSV, JSON (array or JSONL) and XLSX: one row at a time.

Every reader yields `(row_number, row)` where `row` maps column names to values and the
row number is what a person sees in the file (the CSV/XLSX header is row 1; JSON items
count from 1). Nothing reads the whole file into memory.
"""

from __future__ import annotations

import codecs
import csv
import io
import json
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any

Row = dict[str, Any]
CHUNK = 64 * 1024
MAX_FIELD = 1_000_000  # characters in one CSV field; larger is an error, not a crash


class ReaderError(ValueError):
    """The file as a whole cannot be read (not one bad row)."""


def open_text(path: Path) -> IO[str]:
    """Open a text export, accepting UTF-8 with or without BOM and falling back to cp1252."""
    with path.open("rb") as probe:
        head = probe.read(CHUNK)
    encoding = "utf-8-sig"
    try:
        codecs.decode(head, "utf-8-sig")
    except UnicodeDecodeError as exc:
        # A cut multi-byte character at the end of the probe is not a reason to switch.
        if exc.start < len(head) - 4:
            encoding = "cp1252"  # Excel's "CSV" on Dutch Windows
    return path.open("r", encoding=encoding, errors="replace", newline="")


def iter_csv(stream: IO[str]) -> Iterator[tuple[int, Row]]:
    """Rows of a CSV export; the delimiter (`,` `;` tab) is sniffed from the header."""
    csv.field_size_limit(MAX_FIELD)
    header_line = stream.readline()
    if not header_line.strip():
        return
    delimiter = max((";", ",", "\t", "|"), key=header_line.count)
    header = next(csv.reader([header_line], delimiter=delimiter))
    header = [h.strip() or f"column_{i + 1}" for i, h in enumerate(header)]
    reader = csv.reader(stream, delimiter=delimiter)
    row_number = 1
    while True:
        try:
            values = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            row_number += 1
            yield row_number, {"__error__": f"unreadable CSV row: {exc}"}
            continue
        row_number = reader.line_num + 1
        if not any(v.strip() for v in values):
            continue
        yield row_number, dict(zip(header, values, strict=False))


def iter_json(stream: IO[str]) -> Iterator[tuple[int, Row]]:
    """Items of a JSON array or of JSON Lines, decoded incrementally."""
    first = _first_char(stream)
    if first == "[":
        yield from _iter_array(stream)
    elif first:
        yield from _iter_lines(stream, first)


def _first_char(stream: IO[str]) -> str:
    """The first character that is not whitespace or a byte-order mark ("" at the end)."""
    while True:
        char = stream.read(1)
        if not char or not (char.isspace() or char == "\ufeff"):
            return char


def _iter_lines(stream: IO[str], first: str) -> Iterator[tuple[int, Row]]:
    for number, line in enumerate(_prefixed(stream, first), start=1):
        if not line.strip():
            continue
        try:
            item = json.loads(line)
        except json.JSONDecodeError as exc:
            yield number, {"__error__": f"invalid JSON: {exc}"}
            continue
        yield number, item if isinstance(item, dict) else {"__error__": "line is not an object"}


def _prefixed(stream: IO[str], first: str) -> Iterator[str]:
    line = first + stream.readline()
    while line:
        yield line
        line = stream.readline()


def _iter_array(stream: IO[str]) -> Iterator[tuple[int, Row]]:
    decoder = json.JSONDecoder()
    buffer, number, done = "", 0, False
    while True:
        buffer = buffer.lstrip().lstrip(",").lstrip()
        if buffer.startswith("]"):
            return
        try:
            item, end = decoder.raw_decode(buffer)
        except ValueError as exc:
            if done:
                if buffer.strip():
                    raise ReaderError(f"JSON array broken after item {number}: {exc}") from None
                raise ReaderError("JSON array is not closed") from None
            chunk = stream.read(CHUNK)
            done = not chunk
            buffer += chunk
            continue
        number += 1
        buffer = buffer[end:]
        yield number, item if isinstance(item, dict) else {"__error__": "item is not an object"}


def iter_xlsx(path: Path, sheet: str | None = None) -> Iterator[tuple[int, Row]]:
    """Rows of an Excel workbook in openpyxl's read-only (streaming) mode."""
    import openpyxl

    try:
        book = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for a broken file
        raise ReaderError(f"unreadable XLSX file ({exc.__class__.__name__})") from None
    try:
        ws = book[sheet] if sheet else book.active
        rows = ws.iter_rows(values_only=True)
        header_cells = next(rows, None)
        if header_cells is None:
            return
        header = [
            str(h).strip() if h is not None else f"column_{i + 1}"
            for i, h in enumerate(header_cells)
        ]
        for number, values in enumerate(rows, start=2):
            if all(v is None or str(v).strip() == "" for v in values):
                continue
            yield number, dict(zip(header, values, strict=False))
    finally:
        book.close()


def iter_file(
    path: Path, fmt: str | None = None, sheet: str | None = None
) -> Iterator[tuple[int, Row]]:
    """Rows of an export file; the format comes from `fmt` or the file extension."""
    fmt = (fmt or path.suffix.lstrip(".")).lower()
    if fmt == "xlsx":
        yield from iter_xlsx(path, sheet)
        return
    if fmt not in ("csv", "json", "jsonl", "ndjson"):
        raise ReaderError(f"unsupported import format {fmt!r} (csv, json, jsonl, xlsx)")
    with open_text(path) as stream:
        yield from (iter_csv(stream) if fmt == "csv" else iter_json(stream))


def iter_text(text: str, fmt: str) -> Iterator[tuple[int, Row]]:
    """Rows of an export held in memory (small uploads and tests)."""
    stream = io.StringIO(text)
    yield from (iter_csv(stream) if fmt == "csv" else iter_json(stream))
