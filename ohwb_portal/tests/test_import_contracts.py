"""The import contracts (.importlinter) hold for the code as it is, and catch an import that goes upward.

Each upward case runs `lint-imports` on a copy of the code with one import added, so the real config is what
is tested, and the working tree is never touched.
"""

from __future__ import annotations

import configparser
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
CONFIG = ROOT / ".importlinter"
LINT_IMPORTS = Path(sys.executable).with_name("lint-imports")


def _lint(where: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(where)}
    return subprocess.run(  # noqa: S603 - this project's own linter, fixed arguments, no shell
        [str(LINT_IMPORTS), "--no-cache", "--no-logo", str(CONFIG)],
        cwd=where,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def _packages() -> list[str]:
    config = configparser.ConfigParser()
    config.read(CONFIG)
    return config["importlinter"]["root_packages"].split()


def test_the_code_keeps_every_import_contract() -> None:
    result = _lint(ROOT)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "0 broken" in result.stdout


@pytest.mark.parametrize(
    ("module", "upward_import", "broken"),
    [
        ("metrics/services.py", "from metrics import tasks", "Metrics"),  # services start tasks only by name
        ("suppliers/models.py", "from referrals import models", "Apps"),  # the domains are independent
        ("ohwb_portal/refusals.py", "from referrals import services", "Apps"),  # a shared module imports an app
        ("referrals/selectors.py", "from referrals import services", "Each app"),  # a read imports a write
    ],
)
def test_an_import_that_goes_upward_breaks_a_contract(
    tmp_path: Path, module: str, upward_import: str, broken: str
) -> None:
    for package in _packages():
        shutil.copytree(ROOT / package, tmp_path / package, ignore=shutil.ignore_patterns("__pycache__"))
    target = tmp_path / module
    target.write_text(target.read_text() + f"\n{upward_import}  # noqa\n")
    result = _lint(tmp_path)
    assert result.returncode == 1, result.stdout + result.stderr
    assert f"\n{broken}" in result.stdout.split("Broken contracts", 1)[1]
