#!/usr/bin/env bash
# The whole test suite on PostgreSQL and Redis, with lint, types and migration checks.
# Extra arguments go to pytest (e.g. scripts/test.sh organisations -k import).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
bash scripts/setup_browser.sh
export PATH="$(pwd)/.venv/bin:$PATH"
source scripts/services.sh
trap ohwb_stop_throwaway_services EXIT
# One database per checkout, so several checkouts on one machine do not share test databases.
ensure_postgres "ohwb_$(basename "$(pwd)" | tr -c 'a-zA-Z0-9\n' '_' | tr 'A-Z' 'a-z')"
ensure_redis
export DJANGO_SETTINGS_MODULE=ohwb_portal.settings.test

echo "== ruff"
ruff check .
ruff format --check .
echo "== mypy"
mypy .
lint-imports --no-logo  # the app and layer order in .importlinter
echo "== migrations"
python manage.py makemigrations --check --dry-run >/dev/null || { echo "Model changes without a migration: run makemigrations" >&2; exit 1; }
echo "== OpenAPI schema"
python manage.py spectacular --validate --fail-on-warn --file /dev/null
echo "== deploy checks"
DJANGO_SECRET_KEY="$(python -c 'import secrets; print(secrets.token_urlsafe(64))')" \
  DJANGO_SETTINGS_MODULE=ohwb_portal.settings.production OHWB_BASE_URL=https://ohwb.example.nhs.uk \
  python manage.py check --deploy --fail-level WARNING
echo "== bandit"
bandit -q -r . -x ./.venv,./node_modules,./build,./var,./staticfiles -ll
echo "== model usage in views"; python scripts/lint_model_usage_in_views.py
echo "== dependency audit"
set +e
python scripts/audit_dependencies.py
audit_status=$?
set -e
# 3 = could not reach the advisory database: reported above as NOT CHECKED, never as a pass.
if [ "$audit_status" != 0 ] && [ "$audit_status" != 3 ]; then exit "$audit_status"; fi
echo "== pytest"
# Workers in parallel, each with its own test database (pytest-django) and files (settings/test.py); the tests
# mostly wait on PostgreSQL, so more workers than cores pay. Set OHWB_TEST_WORKERS=0 for one process.
# Bytecode is cached so each worker does not compile every module again.
unset PYTHONDONTWRITEBYTECODE
set +e
# --durations: the slowest tests are printed on every run, so a test that grows slow is seen where it starts.
python -m pytest -n "${OHWB_TEST_WORKERS:-4}" --dist loadgroup --durations=15 "$@"
status=$?
set -e
if [ "$status" = 5 ]; then
  echo "pytest collected no tests: that is a failure here" >&2
  exit 1
fi
exit "$status"
