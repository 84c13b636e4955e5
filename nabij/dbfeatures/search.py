"""Full-text search for the inbox: SQLite FTS5 or PostgreSQL Dutch text search.

What a search means is the same on both databases: a conversation matches when each
term of the query occurs in its messages (the resident's, our replies and internal
notes; the terms may be in different messages). A term is a word, or words in double
quotes that must follow each other. Words of three or more characters match as a
prefix ("parkeer" finds "parkeervergunning"), shorter ones only whole. Case and accents
do not matter; common Dutch function words ("de", "het", "op") count only inside a
quoted phrase (PostgreSQL's Dutch dictionary also ignores a few more). Everything
the user typed is reduced to letters and digits before it reaches a database, and the
terms are always passed as parameters.

Everything database-specific about search lives here; it is set up (if missing) after
every migrate, so the schema migrations stay portable:

Both index one search document per conversation (the texts of all its messages), kept
up to date by triggers on the message table, so that a search is a condition on the
conversation row itself and no per-message matches have to be collected:

- SQLite: an FTS5 table whose rowid is the conversation id; the inbox reads
  conversations in its own order and probes the set of matching ids.
- PostgreSQL: the column `fts_nl` of the conversation (a tsvector), indexed with GIN, in
  full and for open conversations only. A search is then an ordinary condition
  on the conversation row, so the planner combines it with the inbox's filters and
  order: it walks open conversations in inbox order for a common word, or collects the
  few matches from the small partial index for a rare one (bench/bench_inbox.py:
  every search a few milliseconds of database time at 1,000,000 messages).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from typing import Any

from django.db import connection, connections, transaction

MAX_QUERY = 200  # characters of the query that are read
MAX_TERMS = 12
MIN_PREFIX = 3  # shorter words match only as a whole word
# Message text beyond this many characters is not indexed on PostgreSQL (a tsvector
# holds at most 1 MB of words; the import format allows 100,000 characters).
MAX_INDEXED = 100_000
# Frequent Dutch function words: they say nothing about a conversation, PostgreSQL's
# Dutch dictionary drops them anyway, and on SQLite each would select nearly every
# message. Left out of queries on both databases, except inside a phrase.
STOP_WORDS = frozenset(
    """de het een en of maar dat die dit deze van in op aan te met voor door naar bij om
    uit over tot als dan is was zijn ben bent wordt worden werd er ook nog niet wel
    geen al ik je jij u hij zij ze we wij mijn uw ons onze hun haar zich hem me mij""".split()
)

_QUOTED = re.compile(r'"([^"]*)"')
_PIECE = re.compile(r"[^\W_]+")  # letters and digits


# Accents are removed the same way from queries (Python) and from PostgreSQL's documents
# (SQL): compatibility decomposition (NFKD), then without these combining marks.
COMBINING = "\u0300-\u036f\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f"
_COMBINING = re.compile(f"[{COMBINING}]")


@dataclass(frozen=True)
class Term:
    """One word, or several that must follow each other (a quoted phrase)."""

    words: tuple[str, ...]


def fold(text: str) -> str:
    """Lower case without accents ("Crème" -> "creme")."""
    return _COMBINING.sub("", unicodedata.normalize("NFKD", text)).lower()


def parse_query(query: str) -> list[Term]:
    """The terms of a user's query (untrusted): letters and digits only, bounded."""
    text = fold(query[:MAX_QUERY])
    terms: list[Term] = []
    start = 0
    for quoted in _QUOTED.finditer(text):
        terms += _terms_of_words(text[start : quoted.start()])
        phrase = _pieces(quoted.group(1))
        if phrase:
            terms.append(Term(phrase))
        start = quoted.end()
    terms += _terms_of_words(text[start:])
    unique = list(dict.fromkeys(terms))
    return unique[:MAX_TERMS]


