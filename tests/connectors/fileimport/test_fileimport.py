from __future__ import annotations

import csv
import datetime as dt
import json
import time
import tracemalloc
from pathlib import Path

import openpyxl
import pytest
from connector_testkit import FIXTURES, load_fixture

from nabij.connectors.base import RowError
from nabij.connectors.fileimport import FileImportConnector, ImportStats, import_file
from nabij.connectors.fileimport.mapping import map_row, validate_mapping
from nabij.connectors.fileimport.readers import ReaderError, iter_text

DIR = FIXTURES / "fileimport" / "fixtures"
AMS = dt.timezone(dt.timedelta(hours=2))


def run(name: str, mapping: str, fmt: str | None = None) -> tuple[list, ImportStats]:
    stats = ImportStats()
    messages = list(
        import_file(DIR / name, load_fixture("fileimport", mapping), "tool", fmt, stats)
    )
    return messages, stats


def test_csv_with_bom_semicolons_multiline_and_dutch_dates() -> None:
    messages, stats = run("webcaretool_export.csv", "webcaretool_mapping.json")
    first, second = messages
    assert first.external_id == "tool:1001"
    assert first.text == "De lantaarnpaal is kapot; al een week."
    assert first.sent_at == dt.datetime(2026, 9, 14, 8, 12, tzinfo=AMS)
    assert first.sent_at.utcoffset() == dt.timedelta(hours=2)
    assert first.public is True and second.public is False
    assert second.text == "Meerdere\r\nregels tekst"
    assert second.in_reply_to == "tool:1001"
    # Row numbers are those of the file: header = 1, the multi-line record spans 3-4.
    assert [(e.position, e.error.split(":")[0]) for e in stats.errors] == [
        (5, "unreadable date"),
        (7, "empty text"),
    ]
    assert (stats.rows, stats.messages) == (4, 2)


def test_json_array_with_joined_columns_epoch_and_bad_items() -> None:
    messages, stats = run("tool_export.json", "tool_mapping.json")
    assert [m.author_name for m in messages] == ["Fatima El Amrani", "Bakker"]
    assert messages[0].sent_at == dt.datetime.fromtimestamp(1789373520, dt.UTC)
    assert [e.position for e in stats.errors] == [2, 3]


def test_jsonl_reports_the_broken_line() -> None:
    messages, stats = run("tool_export.jsonl", "tool_mapping.json", "jsonl")
    assert [m.external_id for m in messages] == ["tool:l-1", "tool:l-3"]
    assert stats.errors[0].position == 3 and "invalid JSON" in stats.errors[0].error


def test_xlsx_read_only(tmp_path: Path) -> None:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["ID", "Wanneer", "Tekst"])
    sheet.append([77.0, dt.datetime(2026, 9, 14, 8, 0), "Uit Excel"])
    sheet.append([None, None, None])
    sheet.append([78, "geen datum", "Fout"])
    book.save(tmp_path / "export.xlsx")
    mapping = {
        "external_id": "ID",
        "sent_at": {"column": "Wanneer", "tz": "Europe/Amsterdam"},
        "text": "Tekst",
    }
    stats = ImportStats()
    (msg,) = import_file(tmp_path / "export.xlsx", mapping, "xl", stats=stats)
    assert msg.external_id == "xl:77"
    assert msg.sent_at == dt.datetime(2026, 9, 14, 8, 0, tzinfo=AMS)
    assert [e.position for e in stats.errors] == [4]


def test_rows_without_id_get_a_stable_hash_so_reimport_is_idempotent() -> None:
    mapping = {"sent_at": "t", "text": "x"}
    row = {"t": "2026-09-14T10:00:00+02:00", "x": "Hallo"}
    assert map_row(row, mapping, "s").external_id == map_row(dict(row), mapping, "s").external_id
    assert (
        map_row(row, mapping, "s").external_id
        != map_row({**row, "x": "Hoi"}, mapping, "s").external_id
    )
    messages, _ = run("tool_export.json", "tool_mapping.json")
    again, _ = run("tool_export.json", "tool_mapping.json")
    assert [m.external_id for m in messages] == [m.external_id for m in again]


