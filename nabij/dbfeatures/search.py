"""Full-text search over message texts: SQLite FTS5 or PostgreSQL Dutch text search.

Everything database-specific about search lives here. The index is created (if
missing) after every migrate, so the schema migration itself stays portable.
"""

from __future__ import annotations

import re
from typing import Any

from django.db import connection

MAX_QUERY = 200
# Above this many matching messages (the planner's estimate) PostgreSQL search checks
# conversations one by one in inbox order instead of collecting all matches first; the
# two ways cost about the same here on 1,000,000 messages (bench/bench_inbox.py).
COMMON_MATCHES = 30_000
_WORD = re.compile(r"[\w@#.-]+", re.UNICODE)

SQLITE_SETUP = [
    """CREATE VIRTUAL TABLE IF NOT EXISTS nabij_message_fts USING fts5(
        text, content='nabij_message', content_rowid='id',
        tokenize='unicode61 remove_diacritics 2')""",
    """CREATE TRIGGER IF NOT EXISTS nabij_message_fts_ai AFTER INSERT ON nabij_message BEGIN
        INSERT INTO nabij_message_fts(rowid, text) VALUES (new.id, new.text); END""",
    """CREATE TRIGGER IF NOT EXISTS nabij_message_fts_ad AFTER DELETE ON nabij_message BEGIN
        INSERT INTO nabij_message_fts(nabij_message_fts, rowid, text)
        VALUES ('delete', old.id, old.text); END""",
    """CREATE TRIGGER IF NOT EXISTS nabij_message_fts_au AFTER UPDATE OF text ON nabij_message
        BEGIN
        INSERT INTO nabij_message_fts(nabij_message_fts, rowid, text)
        VALUES ('delete', old.id, old.text);
        INSERT INTO nabij_message_fts(rowid, text) VALUES (new.id, new.text); END""",
]

POSTGRES_SETUP = [
    """CREATE INDEX IF NOT EXISTS nabij_message_text_nl_idx ON nabij_message
       USING GIN (to_tsvector('dutch', text))""",
]


def ensure_search_index(**kwargs: Any) -> None:
    """Create the search index and keep it filled (idempotent; runs after migrate)."""
    using = kwargs.get("using", "default")
    from django.db import connections

    conn = connections[using]
    with conn.cursor() as cursor:
        if conn.vendor == "sqlite":
            cursor.execute("SELECT count(*) FROM sqlite_master WHERE name = 'nabij_message_fts'")
            existed = cursor.fetchone()[0] > 0
            for statement in SQLITE_SETUP:
                cursor.execute(statement)
            if not existed:
                cursor.execute(
                    "INSERT INTO nabij_message_fts(nabij_message_fts) VALUES ('rebuild')"
                )
            # Without statistics SQLite picks poor indexes for the roll-up queries.
            cursor.execute("PRAGMA optimize")
        elif conn.vendor == "postgresql":
            for statement in POSTGRES_SETUP:
                cursor.execute(statement)


def clean_query(query: str) -> list[str]:
    """The words of a user's query, without operators that the engines would interpret."""
    return [w.strip(".-") for w in _WORD.findall(query[:MAX_QUERY]) if w.strip(".-")][:12]


def matching_message_ids_sql(query: str) -> tuple[str, list[Any]] | None:
    """SQL selecting ids of messages matching all words (prefix match on SQLite)."""
    words = clean_query(query)
    if not words:
        return None
    if connection.vendor == "sqlite":
        match = " ".join('"' + w.replace('"', "") + '"*' for w in words)
        return "SELECT rowid FROM nabij_message_fts WHERE nabij_message_fts MATCH %s", [match]
    if connection.vendor == "postgresql":
        tsquery = _postgres_tsquery(words)
        if tsquery is None:
            return None
        return (
            "SELECT id FROM nabij_message WHERE to_tsvector('dutch', text) @@ "
            "to_tsquery('dutch', %s)",
            [tsquery],
        )
    # Any other database: a portable (slow) fallback.
    clauses = " AND ".join("text LIKE %s" for _ in words)
    return f"SELECT id FROM nabij_message WHERE {clauses}", [f"%{w}%" for w in words]  # noqa: S608


def conversation_match_sql(query: str, column: str) -> tuple[str, list[Any]] | None:
    """A boolean SQL condition: the conversation id in `column` has a message matching all words.

    None when the query has no words. `column` is SQL naming the conversation id (ours,
    never user input). The shape is chosen per database for the inbox (measured with
    bench/bench_inbox.py on 1,000,000 messages): see the comments below.
    """
    words = clean_query(query)
    if not words:
        return None
    if connection.vendor == "postgresql":
        found = _postgres_tsquery(words)
        if found is None:
            return None
        if _postgres_estimate(found) >= COMMON_MATCHES:
            # A very common word: checking conversations in inbox order finds a page of
            # matches after a few hundred. OFFSET 0 keeps the sub-select per row (without
            # it the planner turns it into a hashed set of all matches, the slow way here).
            return (
                "EXISTS (SELECT 1 FROM nabij_message m WHERE m.conversation_id = "  # noqa: S608
                f"{column} AND to_tsvector('dutch', m.text) @@ to_tsquery('dutch', %s) OFFSET 0)",
                [found],
            )
        # "+ 0" keeps the planner from checking conversation after conversation with
        # to_tsvector on each of its messages (a nested loop it picks for mid-frequency
        # words, seconds on 1,000,000 messages): the GIN index yields the matching
        # conversation ids once, hashed, and the inbox reads open ones in order.
        return (
            f"{column} IN (SELECT conversation_id + 0 FROM nabij_message "  # noqa: S608
            "WHERE to_tsvector('dutch', text) @@ to_tsquery('dutch', %s))",
            [found],
        )
    found_ids = matching_message_ids_sql(query)
    if found_ids is None:
        return None
    sql, params = found_ids
    # SQLite: the unary plus keeps the planner from looking up every matching
    # conversation by primary key and sorting them all (slow for a common word); it
    # reads conversations in inbox order from an index and probes the set of matching
    # conversation ids, which is built once.
    plus = "+" if connection.vendor == "sqlite" else ""
    return (
        f"{plus}{column} IN (SELECT conversation_id FROM nabij_message WHERE id IN ({sql}))",  # noqa: S608
        params,
    )


def _postgres_estimate(tsquery: str) -> float:
    """The planner's estimate of how many messages match (from statistics, no scan)."""
    with connection.cursor() as cursor:
        cursor.execute(
            "EXPLAIN (FORMAT JSON) SELECT 1 FROM nabij_message "
            "WHERE to_tsvector('dutch', text) @@ to_tsquery('dutch', %s)",
            [tsquery],
        )
        plan = cursor.fetchone()[0]
    try:
        return float(plan[0]["Plan"]["Plan Rows"])
    except (KeyError, IndexError, TypeError, ValueError):
        return 0.0


def _postgres_tsquery(words: list[str]) -> str | None:
    """The to_tsquery text: every word as a prefix, all required."""
    terms = [re.sub(r"[^\w]", "", w) for w in words]
    terms = [t for t in terms if t]
    if not terms:
        return None
    return " & ".join(f"{t}:*" for t in terms)
