"""The formal/long-form half of the labelled corpus: well-formed, balanced, honest split."""

from __future__ import annotations

import json
import re
import unicodedata
from collections import Counter
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[2]
TRAINING = ROOT / "data" / "training"
SPLITS = ("train", "test")
CHANNELS = {"email", "webform", "facebook", "mastodon"}
LANGUAGES = {"nl", "en", "fy"}
LABEL_KEYS = {"type", "sentiment", "emotion", "topic", "urgency", "toxicity_categories", "language"}


def _vocabularies() -> dict[str, set[str]]:
    """Label vocabularies read from the shared contract, docs/interfaces.md."""
    text = (ROOT / "docs" / "interfaces.md").read_text(encoding="utf-8")
    vocab: dict[str, set[str]] = {}
    for field in ("type", "sentiment_label", "emotion", "toxicity categories", "urgency", "topic"):
        line = re.search(rf"^\| {re.escape(field)}[^|]*\|(.*)\|\s*$", text, re.MULTILINE)
        assert line, f"vocabulary row {field!r} missing from interfaces.md"
        vocab[field.split()[0].removesuffix("_label")] = set(re.findall(r"`([^`]+)`", line[1]))
    return vocab


def _load(split: str) -> list[dict[str, Any]]:
    path = TRAINING / f"formal-{split}.jsonl"
    rows = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        assert line.strip(), f"{path.name}:{number} is empty"
        rows.append(json.loads(line))
    return rows


def _key(text: str) -> str:
    """Case- and whitespace-insensitive form, to catch copies across the split."""
    return " ".join(unicodedata.normalize("NFC", text).lower().split())


@pytest.fixture(scope="module")
def corpus() -> dict[str, list[dict[str, Any]]]:
    return {split: _load(split) for split in SPLITS}


def test_rows_are_well_formed(corpus: dict[str, list[dict[str, Any]]]) -> None:
    vocab = _vocabularies()
    for split, rows in corpus.items():
        for row in rows:
            where = f"{split} {row.get('id')}"
            assert set(row) == {"id", "channel", "text", "labels"}, where
            assert re.fullmatch(r"frm-\d{5}", row["id"]), where
            assert row["channel"] in CHANNELS, where
            assert row["text"].strip() == row["text"] and row["text"], where
            assert "\\n" not in row["text"], f"{where}: unexpanded newline escape"
            labels = row["labels"]
            assert set(labels) == LABEL_KEYS, where
            assert labels["type"] in vocab["type"], where
            assert labels["sentiment"] in vocab["sentiment"], where
            assert labels["emotion"] in vocab["emotion"], where
            assert labels["urgency"] in vocab["urgency"], where
            assert labels["topic"] in vocab["topic"], where
            assert labels["language"] in LANGUAGES, where
            toxicity = labels["toxicity_categories"]
            assert len(set(toxicity)) == len(toxicity), where
            assert set(toxicity) <= vocab["toxicity"], where


def test_ids_and_texts_are_unique(corpus: dict[str, list[dict[str, Any]]]) -> None:
    ids = [row["id"] for rows in corpus.values() for row in rows]
    assert len(ids) == len(set(ids))
    keys = [_key(row["text"]) for rows in corpus.values() for row in rows]
    duplicates = [key for key, count in Counter(keys).items() if count > 1]
    assert not duplicates, duplicates[:5]


def test_size_and_balance(corpus: dict[str, list[dict[str, Any]]]) -> None:
    train, test = corpus["train"], corpus["test"]
    assert len(train) + len(test) >= 2200
    assert len(test) >= 440
    assert 0.15 <= len(test) / (len(train) + len(test)) <= 0.25
    total = Counter(row["labels"]["type"] for rows in corpus.values() for row in rows)
    assert len(total) == 10
    assert total["noodkreet"] >= 220 and total["aanval"] >= 220
    assert min(total.values()) >= 200 and max(total.values()) <= 1.25 * min(total.values()), total
    in_test = Counter(row["labels"]["type"] for row in test)
    assert len(in_test) == 10 and min(in_test.values()) >= 0.08 * len(test), in_test


def test_label_rules_hold(corpus: dict[str, list[dict[str, Any]]]) -> None:
    for rows in corpus.values():
        for row in rows:
            labels = row["labels"]
            if labels["type"] == "noodkreet":
                assert labels["urgency"] == "acuut", row["id"]
            if labels["type"] == "compliment":
                assert labels["sentiment"] == "positief", row["id"]


def test_languages_and_hard_negatives_present(corpus: dict[str, list[dict[str, Any]]]) -> None:
    rows = [row for split in SPLITS for row in corpus[split]]
    languages = Counter(row["labels"]["language"] for row in rows)
    assert 0.10 <= languages["en"] / len(rows) <= 0.20, languages
    assert languages["fy"] >= 10
    # Swearing that is not abuse: complaints, reports and opinions that curse.
    cursing = [
        row
        for row in rows
        if "grof_taalgebruik" in row["labels"]["toxicity_categories"]
        and row["labels"]["type"] != "aanval"
    ]
    assert len(cursing) >= 30
    # "kanker" about the disease, not as a swear word.
    disease = [
        row
        for row in rows
        if "kanker" in row["text"].lower() and not row["labels"]["toxicity_categories"]
    ]
    assert len(disease) >= 5


def test_test_split_is_not_a_paraphrase_of_training(
    corpus: dict[str, list[dict[str, Any]]],
) -> None:
    # Character n-gram overlap catches reworded copies that exact matching misses.
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.metrics.pairwise import cosine_similarity

    train = [row["text"] for row in corpus["train"]]
    test = [row["text"] for row in corpus["test"]]
    vectoriser = TfidfVectorizer(analyzer="char_wb", ngram_range=(3, 5), sublinear_tf=True)
    vectoriser.fit(train + test)
    similarity = cosine_similarity(vectoriser.transform(test), vectoriser.transform(train))
    closest = similarity.max(axis=1)
    too_close = [corpus["test"][i]["id"] for i in range(len(test)) if closest[i] > 0.6]
    assert not too_close, too_close
