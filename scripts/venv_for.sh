#!/usr/bin/env bash
# A virtualenv holding exactly one requirements file, made once and kept under var/venvs/, keyed by the file's
# sha256 (hash-checked when the file has hashes). Prints its directory:
#   venv=$(bash scripts/venv_for.sh path/to/requirements.txt)
# The upgrade check runs the last release in one made from that release's own requirements; the dependency
# tests start production in one made from requirements.txt alone.
set -euo pipefail
req=$1
root=$(cd "$(dirname "$0")/.." && pwd)
venv="$root/var/venvs/$(sha256sum <"$req" | cut -c1-16)"
mkdir -p "$root/var/venvs"
exec 9>"$venv.lock"
flock 9  # two runs at once build it once
if [ ! -f "$venv/.complete" ]; then
  rm -rf "$venv"
  "${PYTHON:-python3}" -m venv "$venv"
  checked=()
  if grep -q -- '--hash=sha256:' "$req"; then checked=(--require-hashes); fi
  if ! "$venv/bin/python" -m pip install --quiet --disable-pip-version-check "${checked[@]}" -r "$req" \
    >"$venv.log" 2>&1; then
    tail -n 40 "$venv.log" >&2
    exit 1
  fi
  touch "$venv/.complete"
fi
echo "$venv"
