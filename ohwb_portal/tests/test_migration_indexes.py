"""Indexes added to big tables after the first migration are built CONCURRENTLY.

A plain CREATE INDEX locks the table against writes while it builds: minutes on a national caseload. Every
migration after an app's initial one is read; an index it adds to a big table must come from
AddIndexConcurrently (in PostgreSQL; ohwb_portal.migration_operations), in a migration with atomic = False.
"""

from __future__ import annotations

import pytest
from django.apps import apps
from django.contrib.postgres.operations import AddIndexConcurrently
from django.db import connection, migrations, models
from django.db.migrations.loader import MigrationLoader

# Tables big enough that a write lock while an index builds is an outage.
BIG_APPS = {"referrals"}
BIG_MODELS = {("audit", "accesslogentry"), ("notifications", "outboxmessage")}


def is_big(app_label: str, model_name: str) -> bool:
    return app_label in BIG_APPS or (app_label, model_name.lower()) in BIG_MODELS


def database_operations(operations):
    for operation in operations:
        if isinstance(operation, migrations.SeparateDatabaseAndState):
            yield from database_operations(operation.database_operations)
        else:
            yield operation


def adds_plain_index(operation) -> bool:
    if isinstance(operation, AddIndexConcurrently):
        return False
    if isinstance(operation, migrations.AddIndex):
        return True
    if isinstance(operation, (migrations.AddField, migrations.AlterField)):
        field = operation.field
        # A ForeignKey is indexed unless told otherwise.
        return bool(field.db_index) or (isinstance(field, models.ForeignKey) and field.db_index is not False)
    return False


def later_migrations():
    loader = MigrationLoader(None, ignore_no_migrations=True)  # files only, no database
    ours = {config.label for config in apps.get_app_configs() if not config.name.startswith("django.")}
    for (app_label, name), migration in sorted(loader.disk_migrations.items()):
        if app_label in ours and not migration.initial:
            yield app_label, name, migration


def test_later_migrations_add_indexes_to_big_tables_concurrently():
    problems = []
    for app_label, name, migration in later_migrations():
        for operation in database_operations(migration.operations):
            model = getattr(operation, "model_name", "")
            if is_big(app_label, model) and adds_plain_index(operation):
                problems.append(f"{app_label}/{name}: {operation.describe()} builds a plain index on a big table")
            if isinstance(operation, AddIndexConcurrently) and migration.atomic:
                problems.append(f"{app_label}/{name}: CREATE INDEX CONCURRENTLY needs atomic = False")
    assert problems == []


def test_the_check_sees_the_index_migrations_it_guards():
    names = {(app_label, name) for app_label, name, _ in later_migrations()}
    assert ("referrals", "0004_caseload_order_index") in names
    assert ("referrals", "0003_report_dates_indexed") in names


@pytest.mark.django_db
def test_indexes_exist_on_postgresql():
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT indexname, indexdef FROM pg_indexes WHERE tablename IN ('referrals_referral', "
            "'referrals_outcomereport')"
        )
        definitions = dict(cursor.fetchall())
    assert "caseload_order" in definitions
    report = [d for d in definitions.values() if "referrals_outcomereport" in d]
    assert any("(released_at)" in d for d in report) and any("(sent_for_consent_at)" in d for d in report)


def test_embedded_sqlite_default_still_migrates_forwards_and_back(tmp_path):
    import os
    import subprocess
    import sys

    from .production import ROOT

    env = {k: v for k, v in os.environ.items() if k not in ("REDIS_URL",)}
    env.update(DJANGO_SETTINGS_MODULE="ohwb_portal.settings.dev", DATABASE_URL=f"sqlite:///{tmp_path / 'db.sqlite3'}")
    for args in (["migrate"], ["migrate", "referrals", "0002"], ["migrate"]):
        result = subprocess.run(  # noqa: S603
            [sys.executable, "manage.py", *args, "-v", "0"], cwd=ROOT, env=env, capture_output=True, text=True
        )
        assert result.returncode == 0, result.stderr[-3000:]
