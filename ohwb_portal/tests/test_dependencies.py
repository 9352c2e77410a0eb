"""The lock files: runtime and development sets, every package pinned and hash-checked, and a production that
starts on the runtime set alone."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest
from packaging.utils import canonicalize_name

from .production import ROOT, production_env, run_production

RUNTIME = ROOT / "requirements.txt"
DEVELOPMENT = ROOT / "requirements" / "dev.txt"
# Tools for tests, lint, types, security checks, fuzzing, load runs, browser tests and locking: none in production.
DEVELOPMENT_TOOLS = {
    "pytest",
    "pytest-django",
    "pytest-xdist",
    "time-machine",
    "factory-boy",
    "faker",
    "pypdf",
    "hypothesis",
    "schemathesis",
    "playwright",
    "ruff",
    "mypy",
    "django-stubs",
    "djangorestframework-stubs",
    "types-pyyaml",
    "bandit",
    "pip-audit",
    "locust",
    "pip-tools",
}
PIN = re.compile(r"^(?P<name>[A-Za-z0-9][A-Za-z0-9._-]*)==(?P<version>\S+)(?P<rest>.*)$")
HASH = re.compile(r"--hash=sha256:[0-9a-f]{64}")


def requirement_lines(path: Path) -> list[str]:
    """Each requirement as one line: continuation lines joined, comments and blank lines left out."""
    joined = path.read_text().replace("\\\n", " ")
    return [line.strip() for line in joined.splitlines() if line.strip() and not line.lstrip().startswith("#")]


def pins(path: Path) -> dict[str, str]:
    found = {}
    for line in requirement_lines(path):
        match = PIN.match(line)
        assert match, f"{path.name}: not pinned with ==: {line[:80]}"
        found[canonicalize_name(match["name"])] = match["version"]
    return found


@pytest.mark.parametrize("lock", [RUNTIME, DEVELOPMENT], ids=["runtime", "development"])
def test_every_line_of_the_lock_file_is_pinned_with_its_hashes(lock):
    lines = requirement_lines(lock)
    assert len(lines) > 50, f"{lock.name} holds {len(lines)} requirements"
    for line in lines:
        match = PIN.match(line)
        assert match, f"{lock.name}: not pinned with ==: {line[:80]}"
        assert HASH.search(match["rest"]), f"{lock.name}: {match['name']} has no sha256 hash"
        assert not re.sub(r"(\s*--hash=sha256:[0-9a-f]{64})+", "", match["rest"]).strip(), line[:120]


def test_the_development_set_installs_exactly_the_runtime_versions():
    runtime, development = pins(RUNTIME), pins(DEVELOPMENT)
    assert {name: development.get(name) for name in runtime} == runtime


def test_the_runtime_set_holds_no_development_tool():
    runtime = set(pins(RUNTIME))
    assert not runtime & DEVELOPMENT_TOOLS, sorted(runtime & DEVELOPMENT_TOOLS)
    missing = DEVELOPMENT_TOOLS - set(pins(DEVELOPMENT))
    assert not missing, f"the development set lacks {sorted(missing)}"


def test_no_set_holds_the_unused_rules_package():
    assert "rules" not in pins(RUNTIME) and "rules" not in pins(DEVELOPMENT)


def test_bench_is_not_a_production_app_but_a_benchmark_one():
    production = run_production("from django.conf import settings; print('bench' in settings.INSTALLED_APPS)")
    assert production.returncode == 0, production.stderr[-2000:]
    assert production.stdout.strip() == "False"
    bench = run_production(
        "from django.conf import settings; print('bench' in settings.INSTALLED_APPS)",
        DJANGO_SETTINGS_MODULE="ohwb_portal.settings.bench",
    )
    assert bench.returncode == 0, bench.stderr[-2000:]
    assert bench.stdout.strip() == "True"


@pytest.fixture(scope="module")
def runtime_python() -> Path:
    """A venv holding requirements.txt alone, installed with hashes (kept under var/venvs/ for the next run)."""
    made = subprocess.run(  # noqa: S603
        ["bash", str(ROOT / "scripts" / "venv_for.sh"), str(RUNTIME)],  # noqa: S607
        capture_output=True,
        text=True,
        timeout=1200,
        check=False,
    )
    assert made.returncode == 0, made.stderr[-3000:]
    return Path(made.stdout.strip()) / "bin" / "python"


def run_on_runtime_set(python: Path, *args: str) -> subprocess.CompletedProcess[str]:
    # Nothing of this venv leaks in: no PYTHONPATH, and the browser tests' async switch is not production's.
    env = production_env(DJANGO_ALLOW_ASYNC_UNSAFE=None, PYTHONPATH=None, VIRTUAL_ENV=None)
    return subprocess.run(  # noqa: S603
        [str(python), *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=300, check=False
    )


def test_the_runtime_set_holds_no_development_tool_once_installed(runtime_python):
    listed = run_on_runtime_set(runtime_python, "-m", "pip", "list", "--format", "freeze")
    installed = {canonicalize_name(line.split("==")[0]) for line in listed.stdout.splitlines()}
    assert "django" in installed and not installed & DEVELOPMENT_TOOLS, sorted(installed & DEVELOPMENT_TOOLS)


def test_production_passes_the_deploy_checks_on_the_runtime_set_alone(runtime_python):
    checked = run_on_runtime_set(runtime_python, "manage.py", "check", "--deploy", "--fail-level", "WARNING")
    assert checked.returncode == 0, checked.stderr[-3000:]
    assert "no issues" in checked.stdout


def test_the_web_and_worker_processes_load_on_the_runtime_set_alone(runtime_python):
    # What gunicorn and the Celery worker import: the WSGI application, every URL and view, and every task.
    code = (
        "from ohwb_portal.wsgi import application\n"
        "from django.urls import get_resolver\n"
        "get_resolver().url_patterns\n"
        "from ohwb_portal.celery import app\n"
        "app.loader.import_default_modules()\n"
        "print(sorted(name for name in app.tasks if not name.startswith('celery.'))[:1])\n"
    )
    loaded = run_on_runtime_set(runtime_python, "-c", code)
    assert loaded.returncode == 0, loaded.stderr[-3000:]
    assert loaded.stdout.startswith("['")