def _pieces(text: str) -> tuple[str, ...]:
    # Function words count inside a phrase ("lantaarnpaal in de straat"), not at its ends.
    pieces = _PIECE.findall(text)
    while pieces and pieces[0] in STOP_WORDS:
        pieces.pop(0)
    while pieces and pieces[-1] in STOP_WORDS:
        pieces.pop()
    return tuple(pieces)


def _terms_of_words(text: str) -> list[Term]:
    # "e-mail" or "3b": letters and digits that follow each other, like a phrase.
    return [Term(pieces) for word in text.split() if (pieces := _pieces(word))]


def clean_query(query: str) -> list[str]:
    """The words of a user's query as they are searched (for display and tests)."""
    return [" ".join(term.words) for term in parse_query(query)]


def conversation_match_sql(query: str, table: str) -> tuple[str, list[Any]] | None:
    """A boolean SQL condition: the conversation row of `table` matches the query.

    None when the query has no words to search for. `table` is the quoted name or alias
    of the conversation table in the surrounding query (ours, never user input).
    """
    terms = parse_query(query)
    if not terms:
        return None
    if connection.vendor == "postgresql":
        tsquery, params = postgres_tsquery_sql(terms)
        return f'{table}."fts_nl" @@ ({tsquery})', params
    if connection.vendor == "sqlite":
        # The unary plus keeps SQLite from looking up every matching conversation by
        # primary key and sorting them all (slow for a common word): it reads
        # conversations in inbox order from an index and probes the set of matching
        # conversation ids, which is built once per query.
        return (
            f'+{table}."id" IN (SELECT rowid FROM nabij_conversation_fts '  # noqa: S608
            "WHERE nabij_conversation_fts MATCH %s)",
            [" AND ".join(sqlite_match(t) for t in terms)],
        )
    raise NotImplementedError(f"search needs SQLite or PostgreSQL, not {connection.vendor}")


def _prefix(word: str) -> bool:
    return len(word) >= MIN_PREFIX and word not in STOP_WORDS


def sqlite_match(term: Term) -> str:
    """The FTS5 query of one term: quoted tokens (no operators), '+' joins a phrase."""
    return " + ".join(f'"{w}"' + ("*" if _prefix(w) else "") for w in term.words)


def postgres_tsquery(term: Term) -> str:
    """The to_tsquery text of one term: '<->' for words that follow each other."""
    return " <-> ".join(w + (":*" if _prefix(w) else "") for w in term.words)


def postgres_tsquery_sql(terms: list[Term]) -> tuple[str, list[str]]:
    """A tsquery expression requiring every term, and its parameters.

    Stemming a word that is still being typed can cut it elsewhere than in the full
    word ("parkeer" becomes "parker", the stem of "parkeren", while "parkeervergunning"
    is indexed as "parkeervergunn"), so a single word also matches as an unstemmed
    prefix, as on SQLite. Phrases go through the Dutch dictionary only, which keeps the
    distance across the function words it leaves out.
    """
    parts, params = [], []
    for term in terms:
        text = postgres_tsquery(term)
        if len(term.words) == 1 and _prefix(term.words[0]):
            parts.append("nabij_search_word(%s)")
            params.append(text)
        else:
            parts.append("to_tsquery('dutch', %s)")
            params.append(text)
    return " && ".join(parts), params


# --- setting up the indexes --------------------------------------------------------------

# The document of a conversation: all its message texts in id order. SQLite keeps it in
# an FTS5 table (with its own copy of the text, so a document can be replaced without
# knowing what was indexed before) whose rowid is the conversation id.
_SQLITE_REFRESH = """
    DELETE FROM nabij_conversation_fts WHERE rowid = {conv};
    INSERT INTO nabij_conversation_fts(rowid, doc)
    SELECT {conv}, group_concat(text, ' ') FROM (
        SELECT text FROM nabij_message WHERE conversation_id = {conv} ORDER BY id)
    HAVING count(*) > 0;"""
