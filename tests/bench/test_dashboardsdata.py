"""Synthetic analyses and decisions of bench/bench_dashboards.py: consistent rows (pure)."""

from __future__ import annotations

import json
import random
import sqlite3
import sys
from collections import Counter
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "bench"))

import dashboardsdata as dd

SENT = "2026-11-20 10:00:00"


def _rows(n: int = 2000, seed: int = 3) -> tuple[list, list]:
    rng = random.Random(seed)
    messages = []
    for i in range(1, n + 1):
        kind = rng.choice(dd.TYPES)
        text = f"Bericht {i}: de lamp op de Kerkstraat {i % 90} is kapot."
        accounted = SENT if i % 3 else None
        messages.append((i, 1000 + i, text, kind, "verlichting", "normaal", SENT, accounted))
    return dd.Rows(seed=seed).for_messages(messages)


def test_one_analysis_and_one_decision_per_message_with_every_column() -> None:
    analyses, decisions = _rows()
    assert len(analyses) == len(decisions) == 2000
    assert all(len(a) == len(dd.ANALYSIS_COLUMNS) for a in analyses)
    assert all(len(d) == len(dd.DECISION_COLUMNS) for d in decisions)
    assert [a[0] for a in analyses] == list(range(1, 2001))
    assert [a[1] for a in analyses] == [d[1] for d in decisions]


def test_analysis_fits_its_type_and_data_has_redacted_text_and_scores() -> None:
    analyses, _ = _rows()
    col = {name: i for i, name in enumerate(dd.ANALYSIS_COLUMNS)}
    by_type: dict[str, list[float]] = {}
    for row in analyses:
        data = json.loads(row[col["data"]])
        assert "[huisnummer]" in data["redacted_text"] and row[col["has_pii"]] is True
        scores = data["type_scores"]
        assert max(scores, key=scores.get) == row[col["type"]]
        assert abs(sum(scores.values()) - 1) < 0.01
        assert -1 <= row[col["sentiment"]] <= 1 and 0 <= row[col["toxicity"]] <= 1
        assert row[col["sentiment_label"]] == dd.sentiment_label(row[col["sentiment"]])
        assert row[col["emotion"]] in dd.EMOTIONS
        by_type.setdefault(row[col["type"]], []).append(row[col["sentiment"]])
    mean = {k: sum(v) / len(v) for k, v in by_type.items()}
    assert mean["compliment"] > 0.4 > -0.4 > mean["klacht"]
    toxic = Counter(r[col["type"]] for r in analyses if r[col["toxicity"]] >= 0.5)
    assert toxic["aanval"] > toxic["vraag"]


def test_decisions_follow_the_advice_and_whether_the_message_was_accounted_for() -> None:
    _, decisions = _rows()
    col = {name: i for i, name in enumerate(dd.DECISION_COLUMNS)}
    for i, row in enumerate(decisions, start=1):
        assert row[col["state"]] == ("confirmed" if i % 3 else "recommended")
        assert (row[col["action"]], row[col["reason_code"]]) in dd.ADVICE.values()


def test_rows_are_deterministic_and_junk_types_become_overig() -> None:
    assert _rows(200) == _rows(200)
    rng = random.Random(1)
    values = dd.analysis_values("???", "", "", "tekst zonder nummer", rng)
    assert values[1] == "overig" and values[-1] is False


def test_message_chunks_reads_inbound_messages_in_id_order() -> None:
    conn = sqlite3.connect(":memory:")
    conn.execute(
        "CREATE TABLE nabij_message (id INTEGER PRIMARY KEY, conversation_id INT, text TEXT, "
        "type TEXT, topic TEXT, urgency TEXT, sent_at TEXT, accounted_at TEXT, direction TEXT)"
    )
    conn.executemany(
        "INSERT INTO nabij_message VALUES (?, 1, 't', 'vraag', '', '', ?, NULL, ?)",
        [(i, SENT, "inbound" if i % 4 else "outbound") for i in range(1, 101)],
    )
    chunks = list(dd.message_chunks(conn, size=7))
    ids = [row[0] for chunk in chunks for row in chunk]
    assert ids == [i for i in range(1, 101) if i % 4]
    assert max(len(c) for c in chunks) == 7
    assert dd.as_datetime(SENT) == datetime(2026, 11, 20, 10)
    assert dd.as_datetime(datetime(2026, 1, 1, tzinfo=UTC)).tzinfo is UTC


def test_patterns_lie_in_the_period_with_a_daily_trend_and_examples() -> None:
    end = datetime(2026, 11, 20, 12, tzinfo=UTC)
    rng = random.Random(5)
    fields = [dd.pattern_fields(i, end, 100, ["afval", "verkeer"], rng) for i in range(300)]
    assert len({f["key"] for f in fields}) == 300
    for f in fields:
        assert end - timedelta(days=100) <= f["first_seen"] <= f["last_seen"] <= end
        days = [t["date"] for t in f["trend"]]
        assert days == sorted(days) and days[0] == f["first_seen"].date().isoformat()
        assert f["topic"] in ("afval", "verkeer") and f["status"] in dd.PATTERN_STATUSES
        assert len(f["explanation"]["examples"]) == 5 and f["title"]
    assert {f["status"] for f in fields} == set(dd.PATTERN_STATUSES)
