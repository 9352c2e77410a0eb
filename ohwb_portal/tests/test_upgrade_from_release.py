"""Migrate from the last release onto data made by it (scripts/upgrade_check.sh).

The script finds the last release itself (the latest tag, else deploy/releases.txt, which travels with every
clone) and runs that release in a venv of its own requirements.
"""

from __future__ import annotations

import os
import re
import subprocess

import pytest

from .production import ROOT

NO_RELEASE_HERE = 2  # the script's exit when this clone lacks the release's commit (a shallow clone)


def test_a_release_to_upgrade_from_is_recorded_in_the_repository():
    lines = [line.split() for line in (ROOT / "deploy" / "releases.txt").read_text().splitlines()]
    releases = [fields for fields in lines if fields and not fields[0].startswith("#")]
    assert releases, "deploy/releases.txt names no release"
    for fields in releases:
        assert len(fields) == 2 and re.fullmatch(r"v\d+\.\d+\.\d+", fields[0]), fields
        assert re.fullmatch(r"[0-9a-f]{40}", fields[1]), f"{fields[0]}: give the full sha of its commit"


def test_migrate_from_the_last_release_keeps_every_row():
    env = {k: v for k, v in os.environ.items() if k not in ("DJANGO_SETTINGS_MODULE", "DJANGO_ALLOW_ASYNC_UNSAFE")}
    env.pop("DATABASE_URL", None)  # the script makes (and drops) a database of its own (scripts/services.sh)
    result = subprocess.run(  # noqa: S603
        ["bash", str(ROOT / "scripts" / "upgrade_check.sh")],  # noqa: S607
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=1500,
        check=False,
    )
    if result.returncode == NO_RELEASE_HERE:
        pytest.skip(result.stderr.strip())
    print(result.stdout[-500:])
    assert result.returncode == 0, result.stderr[-3000:]
    assert re.search(r"^Upgrade from v\d+\.\d+\.\d+: .* OK$", result.stdout, re.MULTILINE), result.stdout[-500:]
