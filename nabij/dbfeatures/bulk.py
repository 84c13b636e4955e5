"""Fast multi-row INSERT for the ingestion hot path (portable SQL, no ORM compiler).

Django's bulk_create prepares every value through several layers of field and compiler
code; for the widest tables on the import path that is most of the time spent. This
writes the same values with one `executemany`, adapting only what needs it (date-times
and JSON), and is used only where the rows' primary keys can be looked up afterwards by
a natural key.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from django.db import connection, models


def _adapter(field: models.Field) -> Any:
    if isinstance(field, models.JSONField) or isinstance(field, models.BinaryField):
        return lambda value: field.get_db_prep_save(value, connection=connection)
    if isinstance(field, models.DateTimeField):
        adapt = connection.ops.adapt_datetimefield_value
        return lambda value: adapt(value) if isinstance(value, datetime) else value
    return None


MAX_PARAMETERS = 30_000  # below SQLite's 32,766 host parameters per statement


def insert_rows(
    model: type[models.Model], objs: Sequence[models.Model], *, returning: bool = False
) -> None:
    """INSERT the objects' concrete, non-pk fields (auto_now_add is filled in).

    With `returning=True` the rows go in multi-row statements with `RETURNING id`
    (SQLite 3.35+ and PostgreSQL both return the ids in row order, as Django's own
    bulk_create relies on) and each object gets its primary key.
    """
    if not objs:
        return
    fields = [f for f in model._meta.concrete_fields if not f.primary_key]
    adapters = [_adapter(f) for f in fields]
    auto = [f for f in fields if getattr(f, "auto_now_add", False) or getattr(f, "auto_now", False)]
    for obj in objs:
        for f in auto:
            f.pre_save(obj, add=True)
    rows = []
    for obj in objs:
        row = []
        for field, adapt in zip(fields, adapters, strict=True):
            value = getattr(obj, field.attname)
            row.append(adapt(value) if adapt is not None else value)
        rows.append(row)
    quote = connection.ops.quote_name
    columns = ", ".join(quote(f.column) for f in fields)
    marks = "(" + ", ".join(["%s"] * len(fields)) + ")"
    head = f"INSERT INTO {quote(model._meta.db_table)} ({columns}) VALUES "  # noqa: S608
    with connection.cursor() as cursor:
        if not returning:
            cursor.executemany(head + marks, rows)
            return
        per_statement = max(1, MAX_PARAMETERS // len(fields))
        pk = quote(model._meta.pk.column)
        for start in range(0, len(rows), per_statement):
            chunk = rows[start : start + per_statement]
            params = [value for row in chunk for value in row]
            cursor.execute(f"{head}{', '.join([marks] * len(chunk))} RETURNING {pk}", params)
            for obj, (new_pk,) in zip(
                objs[start : start + per_statement], cursor.fetchall(), strict=True
            ):
                obj.pk = new_pk
                obj._state.adding = False
                obj._state.db = connection.alias
