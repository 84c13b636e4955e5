"""`nabij import`: bad lines are reported with their number, good lines are kept."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from nabij.cli import main
from nabij.models import Conversation, Message

pytestmark = pytest.mark.django_db

GOOD = {
    "channel": "facebook",
    "external_id": "fb_1",
    "author": {"handle": "henk.z", "name": "Henk"},
    "text": "Wanneer wordt het grofvuil opgehaald?",
    "sent_at": "2026-10-05T09:00:00+02:00",
    "labels": {"type": "vraag", "topic": "afval"},
}


def _write(tmp_path: Path, lines: list[str | bytes]) -> Path:
    path = tmp_path / "in.jsonl"
    with path.open("wb") as out:
        for line in lines:
            out.write((line if isinstance(line, bytes) else line.encode()) + b"\n")
    return path


def test_a_mixed_file_keeps_good_lines_and_reports_bad_ones(tmp_path, capsys) -> None:
    reply = {**GOOD, "external_id": "fb_2", "in_reply_to": "fb_1", "text": "En?"}
    path = _write(
        tmp_path,
        [
            json.dumps(GOOD),
            "{not json",
            json.dumps({**GOOD, "external_id": "fb_3", "sent_at": "gisteren"}),
            "",
            json.dumps({**GOOD, "external_id": "fb_4", "author": "henk"}),
            b'{"channel": "x", "text": "\xff\xfe"}',
            json.dumps(reply),
            json.dumps([1, 2]),
            json.dumps({**GOOD, "external_id": "fb_5", "url": "javascript:alert(1)"}),
        ],
    )
    code = main(["import", str(path), "--quiet", "--no-analyse"])
    out, err = capsys.readouterr()
    assert code == 1
    assert "line 2: not valid JSON" in err
    assert "line 3: 'sent_at' is not an ISO 8601 date-time" in err
    assert "line 5: 'author' must be an object" in err
    assert "line 6: not valid UTF-8" in err
    assert "line 8: a line must be a JSON object" in err
    assert "line 9: 'url' must start with http" in err
    assert "line 4" not in err  # blank lines are fine
    assert "2 new" in out and "6 failed" in out
    assert Message.objects.count() == 2
    assert Conversation.objects.count() == 1
    assert Message.objects.get(external_id="fb_1").labels == {"type": "vraag", "topic": "afval"}


def test_importing_the_same_file_again_adds_nothing(tmp_path, capsys) -> None:
    path = _write(tmp_path, [json.dumps({**GOOD, "external_id": f"fb_{i}"}) for i in range(30)])
    assert main(["import", str(path), "--quiet", "--no-analyse", "--batch-size", "7"]) == 0
    assert main(["import", str(path), "--quiet", "--no-analyse"]) == 0
    assert "0 new, 30 already present" in capsys.readouterr().out
    assert Message.objects.count() == 30


def test_a_missing_file_is_a_clear_error(tmp_path, capsys) -> None:
    assert main(["import", str(tmp_path / "nope.jsonl")]) == 2
    assert "no such file" in capsys.readouterr().err


def test_hostile_text_is_stored_verbatim_but_without_nul(tmp_path) -> None:
    hostile = "<script>alert('x')</script>\x00\x07 ok"
    path = _write(tmp_path, [json.dumps({**GOOD, "text": hostile})])
    assert main(["import", str(path), "--quiet", "--no-analyse"]) == 0
    assert Message.objects.get().text == "<script>alert('x')</script> ok"
