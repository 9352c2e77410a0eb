#!/usr/bin/env bash
# Installs the portal into .venv from the lock files (every package pinned and checked against its hashes) and
# builds the front end. Safe to run again: the install is skipped while the lock files are those last installed.
#   bash scripts/setup.sh                           the development set (requirements/dev.txt): make test, make demo
#   OHWB_INSTALL=production bash scripts/setup.sh   the runtime set only (requirements.txt): what a server runs
set -euo pipefail
cd "$(dirname "$0")/.."
PYTHON=${PYTHON:-python3}
install=${OHWB_INSTALL:-development}
case "$install" in
  production) lock=requirements.txt ;;
  development) lock=requirements/dev.txt ;;
  *) echo "OHWB_INSTALL is production or development, not '$install'" >&2; exit 2 ;;
esac
stamp=.venv/.requirements-installed
# The set and the sha of both lock files (the development set is constrained by the runtime one).
wanted="$install $(cat requirements.txt requirements/dev.txt | sha256sum | cut -d' ' -f1)"
if [ "$(cat "$stamp" 2>/dev/null || true)" != "$wanted" ]; then
  # pip never removes what a lock file leaves out: a runtime-only install into a venv that held anything else
  # (the development set, or an unknown one) starts from an empty venv.
  if [ "$install" = production ] && [ "$(cut -d' ' -f1 "$stamp" 2>/dev/null || true)" != production ]; then
    rm -rf .venv
  fi
  [ -x .venv/bin/python ] || "$PYTHON" -m venv .venv
  rm -f "$stamp"
  .venv/bin/python -m pip install --quiet --disable-pip-version-check --require-hashes -r "$lock"
  echo "$wanted" >"$stamp"
fi
bash scripts/build_frontend.sh
