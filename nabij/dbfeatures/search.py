"""Full-text search over message texts: SQLite FTS5 or PostgreSQL Dutch text search.

Everything database-specific about search lives here. The index is created (if
missing) after every migrate, so the schema migration itself stays portable.
"""

from __future__ import annotations

import re
from typing import Any

from django.db import connection

MAX_QUERY = 200
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
        terms = [re.sub(r"[^\w]", "", w) for w in words]
        terms = [t for t in terms if t]
        if not terms:
            return None
        return (
            "SELECT id FROM nabij_message WHERE to_tsvector('dutch', text) @@ "
            "to_tsquery('dutch', %s)",
            [" & ".join(f"{t}:*" for t in terms)],
        )
    # Any other database: a portable (slow) fallback.
    clauses = " AND ".join("text LIKE %s" for _ in words)
    return f"SELECT id FROM nabij_message WHERE {clauses}", [f"%{w}%" for w in words]  # noqa: S608
