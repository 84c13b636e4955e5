"""The `nabij analyse`, `nabij evaluate` and `nabij train` commands."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from nabij.cli import main
from nabij.understanding.corpus import read_labelled

FIXTURES = Path(__file__).parent / "fixtures"


def test_analyse_writes_one_line_per_input_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    source = tmp_path / "in.jsonl"
    source.write_bytes(
        b'{"id": 1, "text": "De lantaarnpaal bij ons is kapot"}\n'
        b"not json at all\n"
        b'{"id": 2}\n'
        b'{"id": 3, "text": "caf\xe9 \xff\xfe kapot"}\n'
        b'{"id": 4, "text": 12345}\n'
        b"\n"
        b'["a list"]\n'
    )
    target = tmp_path / "out.jsonl"
    assert main(["analyse", "--in", str(source), "--out", str(target), "--workers", "1"]) == 0
    rows = [json.loads(line) for line in target.read_text(encoding="utf-8").splitlines()]
    assert [row.get("id") for row in rows] == [1, None, 2, 3, 4, None]
    assert rows[0]["type"] == "melding" and len(rows[0]["type_scores"]) == 10
    assert "error" in rows[1] and rows[1]["line"] == 2
    assert "text" in rows[2]["error"]
    assert "analyser_version" in rows[3] and "error" not in rows[3]
    assert "error" in rows[5]
    assert "fout" in capsys.readouterr().err


def test_worker_processes_give_the_same_lines_in_the_same_order(tmp_path: Path) -> None:
    # Enough lines for several chunks per worker, with junk lines in between.
    lines = []
    for index in range(1300):
        if index % 97 == 5:
            lines.append("{broken json")
        else:
            text = f"Melding {index}: de lantaarnpaal in straat {index % 40} is kapot"
            lines.append(json.dumps({"id": index, "text": text}))
    source = tmp_path / "in.jsonl"
    source.write_text("\n".join(lines) + "\n", encoding="utf-8")
    outputs = []
    for workers in ("1", "2"):
        target = tmp_path / f"out-{workers}.jsonl"
        # A fresh process, as from the shell: the pool forks from a process without
        # pytest's threads.
        done = subprocess.run(
            [sys.executable, "-m", "nabij.cli", "analyse", "--in", str(source),
             "--out", str(target), "--workers", workers, "--no-progress"],
            capture_output=True, text=True, timeout=600, check=False,
        )  # fmt: skip
        assert done.returncode == 0, done.stderr
        outputs.append(target.read_text(encoding="utf-8"))
    assert outputs[0] == outputs[1]
    rows = [json.loads(line) for line in outputs[1].splitlines()]
    assert len(rows) == 1300
    assert [row.get("id") for row in rows if "error" not in row] == [
        i for i in range(1300) if i % 97 != 5
    ]
    assert sum(1 for row in rows if "error" in row) == len([i for i in range(1300) if i % 97 == 5])


def test_reader_accepts_both_formats_and_skips_unlabelled() -> None:
    imported = list(read_labelled(FIXTURES / "import_format.jsonl"))
    assert [m.labels["type"] for m in imported] == ["melding", "vraag"]
    corpus = list(read_labelled(FIXTURES / "corpus_format.jsonl"))
    assert [m.id for m in corpus] == ["t-1", "t-2"]


def test_evaluate_prints_metrics_and_matrix(capsys: pytest.CaptureFixture[str]) -> None:
    files = [str(FIXTURES / "import_format.jsonl"), str(FIXTURES / "corpus_format.jsonl")]
    assert main(["evaluate", *files]) == 0
    out = capsys.readouterr().out
    assert "== type: n=2" in out and "macro-F1" in out
    assert "confusion matrix" in out and "noodkreet" in out


def test_evaluate_together(capsys: pytest.CaptureFixture[str]) -> None:
    files = [str(FIXTURES / "import_format.jsonl"), str(FIXTURES / "corpus_format.jsonl")]
    assert main(["evaluate", "--together", *files]) == 0
    out = capsys.readouterr().out
    assert out.count("== type: n=4") == 1


def test_evaluate_json(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["evaluate", "--json", str(FIXTURES / "corpus_format.jsonl")]) == 0
    figures = json.loads(capsys.readouterr().out)
    report = next(iter(figures.values()))["type"]
    assert report["per_label"]["noodkreet"]["recall"] == 1.0


def test_evaluate_missing_file(tmp_path: Path) -> None:
    assert main(["evaluate", str(tmp_path / "nope.jsonl")]) == 2
