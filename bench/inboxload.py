"""Bulk loading of the synthetic inbox data: plain SQL, no ORM per row.

Runs inside a process where Django is set up on the benchmark database (after
`nabij migrate`): the small tables are written with the ORM, the big ones with
`executemany` (SQLite) or `COPY` (PostgreSQL) on a separate raw connection, with the
secondary indexes dropped during the load and re-created from their own definitions;
the search documents (nabij/dbfeatures/search.py) are filled in one pass afterwards.
Columns the generator does not fill get the model field's default, so a new column in
the models does not break the benchmark.
"""

from __future__ import annotations

import sqlite3
import sys
import time
from collections.abc import Iterable, Sequence
from datetime import UTC, datetime
from typing import Any

import inboxdata as data

BIG_TABLES = ("nabij_conversation", "nabij_message", "nabij_contact", "nabij_contactidentity")


def log(text: str) -> None:
    """Progress on stderr (stdout carries the results)."""
    print(f"  [{time.strftime('%H:%M:%S')}] {text}", file=sys.stderr, flush=True)


def create_small_tables(now: datetime, agents: int = 20) -> data.Ids:
    """Channels, teams, topics and agent accounts through the ORM."""
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group

    from nabij.actions.roles import ensure_roles
    from nabij.models import Channel, Team, Topic

    channels = [
        Channel.objects.get_or_create(slug=slug, defaults={"kind": kind, "name": name})[0].pk
        for slug, kind, name, _w, _p in data.CHANNELS
    ]
    teams = [
        Team.objects.get_or_create(slug=slug, defaults={"name": name})[0].pk
        for slug, name in data.TEAMS
    ]
    for slug in data.Corpus.load().topics():
        Topic.objects.get_or_create(slug=slug, defaults={"name": slug.replace("_", " ").title()})
    ensure_roles()
    user_model = get_user_model()
    group = Group.objects.get(name="agent")
    ids = []
    for i in range(agents):
        name = f"{data.FIRST_NAMES[i % len(data.FIRST_NAMES)].lower()}{i}"
        user, created = user_model.objects.get_or_create(
            username=name, defaults={"first_name": name.title(), "date_joined": now}
        )
        if created:
            user.set_unusable_password()
            user.save()
            user.groups.add(group)
        ids.append(user.pk)
    return data.Ids(channels=channels, teams=teams, agents=ids)


def full_columns(
    model: Any, given: Sequence[str], now: datetime
) -> tuple[list[str], tuple[object, ...]]:
    """All columns of model's table: the given ones first, then the rest with defaults."""
    from django.db import connection

    rest: list[str] = []
    constants: list[object] = []
    known = {f.column for f in model._meta.concrete_fields}
    missing = [c for c in given if c not in known]
    if missing:
        raise RuntimeError(f"{model.__name__} has no column(s) {missing}; update bench/inboxdata")
    for f in model._meta.concrete_fields:
        if f.column in given:
            continue
        value = f.get_default()
        if value is None and not f.null and getattr(f, "auto_now_add", False):
            value = now
        rest.append(f.column)
        constants.append(f.get_db_prep_save(value, connection))
    return list(given) + rest, tuple(constants)


class Loader:
    """Writes rows to one table set; subclasses know the database."""

    def __init__(self, now: datetime) -> None:
        from nabij.models import Contact, ContactIdentity, Conversation, Message

        self.now = now
        self.tables = {
            "nabij_conversation": full_columns(Conversation, data.CONVERSATION_COLUMNS, now),
            "nabij_message": full_columns(Message, data.MESSAGE_COLUMNS, now),
            "nabij_contact": full_columns(Contact, data.CONTACT_COLUMNS, now),
            "nabij_contactidentity": full_columns(ContactIdentity, data.IDENTITY_COLUMNS, now),
        }

    def rows(self, table: str, rows: Iterable[tuple[object, ...]]) -> Iterable[tuple[object, ...]]:
        """Rows completed with the constant defaults of the columns not generated."""
        constants = self.tables[table][1]
        if not constants:
            return rows
        return (row + constants for row in rows)

    def load(self, generator: data.Generator) -> dict[str, float]:
        """Drop indexes, insert everything, re-create indexes; the seconds per phase."""
        timings: dict[str, float] = {}
        t0 = time.perf_counter()
        indexes = self.drop_indexes()
        for i, batch in enumerate(generator.batches()):
            self.write("nabij_conversation", batch.conversations)
            self.write("nabij_message", batch.messages)
            if i % 10 == 0:
                log(f"{generator.message_id:,} messages written")
        self.write("nabij_contact", generator.contact_rows())
        self.write("nabij_contactidentity", generator.identity_rows())
        self.commit()
        t1 = time.perf_counter()
        timings["insert_s"] = t1 - t0
        log(f"inserted in {t1 - t0:.0f} s")
        self.fill_search()
        t2 = time.perf_counter()
        timings["search_fill_s"] = t2 - t1
        log(f"search documents in {t2 - t1:.0f} s; re-creating {len(indexes)} indexes")
        self.create_indexes(indexes)
        t3 = time.perf_counter()
        timings["indexes_s"] = t3 - t2
        self.search_index()
        t4 = time.perf_counter()
        timings["search_index_s"] = t4 - t3
        log(f"search index in {t4 - t3:.0f} s")
        self.finish()
        timings["finish_s"] = time.perf_counter() - t3
        return timings

    def drop_indexes(self) -> list[str]:  # pragma: no cover - abstract
        raise NotImplementedError

    def write(self, table: str, rows: Iterable[tuple[object, ...]]) -> None:  # pragma: no cover
        raise NotImplementedError

    def commit(self) -> None:  # pragma: no cover - abstract
        raise NotImplementedError

    def fill_search(self) -> None:
        """Fill search documents before the indexes exist (nothing to do on SQLite)."""

    def create_indexes(self, statements: list[str]) -> None:  # pragma: no cover - abstract
        raise NotImplementedError

    def search_index(self) -> None:  # pragma: no cover - abstract
        raise NotImplementedError

    def finish(self) -> None:  # pragma: no cover - abstract
        raise NotImplementedError