def test_mapping_validation() -> None:
    assert validate_mapping({"text": "a", "sent_at": "b"}) == []
    problems = validate_mapping(
        {"text": {"col": "a"}, "nope": "x", "sent_at": {"column": "d", "tz": "Mars/Base"}}
    )
    assert "unknown target field 'nope'" in problems
    assert any("needs 'column'" in p for p in problems)
    assert any("Mars/Base" in p for p in problems)
    assert validate_mapping(["text"]) and validate_mapping({"text": "a"})
    with pytest.raises(ReaderError):
        list(import_file(DIR / "tool_export.json", {"text": "body"}, "x"))


def test_broken_files_raise_reader_errors(tmp_path: Path) -> None:
    (tmp_path / "a.json").write_text('[{"id": 1}, {"id": ')
    with pytest.raises(ReaderError):
        list(import_file(tmp_path / "a.json", {"text": "id", "sent_at": "id"}, "x"))
    (tmp_path / "b.xlsx").write_bytes(b"not a zip")
    with pytest.raises(ReaderError):
        list(import_file(tmp_path / "b.xlsx", {"text": "id", "sent_at": "id"}, "x"))
    with pytest.raises(ReaderError):
        list(import_file(tmp_path / "c.pdf", {"text": "id", "sent_at": "id"}, "x"))


def test_connector_parse_and_config() -> None:
    payload = {
        "rows": [{"b": "Hoi", "d": "2026-09-14T10:00:00Z"}, 5],
        "source": "api",
        "mapping": {"text": "b", "sent_at": "d"},
    }
    result = FileImportConnector().parse(payload)
    assert len(result.messages) == 1 and result.errors == (RowError(2, "row is not an object"),)
    config = {"source": "tool", "mapping": load_fixture("fileimport", "webcaretool_mapping.json")}
    assert FileImportConnector().validate_config(config) == []
    assert FileImportConnector().validate_config({"source": "x", "mapping": []})


def test_cp1252_csv(tmp_path: Path) -> None:
    (tmp_path / "w.csv").write_bytes(
        "id;tekst;datum\r\n1;Café overlast;2026-09-14 10:00\r\n".encode("cp1252")
    )
    (msg,) = import_file(
        tmp_path / "w.csv", {"external_id": "id", "text": "tekst", "sent_at": "datum"}, "w"
    )
    assert msg.text == "Café overlast"


def _write_csv(path: Path, rows: int) -> None:
    with path.open("w", newline="", encoding="utf-8") as f:
        writer = csv.writer(f)
        writer.writerow(["id", "datum", "tekst"])
        for i in range(rows):
            writer.writerow(
                [i, "2026-09-14T10:00:00+02:00", f"Bericht nummer {i} over afval en parkeren"]
            )


def _peak_memory(path: Path) -> tuple[int, int]:
    mapping = {"external_id": "id", "sent_at": "datum", "text": "tekst"}
    tracemalloc.start()
    count = sum(1 for _ in import_file(path, mapping, "big"))
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return count, peak


def test_streaming_memory_stays_flat(tmp_path: Path) -> None:
    small, big = tmp_path / "small.csv", tmp_path / "big.csv"
    _write_csv(small, 2_000)
    _write_csv(big, 20_000)
    small_count, small_peak = _peak_memory(small)
    big_count, big_peak = _peak_memory(big)
    assert (small_count, big_count) == (2_000, 20_000)
    # Ten times the rows, about the same peak, and far below the file size.
    assert big_peak < small_peak * 1.5 + 50_000
    assert big_peak < big.stat().st_size / 5


@pytest.mark.slow
def test_one_million_rows(tmp_path: Path) -> None:
    path = tmp_path / "million.jsonl"
    with path.open("w") as f:
        for i in range(1_000_000):
            f.write(json.dumps({"id": i, "t": 1789373520 + i, "x": f"Bericht {i}"}) + "\n")
    mapping = {"external_id": "id", "sent_at": {"column": "t", "format": "epoch"}, "text": "x"}
    start = time.perf_counter()
    stats = ImportStats()
    count = sum(1 for _ in import_file(path, mapping, "m", stats=stats))
    assert count == 1_000_000 and stats.errors == []
    assert time.perf_counter() - start < 120


def test_iter_text_json_array_spanning_chunks() -> None:
    items = [{"n": i, "pad": "x" * 1000} for i in range(200)]  # ~200 kB: several chunks
    rows = list(iter_text(json.dumps(items), "json"))
    assert [r["n"] for _, r in rows] == list(range(200))
    assert rows[-1][0] == 200
