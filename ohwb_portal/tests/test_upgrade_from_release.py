"""Migrate from the last release onto data made by it (scripts/upgrade_check.sh).

Runs against the latest release tag; before the first tag there is nothing to upgrade from.
"""

from __future__ import annotations

import os
import subprocess

import pytest

from .production import ROOT


def latest_tag() -> str:
    result = subprocess.run(  # noqa: S603
        ["git", "describe", "--tags", "--abbrev=0"],  # noqa: S607
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    return result.stdout.strip() if result.returncode == 0 else ""


def test_migrate_from_the_last_release_keeps_every_row():
    tag = latest_tag()
    if not tag:
        pytest.skip("no release tag yet: scripts/upgrade_check.sh <ref> checks from any commit")
    env = {k: v for k, v in os.environ.items() if k not in ("DJANGO_SETTINGS_MODULE",)}
    env.pop("DATABASE_URL", None)  # the script makes (and drops) a database of its own (scripts/services.sh)
    result = subprocess.run(  # noqa: S603
        ["bash", str(ROOT / "scripts" / "upgrade_check.sh"), tag],  # noqa: S607
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=900,
        check=False,
    )
    print(result.stdout[-500:])
    assert result.returncode == 0, result.stderr[-3000:]
    assert f"Upgrade from {tag}:" in result.stdout and result.stdout.rstrip().endswith("OK")