SQLITE_SETUP = [
    # The per-message index of 2026-11, replaced by the per-conversation one.
    "DROP TRIGGER IF EXISTS nabij_message_fts_ai",
    "DROP TRIGGER IF EXISTS nabij_message_fts_ad",
    "DROP TRIGGER IF EXISTS nabij_message_fts_au",
    "DROP TABLE IF EXISTS nabij_message_fts",
    """CREATE VIRTUAL TABLE IF NOT EXISTS nabij_conversation_fts USING fts5(
        doc, tokenize='unicode61 remove_diacritics 2')""",
    "CREATE TRIGGER IF NOT EXISTS nabij_search_ai AFTER INSERT ON nabij_message BEGIN"
    + _SQLITE_REFRESH.format(conv="new.conversation_id")
    + " END",
    "CREATE TRIGGER IF NOT EXISTS nabij_search_ad AFTER DELETE ON nabij_message BEGIN"
    + _SQLITE_REFRESH.format(conv="old.conversation_id")
    + " END",
    "CREATE TRIGGER IF NOT EXISTS nabij_search_au AFTER UPDATE OF text, conversation_id "
    "ON nabij_message WHEN old.text IS NOT new.text "
    "OR old.conversation_id IS NOT new.conversation_id BEGIN"
    + _SQLITE_REFRESH.format(conv="old.conversation_id")
    + _SQLITE_REFRESH.format(conv="new.conversation_id")
    + " END",
]
SQLITE_FILL = [
    "DELETE FROM nabij_conversation_fts",
    """INSERT INTO nabij_conversation_fts(rowid, doc)
       SELECT conversation_id, group_concat(text, ' ') FROM (
           SELECT conversation_id, text FROM nabij_message ORDER BY conversation_id, id)
       GROUP BY conversation_id""",
]

# PostgreSQL's parser keeps "heer/mevrouw", "info@gemeente.nl" and "www.denhaag.nl" as
# single tokens, so "mevrouw" or "denhaag" would not find them; like SQLite's tokenizer
# (and the query's words) the document splits them.
_SPLIT = "/@."
_SPACES = " " * len(_SPLIT)
# Bump when the document changes: the next migrate then rebuilds every document.
POSTGRES_VERSION = "nabij search 3"
# Detailed statistics (10 times the default) let the planner tell a rare word from a
# common one, and so choose between walking the inbox order and collecting the matches.
POSTGRES_COLUMN = [
    "ALTER TABLE nabij_conversation ADD COLUMN IF NOT EXISTS fts_nl tsvector",
    "ALTER TABLE nabij_conversation ALTER COLUMN fts_nl SET STATISTICS 1000",
]


def postgres_doc_function(utf8: bool = True) -> str:
    """The function from a message text to its search vector.

    Accents are removed as in fold(); that needs a UTF8 database (what Django expects).
    With any other encoding only the Dutch stemmer's own folding (é, ë, ö, ...) applies.
    """
    text = f"left(body, {MAX_INDEXED})"
    if utf8:
        text = f"regexp_replace(normalize({text}, NFKD), '[{COMBINING}]', '', 'g')"
    return f"""CREATE OR REPLACE FUNCTION nabij_search_doc(body text) RETURNS tsvector
        LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
        SELECT to_tsvector('dutch'::regconfig, translate({text}, '{_SPLIT}', '{_SPACES}'))
        $$"""


