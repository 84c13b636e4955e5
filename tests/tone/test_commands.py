"""`nabij tone check` and `nabij tone evaluate` on the command line."""

from __future__ import annotations

import io
import json

from nabij.cli import main


def test_check_argument(capsys):
    assert main(["tone", "check", "Wij hebben dit intern doorgezet.", "--emotion", "boos",
                 "--name", "Anna", "--channel", "mastodon"]) == 0  # fmt: skip
    findings = json.loads(capsys.readouterr().out)
    found = {f["code"] for f in findings}
    assert {"distancing_phrase", "missing_acknowledgement", "missing_name"} <= found


def test_check_stdin(capsys, monkeypatch):
    monkeypatch.setattr("sys.stdin", io.StringIO("Middels dit bericht."))
    assert main(["tone", "check", "--language", "en"]) == 0
    findings = {f["code"]: f for f in json.loads(capsys.readouterr().out)}
    assert "officialese" in findings["bureaucratic_word"]["message"]


def test_check_rewrite(capsys):
    assert main(["tone", "check", "Middels de app.", "--rewrite"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["rewrite"] == "Met de app."


def test_promise_followup_gets_a_due_date(capsys):
    assert main(["tone", "check", "We kijken ernaar."]) == 0
    [promise] = [f for f in json.loads(capsys.readouterr().out)
                 if f["code"] == "promise_without_date"]  # fmt: skip
    assert promise["followup"]["due"] is not None


def test_evaluate(capsys):
    assert main(["tone", "evaluate"]) == 0
    summary = json.loads(capsys.readouterr().out)
    assert summary["items"] >= 300


def test_evaluate_missing_corpus(capsys, tmp_path):
    assert main(["tone", "evaluate", "--corpus", str(tmp_path / "nope.jsonl")]) == 2
    assert "nope.jsonl" in capsys.readouterr().err
