#!/usr/bin/env bash
# Recompiles the lock files from requirements/*.in, every line pinned with its hashes:
#   requirements/base.in -> requirements.txt        (runtime: what production installs)
#   requirements/dev.in  -> requirements/dev.txt    (runtime + tests, lint, types, fuzzing, load, browser tools)
# Versions already pinned are kept; to move one, name it: scripts/lock.sh --upgrade-package django
# Then run `bash scripts/setup.sh` to install what changed.
set -euo pipefail
cd "$(dirname "$0")/.."
compile() {
  # No index or find-links lines: where packages come from is the installing machine's pip configuration.
  .venv/bin/pip-compile --quiet --generate-hashes --allow-unsafe --strip-extras --no-emit-index-url \
    --no-emit-find-links --newline LF "$@"
}
compile --output-file requirements.txt "$@" requirements/base.in
compile --output-file requirements/dev.txt "$@" requirements/dev.in
