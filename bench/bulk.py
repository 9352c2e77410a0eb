"""Fast bulk loading for the load generator: PostgreSQL COPY, or batched INSERTs elsewhere.

Rows are tuples in the order of the field names given; ids are assigned by the caller
(`IdBlock`), so related rows can point at each other without reading anything back.

On PostgreSQL the rows are formatted by the csv module's C writer, value by value as Python prints them (True,
2026-12-03 09:00:00+00:00, 12.5), which PostgreSQL's input functions read; None becomes an unquoted empty field,
which COPY reads as NULL, except in the text columns that cannot be NULL (FORCE_NOT_NULL), where it is the empty
string. JSON columns are encoded when a row is added.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable, Sequence
from typing import Any

from django.db import connection, models

FLUSH_ROWS = 20_000
TEXT_TYPES = {"CharField", "TextField"}


def _column_field(model: type[models.Model], name: str) -> models.Field[Any, Any]:
    """The model field stored in the table under `name`; relations seen from the other side have no column."""
    field = model._meta.get_field(name)
    if not isinstance(field, models.Field) or not field.concrete:
        raise ValueError(f"{model.__name__}.{name} is not a column of {model._meta.db_table}")
    return field


class BulkWriter:
    """Collects rows for one model and writes them in chunks; call `close()` to write the rest."""

    def __init__(self, model: type[models.Model], fields: Sequence[str], *, auto_flush: bool = True) -> None:
        self.model = model
        self.auto_flush = auto_flush
        self.fields = [_column_field(model, name) for name in fields]
        self.columns: list[str] = [f.column for f in self.fields]
        text = [f for f in self.fields if f.get_internal_type() in TEXT_TYPES]
        if nullable := [f.name for f in text if f.null]:
            # An unquoted empty field is either NULL or "", per column; such a column could hold both.
            raise ValueError(f"{model.__name__}: nullable text columns cannot be bulk loaded: {nullable}")
        self.not_null_text = [f.column for f in text]
        self.json_positions = [i for i, f in enumerate(self.fields) if f.get_internal_type() == "JSONField"]
        self.rows: list[tuple[Any, ...]] = []
        self.written = 0

    def add(self, row: tuple[Any, ...]) -> None:
        if self.json_positions:
            values = list(row)
            for i in self.json_positions:
                if values[i] is not None:
                    values[i] = json.dumps(values[i])
            row = tuple(values)
        self.rows.append(row)
        if self.auto_flush and len(self.rows) >= FLUSH_ROWS:
            self.flush()

    def extend(self, rows: Iterable[tuple[Any, ...]]) -> None:
        for row in rows:
            self.add(row)

    def flush(self) -> None:
        if not self.rows:
            return
        table = connection.ops.quote_name(self.model._meta.db_table)
        columns = ", ".join(connection.ops.quote_name(c) for c in self.columns)
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                buffer = io.StringIO()
                # \r\n, so that the writer quotes a value holding either character.
                csv.writer(buffer, lineterminator="\r\n").writerows(self.rows)
                buffer.seek(0)
                options = "FORMAT csv"
                if self.not_null_text:
                    options += ", FORCE_NOT_NULL (" + ", ".join(
                        connection.ops.quote_name(c) for c in self.not_null_text
                    )
                    options += ")"
                sql = f"COPY {table} ({columns}) FROM STDIN WITH ({options})"
                cursor.cursor.copy_expert(sql, buffer)  # the raw psycopg2 cursor
            else:
                placeholders = ", ".join(["%s"] * len(self.columns))
                prepared = [
                    [
                        v if i in self.json_positions else f.get_db_prep_save(v, connection)
                        for i, (f, v) in enumerate(zip(self.fields, row, strict=True))
                    ]
                    for row in self.rows
                ]
                # Table and column names come from the model's metadata, never from input.
                sql = f"INSERT INTO {table} ({columns}) VALUES ({placeholders})"  # noqa: S608  # nosec B608
                cursor.executemany(sql, prepared)
        self.written += len(self.rows)
        self.rows = []

    def close(self) -> int:
        self.flush()
        return self.written


class IdBlock:
    """Hands out primary keys above the table's current maximum; `sync()` moves the sequence past them."""

    def __init__(self, model: type[models.Model], first: int | None = None) -> None:
        self.model = model
        if first is None:
            first = (model._default_manager.aggregate(top=models.Max("pk"))["top"] or 0) + 1
        self.next_id = first

    def take(self) -> int:
        value = self.next_id
        self.next_id += 1
        return value

    def sync(self) -> None:
        if connection.vendor != "postgresql":
            return  # SQLite's AUTOINCREMENT follows the largest id on its own
        table = self.model._meta.db_table
        pk = self.model._meta.pk.column
        with connection.cursor() as cursor:
            sql = "SELECT setval(pg_get_serial_sequence(%s, %s), (SELECT COALESCE(MAX({pk}), 1) FROM {table}))"
            quote = connection.ops.quote_name
            cursor.execute(sql.format(pk=quote(pk), table=quote(table)), [table, pk])
