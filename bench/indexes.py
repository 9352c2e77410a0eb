"""Secondary indexes and foreign keys set aside around a bulk load, then rebuilt from the catalog's own definitions.

Loading millions of rows into tables whose indexes and foreign-key triggers are live costs several times loading
them bare and building each index once at the end (PostgreSQL's advice for populating a database). What is kept:
primary keys, unique and exclusion constraints and their indexes, and checks. What is set aside: every other index
(Django's indexes on foreign keys, db_index, Meta.indexes, partial unique indexes) and the foreign keys of the loaded
tables. Both come back exactly as they were (pg_get_indexdef, pg_get_constraintdef), validated, even when the load
fails; their definitions are written to a file first, so that a process killed mid-load can be put right by hand
(`psql -f` that file). For a benchmark database only: a live portal would run without its indexes meanwhile.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.db import connection

logger = logging.getLogger(__name__)

# More memory than the server's default for sorting a table's rows into an index (session only).
BUILD_MEMORY = "512MB"


@dataclass(frozen=True)
class SetAside:
    indexes: list[tuple[str, str]]  # (name, CREATE INDEX statement)
    foreign_keys: list[tuple[str, str, str]]  # (table, name, definition)

    def restore_sql(self) -> list[str]:
        quote = connection.ops.quote_name
        return [definition + ";" for _, definition in self.indexes] + [
            f"ALTER TABLE {quote(table)} ADD CONSTRAINT {quote(name)} {definition};"
            for table, name, definition in self.foreign_keys
        ]


def _catalog(tables: list[str]) -> SetAside:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT i.relname, pg_get_indexdef(i.oid) FROM pg_index x"
            " JOIN pg_class i ON i.oid = x.indexrelid JOIN pg_class t ON t.oid = x.indrelid"
            " WHERE t.relname = ANY(%s) AND t.relnamespace = current_schema()::regnamespace"
            " AND NOT EXISTS (SELECT 1 FROM pg_constraint k WHERE k.conindid = i.oid)"
            " ORDER BY t.relname, i.relname",
            [tables],
        )
        indexes = [(name, definition) for name, definition in cursor.fetchall()]
        cursor.execute(
            "SELECT t.relname, k.conname, pg_get_constraintdef(k.oid) FROM pg_constraint k"
            " JOIN pg_class t ON t.oid = k.conrelid"
            " WHERE k.contype = 'f' AND t.relname = ANY(%s) AND t.relnamespace = current_schema()::regnamespace"
            " ORDER BY t.relname, k.conname",
            [tables],
        )
        foreign_keys = [(table, name, definition) for table, name, definition in cursor.fetchall()]
    return SetAside(indexes, foreign_keys)


def _rescue_file() -> Path:
    folder = Path(settings.BASE_DIR) / "var" / "bench"
    folder.mkdir(parents=True, exist_ok=True)
    return folder / f"set-aside-{connection.settings_dict['NAME']}.sql"


@contextmanager
def indexes_set_aside(tables: list[str], log: Callable[[str], None] = logger.info) -> Iterator[SetAside | None]:
    """Drop the tables' secondary indexes and foreign keys, yield, then rebuild them. Only on PostgreSQL and outside
    a transaction (a foreign key cannot be dropped from a table with checks still pending in it); else does nothing."""
    if connection.vendor != "postgresql" or connection.in_atomic_block:
        yield None
        return
    aside = _catalog(tables)
    rescue = _rescue_file()
    rescue.write_text("\n".join(aside.restore_sql()) + "\n", encoding="utf-8")
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        for table, name, _ in aside.foreign_keys:
            cursor.execute(f"ALTER TABLE {quote(table)} DROP CONSTRAINT {quote(name)}")
        for name, _ in aside.indexes:
            cursor.execute(f"DROP INDEX {quote(name)}")
    log(f"  set aside {len(aside.indexes)} indexes and {len(aside.foreign_keys)} foreign keys of {len(tables)} tables")
    try:
        yield aside
    finally:
        began = time.monotonic()
        connection.close()  # a connection a failed load left broken would fail the rebuild too
        try:
            with connection.cursor() as cursor:
                cursor.execute(f"SET maintenance_work_mem = '{BUILD_MEMORY}'")
                for statement in aside.restore_sql():
                    cursor.execute(statement)
        except Exception:
            log(f"  rebuilding the indexes failed: the statements are in {rescue} (psql -f it when fixed)")
            raise
        rescue.unlink(missing_ok=True)
        log(f"  indexes and foreign keys rebuilt: {time.monotonic() - began:.1f} s")
