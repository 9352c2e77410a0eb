"""scripts/backup.sh and scripts/restore.sh on a database made by the tests: every table's rows
come back, the uploaded files come back byte for byte, and the access log still refuses UPDATE and DELETE."""

from __future__ import annotations

import os
import secrets
import subprocess
from pathlib import Path

import psycopg2
import pytest
from django.db import connection

from audit.models import AccessLogEntry
from referrals.models import Referral

from .production import ROOT

pytestmark = pytest.mark.django_db(transaction=True)


def url(dbname: str) -> str:
    db = connection.settings_dict
    return f"postgres://{db['USER']}@{db['HOST']}:{db['PORT']}/{dbname}"


def row_counts(dsn: str) -> dict[str, int]:
    with psycopg2.connect(dsn) as conn, conn.cursor() as cursor:
        cursor.execute("SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename")
        tables = [name for (name,) in cursor.fetchall()]
        counts = {}
        for table in tables:
            cursor.execute(f'SELECT count(*) FROM "{table}"')  # noqa: S608  # nosec B608 - names from the catalogue
            counts[table] = cursor.fetchone()[0]
    return counts


def admin(sql: str) -> None:
    conn = psycopg2.connect(url("postgres"))
    conn.autocommit = True
    with conn.cursor() as cursor:
        cursor.execute(sql)
    conn.close()


def script(name: str, *args: str, **env: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(  # noqa: S603
        ["bash", str(ROOT / "scripts" / name), *args],
        cwd=ROOT,
        env={**os.environ, **env},
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


@pytest.fixture
def fresh_database():
    name = f"{connection.settings_dict['NAME']}_restore_{secrets.token_hex(3)}"
    admin(f'CREATE DATABASE "{name}"')
    yield name
    admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def test_backup_then_restore_into_a_fresh_database(demo_data, tmp_path, fresh_database):  # a year of every app
    referral = Referral.objects.first()
    assert referral is not None
    AccessLogEntry.objects.create(
        user=referral.referred_by, role="manager", kind="clinical_record", object_type="referral", object_id=referral.pk
    )
    media = tmp_path / "media"
    (media / "referrals" / "2026" / "12").mkdir(parents=True)
    document = media / "referrals" / "2026" / "12" / "a1b2c3.pdf"
    document.write_bytes(b"%PDF-1.4\n" + os.urandom(50_000))
    source = url(connection.settings_dict["NAME"])
    before = row_counts(source)

    backup = tmp_path / "backup"
    made = script("backup.sh", str(backup), DATABASE_URL=source, MEDIA_ROOT=str(media))
    assert made.returncode == 0, made.stderr
    target = url(fresh_database)
    restored_media = tmp_path / "restored-media"
    restored = script("restore.sh", str(backup), DATABASE_URL=target, MEDIA_ROOT=str(restored_media))
    assert restored.returncode == 0, restored.stderr
    after = row_counts(target)
    print(
        f"\nBackup and restore: {len(before)} tables, {sum(before.values())} rows backed up, "
        f"{sum(after.values())} restored; 1 file of {document.stat().st_size} bytes; "
        f"{made.stdout.strip()} / {restored.stdout.strip()}"
    )
    assert after == before
    assert before["referrals_referral"] > 100 and before["audit_accesslogentry"] >= 1
    assert (restored_media / "referrals" / "2026" / "12" / "a1b2c3.pdf").read_bytes() == document.read_bytes()
    assert oct(backup.stat().st_mode & 0o777) == "0o700"  # health data: private

    with psycopg2.connect(target) as conn, conn.cursor() as cursor:
        for statement in ("UPDATE audit_accesslogentry SET object_id = 'x'", "DELETE FROM audit_accesslogentry"):
            with pytest.raises(psycopg2.Error, match="append-only"):
                cursor.execute(statement)
            conn.rollback()


def test_restore_refuses_a_database_that_is_not_empty(tmp_path):
    backup = tmp_path / "backup"
    source = url(connection.settings_dict["NAME"])
    assert script("backup.sh", str(backup), DATABASE_URL=source, MEDIA_ROOT=str(tmp_path / "m")).returncode == 0
    refused = script("restore.sh", str(backup), DATABASE_URL=source, MEDIA_ROOT=str(tmp_path / "r"))
    assert refused.returncode != 0
    assert "already has" in refused.stderr and "restore into a new, empty database" in refused.stderr


def test_restore_refuses_a_damaged_backup(tmp_path, fresh_database):
    backup = tmp_path / "backup"
    source = url(connection.settings_dict["NAME"])
    assert script("backup.sh", str(backup), DATABASE_URL=source, MEDIA_ROOT=str(tmp_path / "m")).returncode == 0
    dump = Path(backup / "database.dump")
    dump.write_bytes(dump.read_bytes()[:-10])
    refused = script("restore.sh", str(backup), DATABASE_URL=url(fresh_database), MEDIA_ROOT=str(tmp_path / "r"))
    assert refused.returncode != 0 and "backup damaged" in refused.stderr
    assert row_counts(url(fresh_database)) == {}
