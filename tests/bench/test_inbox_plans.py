"""The inbox reads its first page from the partial indexes of open conversations.

bench/bench_inbox.py measures the speed on 1,000,000 messages; these tests guard the
query plans that make it fast, so a change of the query shape or the indexes that
silently falls back to sorting every conversation fails here (SQLite and PostgreSQL).
"""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.db import connection

from nabij.web.inbox import InboxQuery, inbox_queryset

pytestmark = pytest.mark.django_db


def _plan(params: dict[str, str]) -> str:
    user = get_user_model().objects.create(username="planner")
    qs = inbox_queryset(InboxQuery(params), user)[:51]
    sql, sql_params = qs.query.sql_with_params()
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # Empty tables make a sequential scan cheapest; forbid it to see whether the
            # partial index can serve the query at all (its condition must match).
            for setting in ("enable_seqscan", "enable_sort", "enable_bitmapscan"):
                cursor.execute(f"SET LOCAL {setting} = off")
            cursor.execute("EXPLAIN " + sql, sql_params)
        else:
            cursor.execute("EXPLAIN QUERY PLAN " + sql, sql_params)
        rows: list[Any] = cursor.fetchall()
    return "\n".join(str(row[-1]) for row in rows)


@pytest.mark.parametrize(
    ("params", "index"),
    [
        ({}, "conv_open_idx"),
        ({"view": "over-tijd"}, "conv_open_idx"),
        ({"type": "klacht"}, "conv_open_type_idx"),
        ({"urgency": "hoog"}, "conv_open_urgency_idx"),
        ({"topic": "afval"}, "conv_open_topic_idx"),
        ({"view": "mijn-werk"}, "conv_open_assignee_idx"),
        ({"status": "open"}, "conv_inbox_idx"),
    ],
)
def test_inbox_pages_come_from_an_index_in_inbox_order(params: dict[str, str], index: str) -> None:
    plan = _plan(params)
    assert index in plan
    if connection.vendor == "sqlite":
        assert "TEMP B-TREE" not in plan  # no sort of all matching conversations


def test_search_reads_open_conversations_in_order_and_probes_the_matches() -> None:
    plan = _plan({"q": "lantaarnpaal"})
    assert "conv_open_idx" in plan
    if connection.vendor == "sqlite":
        assert "TEMP B-TREE" not in plan


@pytest.mark.parametrize(
    "params",
    [
        {"q": "lantaarnpaal"},
        {"q": '"afval naast de container" grofvuil'},
        {"q": "paspoort", "status": "closed"},
        {"q": "straat", "type": "klacht", "view": "onverantwoorde-stilte"},
    ],
)
def test_search_is_a_condition_on_the_conversation_not_a_scan_of_messages(
    params: dict[str, str],
) -> None:
    plan = _plan(params)
    assert re.search(r"\bnabij_message\b", plan) is None
    assert ("fts_nl" if connection.vendor == "postgresql" else "nabij_conversation_fts") in plan


def test_search_without_words_is_empty_not_an_error() -> None:
    user = get_user_model().objects.create(username="zoeker")
    assert list(inbox_queryset(InboxQuery({"q": "-- ..."}), user)) == []