# The document of all messages of a conversation, in id order. Appending stops before a
# document would pass the tsvector limit (1 MB of distinct words: only a conversation
# of many long messages gets there), so a write never fails because of search; checking
# the size only costs something for documents with hundreds of distinct words.
POSTGRES_SETUP = [
    postgres_doc_function(),
    """CREATE OR REPLACE FUNCTION nabij_search_concat(a tsvector, b tsvector)
        RETURNS tsvector LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
        SELECT CASE
            WHEN b IS NULL THEN a
            WHEN a IS NULL THEN b
            WHEN length(a) + length(b) < 400 THEN a || b
            WHEN octet_length(a::text) + octet_length(b::text) < 1000000 THEN a || b
            ELSE a END
        $$""",
    # A word as a Dutch stem or as typed, both as prefixes: evaluated once per query, at
    # planning time, and without a duplicate when both are the same (an OR of the same
    # word twice would double the planner's estimate).
    """CREATE OR REPLACE FUNCTION nabij_search_word(word text) RETURNS tsquery
        LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
        SELECT CASE WHEN to_tsquery('dutch', word) = to_tsquery('simple', word)
                    THEN to_tsquery('simple', word)
                    ELSE to_tsquery('dutch', word) || to_tsquery('simple', word) END
        $$""",
    """CREATE OR REPLACE AGGREGATE nabij_search_agg(tsvector)
        (SFUNC = nabij_search_concat, STYPE = tsvector, INITCOND = '')""",
    """CREATE OR REPLACE FUNCTION nabij_search_refresh(conv bigint) RETURNS void
        LANGUAGE sql AS $$
        UPDATE nabij_conversation SET fts_nl = (
            SELECT nabij_search_agg(nabij_search_doc(m.text) ORDER BY m.id)
            FROM nabij_message m WHERE m.conversation_id = conv)
        WHERE id = conv
        $$""",
    # New messages (one statement may insert many): append to each conversation once.
    """CREATE OR REPLACE FUNCTION nabij_search_added() RETURNS trigger
        LANGUAGE plpgsql AS $$
        BEGIN
            UPDATE nabij_conversation c SET fts_nl = nabij_search_concat(c.fts_nl, d.doc)
            FROM (SELECT conversation_id,
                         nabij_search_agg(nabij_search_doc(text) ORDER BY id) AS doc
                  FROM nabij_search_new GROUP BY conversation_id) d
            WHERE c.id = d.conversation_id;
            RETURN NULL;
        END $$""",
    """CREATE OR REPLACE TRIGGER nabij_search_ai AFTER INSERT ON nabij_message
        REFERENCING NEW TABLE AS nabij_search_new
        FOR EACH STATEMENT EXECUTE FUNCTION nabij_search_added()""",
    # Removed messages: rebuild the documents of their conversations.
    """CREATE OR REPLACE FUNCTION nabij_search_removed() RETURNS trigger
        LANGUAGE plpgsql AS $$
        BEGIN
            PERFORM nabij_search_refresh(conversation_id)
            FROM (SELECT DISTINCT conversation_id FROM nabij_search_old) o;
            RETURN NULL;
        END $$""",
    """CREATE OR REPLACE TRIGGER nabij_search_ad AFTER DELETE ON nabij_message
        REFERENCING OLD TABLE AS nabij_search_old
        FOR EACH STATEMENT EXECUTE FUNCTION nabij_search_removed()""",
    # A changed text, or a message moved to another conversation (rare).
    """CREATE OR REPLACE FUNCTION nabij_search_changed() RETURNS trigger
        LANGUAGE plpgsql AS $$
        BEGIN
            PERFORM nabij_search_refresh(OLD.conversation_id);
            IF NEW.conversation_id IS DISTINCT FROM OLD.conversation_id THEN
                PERFORM nabij_search_refresh(NEW.conversation_id);
            END IF;
            RETURN NULL;
        END $$""",
    """CREATE OR REPLACE TRIGGER nabij_search_au
        AFTER UPDATE OF text, conversation_id ON nabij_message FOR EACH ROW
        WHEN (OLD.text IS DISTINCT FROM NEW.text
              OR OLD.conversation_id IS DISTINCT FROM NEW.conversation_id)
        EXECUTE FUNCTION nabij_search_changed()""",
]
# Every conversation's document from its messages (a new set-up, a bulk load).
POSTGRES_FILL = """
    UPDATE nabij_conversation c SET fts_nl = d.doc
    FROM (SELECT conversation_id, nabij_search_agg(nabij_search_doc(text) ORDER BY id) AS doc
          FROM nabij_message GROUP BY conversation_id) d
    WHERE c.id = d.conversation_id AND c.fts_nl IS DISTINCT FROM d.doc"""
