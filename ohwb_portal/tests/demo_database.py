"""The demo data (seed_demo) made once per test run, and a copy of it for each test that asks for it.

Seeding the demo is a year of cases through the services: half a minute of CPU on an idle machine, several under
the parallel suite, and several tests need it (the demo's own checks, the layout sweep of every role's pages, the
backup and restore). So the first test of a run to ask seeds a PostgreSQL database of its own, under a file lock
that every xdist worker of the run shares, and every test then gets `CREATE DATABASE ... TEMPLATE` of it, a file
copy that takes a second or two, and points Django's connection at that copy while it runs.

Off PostgreSQL (nothing here runs the suite that way, but a developer may) each test seeds its own database.
"""

from __future__ import annotations

import fcntl
import os
import secrets
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import Any

import psycopg2
from django.conf import settings
from django.core.management import call_command
from django.db import connection, connections

# Set by the first pytest process of a run (the xdist controller) and inherited by its workers.
RUN_ID_VARIABLE = "OHWB_TEST_RUN_ID"


def run_id() -> str:
    return os.environ.setdefault(RUN_ID_VARIABLE, secrets.token_hex(5))


def template_name() -> str:
    return f"ohwb_demo_{run_id()}"


def on_postgresql() -> bool:
    return connection.vendor == "postgresql"


@contextmanager
def _maintenance_cursor(autocommit: bool = False) -> Iterator[Any]:
    """A cursor on the server's maintenance database, where databases are created, renamed and dropped."""
    db = connection.settings_dict
    conn = psycopg2.connect(
        dbname="postgres", user=db["USER"], password=db["PASSWORD"], host=db["HOST"], port=db["PORT"] or None
    )
    conn.autocommit = autocommit  # CREATE and DROP DATABASE cannot run inside a transaction
    try:
        with conn.cursor() as cursor:
            yield cursor
    finally:
        conn.close()


def _admin(sql: str) -> None:
    with _maintenance_cursor(autocommit=True) as cursor:
        cursor.execute(sql)


def _exists(name: str) -> bool:
    with _maintenance_cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
        return cursor.fetchone() is not None


@contextmanager
def _connected_to(name: str) -> Iterator[None]:
    """Point the default connection (and the connections threads such as the live server open) at `name`."""
    original = connection.settings_dict["NAME"]
    connections.close_all()
    connection.settings_dict["NAME"] = settings.DATABASES["default"]["NAME"] = name
    try:
        yield
    finally:
        connections.close_all()
        connection.settings_dict["NAME"] = settings.DATABASES["default"]["NAME"] = original


def _seed_template_once() -> None:
    lock_path = Path(tempfile.gettempdir()) / f"{template_name()}.lock"
    with lock_path.open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # the other workers wait here while one seeds
        if _exists(template_name()):
            return
        building = f"{template_name()}_building"
        _admin(f'DROP DATABASE IF EXISTS "{building}" WITH (FORCE)')
        # Migrated afresh (a few seconds): the worker's own test database cannot be the template, since the live
        # server's threads may hold a connection to it.
        _admin(f'CREATE DATABASE "{building}"')
        with _connected_to(building):
            call_command("migrate", verbosity=0)
            call_command("seed_demo", verbosity=0)
        # Renamed only once complete, so a worker never copies a half-seeded database.
        _admin(f'ALTER DATABASE "{building}" RENAME TO "{template_name()}"')


@contextmanager
def demo_copy() -> Iterator[None]:
    """The demo data in the default database for the duration of the block."""
    if not on_postgresql():
        call_command("seed_demo", verbosity=0)
        yield
        return
    _seed_template_once()
    copy = f"{template_name()}_{os.environ.get('PYTEST_XDIST_WORKER', 'main')}_{secrets.token_hex(3)}"
    _admin(f'CREATE DATABASE "{copy}" TEMPLATE "{template_name()}"')
    try:
        with _connected_to(copy):
            yield
    finally:
        _admin(f'DROP DATABASE IF EXISTS "{copy}" WITH (FORCE)')


def drop_template() -> None:
    """At the end of the run (called by the process that started it)."""
    if RUN_ID_VARIABLE in os.environ and settings.DATABASES["default"]["ENGINE"].endswith("postgresql"):
        with suppress(psycopg2.Error):  # the server is gone (a fault test's, or the run is ending anyway)
            _admin(f'DROP DATABASE IF EXISTS "{template_name()}" WITH (FORCE)')
