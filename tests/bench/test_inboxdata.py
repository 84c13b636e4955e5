"""The synthetic inbox data of bench/bench_inbox.py: consistent rows, deterministic (pure)."""

from __future__ import annotations

import random
import sys
from collections import Counter
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "bench"))

import inboxdata as data

NOW = datetime(2026, 11, 20, 12, tzinfo=UTC)
IDS = data.Ids(channels=list(range(1, 8)), teams=list(range(11, 17)), agents=[101, 102, 103])


def _generate(total: int = 3000, seed: int = 5) -> tuple[data.Generator, list, list]:
    gen = data.Generator(total, NOW, IDS, data.Corpus.load(), seed=seed)
    convs, msgs = [], []
    for batch in gen.batches(size=500):
        convs.extend(batch.conversations)
        msgs.extend(batch.messages)
    return gen, convs, msgs


def test_message_counts_sum_exactly_and_average_about_two_and_a_half() -> None:
    counts = data.message_counts(100_000, random.Random(1))
    assert sum(counts) == 100_000
    assert 2.3 < 100_000 / len(counts) < 2.8
    assert min(counts) >= 1


def test_rows_have_one_value_per_column_and_consistent_keys() -> None:
    gen, convs, msgs = _generate()
    assert len(msgs) == 3000 and gen.message_id == 3000
    assert all(len(r) == len(data.CONVERSATION_COLUMNS) for r in convs)
    assert all(len(r) == len(data.MESSAGE_COLUMNS) for r in msgs)
    col = {name: i for i, name in enumerate(data.MESSAGE_COLUMNS)}
    ccol = {name: i for i, name in enumerate(data.CONVERSATION_COLUMNS)}
    per_conv = Counter(m[col["conversation_id"]] for m in msgs)
    for conv in convs:
        assert per_conv[conv[ccol["id"]]] == conv[ccol["message_count"]]
        assert conv[ccol["status"]] in {"new", "open", "waiting", "closed"}
        assert conv[ccol["channel_id"]] in IDS.channels
        assert 1 <= conv[ccol["contact_id"]] <= gen.contacts
        assert conv[ccol["created_at"]] <= conv[ccol["last_message_at"]] <= NOW
    assert sorted(m[col["id"]] for m in msgs) == list(range(1, 3001))
    externals = [(m[col["channel_id"]], m[col["external_id"]]) for m in msgs]
    real = [e for e in externals if e[1] is not None]
    assert len(real) == len(set(real))  # the unique (channel, external id) constraint holds


def test_new_conversations_have_no_reply_and_closed_ones_are_accounted_for() -> None:
    _, convs, msgs = _generate()
    col = {name: i for i, name in enumerate(data.MESSAGE_COLUMNS)}
    ccol = {name: i for i, name in enumerate(data.CONVERSATION_COLUMNS)}
    status = {c[ccol["id"]]: c[ccol["status"]] for c in convs}
    for m in msgs:
        conv_status = status[m[col["conversation_id"]]]
        if conv_status == "new":
            assert m[col["direction"]] == "inbound"
        if conv_status == "closed" and m[col["direction"]] == "inbound":
            assert m[col["accounted_at"]] is not None
    for c in convs:
        if c[ccol["has_unaccounted"]]:
            assert c[ccol["status"]] != "closed"
            assert c[ccol["first_response_due"]] < NOW


def test_mix_is_realistic_mostly_closed_with_recent_open_work() -> None:
    _, convs, _ = _generate(total=20_000)
    ccol = {name: i for i, name in enumerate(data.CONVERSATION_COLUMNS)}
    statuses = Counter(c[ccol["status"]] for c in convs)
    open_share = 1 - statuses["closed"] / len(convs)
    assert 0.03 < open_share < 0.2
    recent = [c for c in convs if c[ccol["created_at"]] > NOW - timedelta(days=3)]
    assert recent and sum(c[ccol["status"]] != "closed" for c in recent) > len(recent) / 2
    assert len({c[ccol["type"]] for c in convs}) >= 5
    assert len({c[ccol["urgency"]] for c in convs}) == 4


def test_generation_is_deterministic() -> None:
    assert _generate(total=500)[2] == _generate(total=500)[2]
    assert _generate(total=500)[2] != _generate(total=500, seed=6)[2]


def test_contacts_carry_the_statistics_of_their_messages() -> None:
    gen, _, msgs = _generate()
    col = {name: i for i, name in enumerate(data.MESSAGE_COLUMNS)}
    inbound = Counter(m[col["contact_id"]] for m in msgs if m[col["direction"]] == "inbound")
    rows = list(gen.contact_rows())
    assert len(rows) == gen.contacts == len(list(gen.identity_rows()))
    by_id = {r[0]: r for r in rows}
    for contact, count in inbound.items():
        assert by_id[contact][7] == count
    assert len({r[1] for r in rows}) == len(rows)  # unique pseudonyms


def test_corpus_skips_junk_lines_and_falls_back_when_empty(tmp_path: Path) -> None:
    (tmp_path / "a.jsonl").write_text(
        '{"text": "Het riool stinkt", "labels": {"type": "melding"}}\n'
        "not json\n"
        '{"labels": {}}\n'
        '{"text": "   ", "labels": null}\n'
        "[1, 2]\n",
        encoding="utf-8",
    )
    corpus = data.Corpus.load(tmp_path)
    assert corpus.items == [("Het riool stinkt", "melding", "", "normaal")]
    empty = data.Corpus.load(tmp_path / "missing")
    assert len(empty.items) == len(data.FALLBACK_TEXTS)


def test_street_names_are_many_so_each_is_rare() -> None:
    names = data.streets()
    assert len(names) == len(set(names)) >= 400