# The partial index matches the inbox's default "not closed" condition.
POSTGRES_INDEX_DEFINITIONS = {
    "conv_search_idx": "ON nabij_conversation USING GIN (fts_nl)",
    "conv_search_open_idx": "ON nabij_conversation USING GIN (fts_nl) WHERE status <> 'closed'",
}
POSTGRES_INDEXES = [
    "DROP INDEX IF EXISTS nabij_message_text_nl_idx",  # the per-message index of 2026-11
    *(f"CREATE INDEX IF NOT EXISTS {n} {d}" for n, d in POSTGRES_INDEX_DEFINITIONS.items()),
]


def ensure_search_index(**kwargs: Any) -> None:
    """Set up search after migrate (a post_migrate receiver)."""
    conn = connections[kwargs.get("using", "default")]
    setup_search_index(conn.alias)
    if conn.vendor == "sqlite":
        with conn.cursor() as cursor:
            # Without statistics SQLite picks poor indexes for the roll-up queries.
            cursor.execute("PRAGMA optimize")


def setup_search_index(using: str = "default") -> None:
    """Create what search needs where it is missing, filled from the messages (idempotent)."""
    conn = connections[using]
    with transaction.atomic(using=conn.alias), conn.cursor() as cursor:
        if conn.vendor == "sqlite":
            cursor.execute(
                "SELECT count(*) FROM sqlite_master WHERE name = 'nabij_conversation_fts'"
            )
            existed = cursor.fetchone()[0] > 0
            for statement in SQLITE_SETUP:
                cursor.execute(statement)
            if not existed:
                for statement in SQLITE_FILL:
                    cursor.execute(statement)
        elif conn.vendor == "postgresql":
            cursor.execute(
                "SELECT count(*) FROM information_schema.columns WHERE table_schema = "
                "current_schema() AND table_name = 'nabij_conversation' AND column_name = 'fts_nl'"
            )
            existed = cursor.fetchone()[0] > 0
            if not existed:
                for statement in POSTGRES_COLUMN:
                    cursor.execute(statement)
            for statement in POSTGRES_SETUP:
                cursor.execute(statement)
            cursor.execute("SHOW server_encoding")
            if cursor.fetchone()[0] != "UTF8":
                cursor.execute(postgres_doc_function(utf8=False))
            cursor.execute(
                "SELECT col_description(a.attrelid, a.attnum) FROM pg_attribute a "
                "WHERE a.attrelid = 'nabij_conversation'::regclass AND a.attname = 'fts_nl'"
            )
            if cursor.fetchone()[0] != POSTGRES_VERSION:
                # A new column is filled before its indexes exist: one pass, no index updates.
                cursor.execute("SET LOCAL work_mem = '256MB'")
                cursor.execute(POSTGRES_FILL)
                cursor.execute(
                    f"COMMENT ON COLUMN nabij_conversation.fts_nl IS '{POSTGRES_VERSION}'"
                )
            # Only what is missing: DDL on a live table waits for its writers.
            cursor.execute(
                "SELECT indexname FROM pg_indexes WHERE schemaname = current_schema() "
                "AND indexname = ANY(%s)",
                [["nabij_message_text_nl_idx", *POSTGRES_INDEX_DEFINITIONS]],
            )
            present = {row[0] for row in cursor.fetchall()}
            if "nabij_message_text_nl_idx" in present:
                cursor.execute("DROP INDEX nabij_message_text_nl_idx")
            for name, definition in POSTGRES_INDEX_DEFINITIONS.items():
                if name not in present:
                    cursor.execute(f"CREATE INDEX {name} {definition}")


def rebuild_search_index(using: str = "default") -> None:
    """Rebuild every search document from the message texts (after a bulk load)."""
    conn = connections[using]
    with transaction.atomic(using=using), conn.cursor() as cursor:
        for statement in SQLITE_FILL if conn.vendor == "sqlite" else [POSTGRES_FILL]:
            cursor.execute(statement)
