"""The annotated corpus: well-formed, big enough, and the mirror still scores well on it."""

from __future__ import annotations

from pathlib import Path

import pytest

from nabij.tone.evaluate import evaluate, load_corpus, markdown_table
from nabij.tone.texts import SEVERITY

DATA = Path(__file__).resolve().parents[2] / "data" / "tone"


@pytest.fixture(scope="module")
def corpus():
    return load_corpus(DATA / "replies.jsonl")


def test_corpus_shape(corpus):
    assert len(corpus) >= 300
    assert len({item.id for item in corpus}) == len(corpus)
    assert all(item.expected <= set(SEVERITY) for item in corpus)
    clean = [item for item in corpus if not item.expected]
    assert len(clean) >= 100  # good replies, to guard against false positives


def test_scores_on_development_corpus(corpus):
    report = evaluate(corpus)
    summary = report.to_dict()
    assert summary["clean_replies_kept_clean"] == summary["clean_replies"]
    assert summary["micro"]["precision"] >= 0.97
    assert summary["micro"]["recall"] >= 0.95
    for code, scores in report.per_code().items():
        assert scores["precision"] is None or scores["precision"] >= 0.9, code


def test_scores_on_holdout():
    report = evaluate(load_corpus(DATA / "holdout.jsonl"))
    micro = report.to_dict()["micro"]
    assert micro["precision"] >= 0.9 and micro["recall"] >= 0.9


def test_markdown_table(corpus):
    table = markdown_table(evaluate(corpus[:20]))
    assert table.startswith("| code |") and "all (micro)" in table


def test_broken_corpus_line_is_reported(tmp_path):
    path = tmp_path / "bad.jsonl"
    path.write_text('{"id": "a", "text": "x"}\n{broken\n', encoding="utf-8")
    with pytest.raises(ValueError, match=":2:"):
        load_corpus(path)
