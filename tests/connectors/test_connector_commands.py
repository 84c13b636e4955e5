from __future__ import annotations

import argparse
import json
from pathlib import Path

import pytest
from connector_testkit import FIXTURES

from nabij.connectors import commands

DIR = FIXTURES / "fileimport" / "fixtures"


def run(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="nabij")
    commands.register(parser.add_subparsers(dest="command"))
    args = parser.parse_args(argv)
    assert args.needs_django is False
    return int(args.func(args))


def test_list_shows_every_channel(capsys: pytest.CaptureFixture[str]) -> None:
    assert run(["connectors", "list", "--json"]) == 0
    rows = json.loads(capsys.readouterr().out)
    whatsapp = next(r for r in rows if r["kind"] == "whatsapp")
    assert whatsapp["reply_private"] and not whatsapp["reply_public"]
    assert "access_token (secret)" in whatsapp["settings"]


def test_convert_writes_import_lines_and_reports_rows(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "out.jsonl"
    code = run(
        [
            "connectors",
            "convert",
            str(DIR / "webcaretool_export.csv"),
            "--mapping",
            str(DIR / "webcaretool_mapping.json"),
            "--source",
            "tool",
            "-o",
            str(out),
        ]
    )
    assert code == 0
    lines = [json.loads(line) for line in out.read_text().splitlines()]
    assert [line["external_id"] for line in lines] == ["tool:1001", "tool:1002"]
    assert lines[0]["author"] == {"handle": "@anna", "name": "Anna de Vries"}
    err = capsys.readouterr().err
    assert "row 5: unreadable date" in err and "2 of 4 rows converted" in err


def test_convert_refuses_a_bad_mapping(tmp_path: Path) -> None:
    (tmp_path / "m.json").write_text('{"text": "Bericht"}')
    code = run(
        [
            "connectors",
            "convert",
            str(DIR / "webcaretool_export.csv"),
            "--mapping",
            str(tmp_path / "m.json"),
            "--source",
            "x",
        ]
    )
    assert code == 2


def test_parse_a_fixture(capsys: pytest.CaptureFixture[str]) -> None:
    assert (
        run(
            [
                "connectors",
                "parse",
                "facebook",
                str(FIXTURES / "meta" / "fixtures" / "messenger.json"),
            ]
        )
        == 0
    )
    assert len(capsys.readouterr().out.splitlines()) == 2
    assert run(["connectors", "parse", "nope", "x"]) == 2