def _sqlite_datetime(value: datetime) -> str:
    # Django's SQLite format: naive UTC, "YYYY-MM-DD HH:MM:SS[.ffffff]".
    if value.tzinfo is not None:
        value = value.astimezone(UTC).replace(tzinfo=None)
    return str(value)


class SqliteLoader(Loader):
    """executemany on one big transaction; the FTS table filled by 'rebuild' or triggers."""

    def __init__(self, now: datetime, path: str, fts_mode: str = "rebuild") -> None:
        super().__init__(now)
        sqlite3.register_adapter(datetime, _sqlite_datetime)
        self.conn = sqlite3.connect(path, isolation_level=None)
        self.fts_mode = fts_mode
        for pragma in (
            "journal_mode=OFF",
            "synchronous=OFF",
            "cache_size=-1000000",
            "temp_store=MEMORY",
            "foreign_keys=OFF",
        ):
            self.conn.execute(f"PRAGMA {pragma}")
        self.conn.execute("BEGIN")

    def drop_indexes(self) -> list[str]:
        marks = ",".join("?" for _ in BIG_TABLES)
        found = self.conn.execute(
            f"SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL "
            f"AND tbl_name IN ({marks})",
            BIG_TABLES,
        ).fetchall()
        for name, _sql in found:
            self.conn.execute(f'DROP INDEX "{name}"')
        if self.fts_mode == "rebuild":
            self.conn.execute("DROP TRIGGER IF EXISTS nabij_search_ai")
        return [sql for _name, sql in found]

    def write(self, table: str, rows: Iterable[tuple[object, ...]]) -> None:
        columns = self.tables[table][0]
        marks = ",".join("?" for _ in columns)
        names = ",".join(f'"{c}"' for c in columns)
        self.conn.executemany(
            f'INSERT INTO "{table}" ({names}) VALUES ({marks})',
            self.rows(table, rows),
        )

    def commit(self) -> None:
        self.conn.execute("COMMIT")

    def create_indexes(self, statements: list[str]) -> None:
        for sql in statements:
            self.conn.execute(sql)

    def search_index(self) -> None:
        from nabij.dbfeatures.search import SQLITE_FILL, SQLITE_SETUP

        if self.fts_mode == "rebuild":
            for statement in SQLITE_FILL:
                self.conn.execute(statement)
        for statement in SQLITE_SETUP:
            self.conn.execute(statement)

    def finish(self) -> None:
        self.conn.execute("PRAGMA journal_mode=WAL")
        self.conn.close()


class PostgresLoader(Loader):
    """COPY with foreign-key triggers off (the data is consistent by construction)."""

    def __init__(self, now: datetime, dsn: str) -> None:
        import psycopg

        super().__init__(now)
        self.conn = psycopg.connect(dsn)
        self.conn.execute("SET session_replication_role = replica")
        self.conn.execute("SET maintenance_work_mem = '1GB'")

    def drop_indexes(self) -> list[str]:
        found = self.conn.execute(
            "SELECT i.relname, pg_get_indexdef(i.oid) FROM pg_index x "
            "JOIN pg_class i ON i.oid = x.indexrelid JOIN pg_class t ON t.oid = x.indrelid "
            "WHERE t.relname = ANY(%s) AND NOT x.indisprimary "
            "AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = x.indexrelid)",
            [list(BIG_TABLES)],
        ).fetchall()
        for name, _sql in found:
            self.conn.execute(f'DROP INDEX "{name}"')
        return [sql for _name, sql in found]

    def write(self, table: str, rows: Iterable[tuple[object, ...]]) -> None:
        columns = ",".join(f'"{c}"' for c in self.tables[table][0])
        with self.conn.cursor().copy(f'COPY "{table}" ({columns}) FROM STDIN') as copy:
            for row in self.rows(table, rows):
                copy.write_row(row)

    def commit(self) -> None:
        for table in BIG_TABLES:
            self.conn.execute(
                f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                f'(SELECT coalesce(max(id), 1) FROM "{table}"))'
            )
        self.conn.commit()

    def fill_search(self) -> None:
        # COPY ran with the triggers off: every conversation's document in one pass, then
        # the table rewritten without the row versions the update left behind.
        from nabij.dbfeatures.search import POSTGRES_FILL

        self.conn.execute("SET work_mem = '256MB'")  # one sort of all messages
        self.conn.execute(POSTGRES_FILL)
        self.conn.execute("RESET work_mem")
        self.conn.commit()
        self.conn.autocommit = True
        self.conn.execute("VACUUM FULL nabij_conversation")
        self.conn.autocommit = False

    def create_indexes(self, statements: list[str]) -> None:
        # The search indexes are among them (created by ensure_search_index after migrate).
        for sql in statements:
            self.conn.execute(sql)
            self.conn.commit()

    def search_index(self) -> None:
        from nabij.dbfeatures.search import POSTGRES_COLUMN, POSTGRES_INDEXES, POSTGRES_SETUP

        for statement in [*POSTGRES_COLUMN, *POSTGRES_SETUP, *POSTGRES_INDEXES]:
            self.conn.execute(statement)
        self.conn.commit()

    def finish(self) -> None:
        # What autovacuum does on a live database: statistics and the visibility map.
        self.conn.autocommit = True
        self.conn.execute("VACUUM ANALYZE")
        self.conn.close()
