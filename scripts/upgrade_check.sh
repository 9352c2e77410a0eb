#!/usr/bin/env bash
# Upgrade test: make a database with the last release (migrate + seed_demo with that release's code, in a venv
# of that release's own requirements), then migrate it with this checkout, and check that nothing was lost and
# the demo still loads. Run before tagging a new release.
#   scripts/upgrade_check.sh [REF]     REF defaults to the last release: the latest tag (git describe --tags),
#                                      else the last line of deploy/releases.txt
# Uses the PostgreSQL server found by scripts/services.sh; the database it makes is dropped at the end.
# Exit 2: no release to upgrade from in this clone (none recorded, or its commit is missing from a shallow clone).
set -euo pipefail
cd "$(dirname "$0")/.."
ref=${1:-$(git describe --tags --abbrev=0 2>/dev/null || true)}
commit=$ref
if [ -z "$ref" ] && [ -s deploy/releases.txt ]; then
  read -r ref commit < <(grep -v '^#' deploy/releases.txt | grep . | tail -n 1)
fi
if [ -z "$ref" ]; then echo "No release recorded yet: give a ref, e.g. scripts/upgrade_check.sh v0.1.0" >&2; exit 2; fi
if ! git cat-file -e "$commit^{commit}" 2>/dev/null; then
  echo "Release $ref ($commit) is not in this clone's history (a shallow clone?): fetch it, or give a ref" >&2
  exit 2
fi
export PATH="$(pwd)/.venv/bin:$PATH"
here=$(pwd)
old=$(mktemp -d /tmp/ohwb-upgrade-XXXXXX)
db="ohwb_upgrade_$(date +%s)_$$"
unset DATABASE_URL_ADMIN
source scripts/services.sh
admin_url=""
finish() {
  [ -n "$admin_url" ] && python - "$admin_url" "$db" <<'PY' || true
import sys, psycopg2
conn = psycopg2.connect(sys.argv[1]); conn.autocommit = True
conn.cursor().execute(f'DROP DATABASE IF EXISTS "{sys.argv[2]}" WITH (FORCE)')
PY
  rm -rf "$old"
  ohwb_stop_throwaway_services
}
trap finish EXIT
ensure_postgres "$db"
admin_url="${DATABASE_URL%/*}/postgres"
unset REDIS_URL  # tasks in process: the upgrade needs no broker
export DJANGO_SETTINGS_MODULE=ohwb_portal.settings.dev

# The release's files, without touching this repository's worktrees.
git archive "$commit" | tar -x -C "$old"
# The release runs on its own requirements (it may need packages this checkout dropped), the new code on .venv.
echo "== $ref: its requirements, migrate and seed_demo"
old_python="$(bash scripts/venv_for.sh "$old/requirements.txt")/bin/python"
(cd "$old" && "$old_python" manage.py migrate --noinput -v 0 && "$old_python" manage.py seed_demo >/dev/null)
counts() {
  python - "$DATABASE_URL" <<'PY'
import sys, psycopg2
with psycopg2.connect(sys.argv[1]) as conn, conn.cursor() as cur:
    cur.execute("SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY 1")
    for (table,) in cur.fetchall():
        cur.execute(f'SELECT count(*) FROM "{table}"')
        print(table, cur.fetchone()[0])
PY
}
counts > "$old/before.txt"
echo "== $(git rev-parse --short HEAD): migrate onto $ref's data"
started=$(date +%s)
python manage.py migrate --noinput
echo "Migrated in $(( $(date +%s) - started )) s"
python manage.py migrate --check >/dev/null || { echo "Migrations left unapplied" >&2; exit 1; }
counts > "$old/after.txt"
# Every table the release had keeps its rows (new tables may appear, and start empty or filled by a data migration).
lost=$(join "$old/before.txt" "$old/after.txt" | awk '$3 < $2 {print $1": "$2" -> "$3}')
if [ -n "$lost" ]; then echo "Rows lost in the upgrade:"$'\n'"$lost" >&2; exit 1; fi
python manage.py seed_demo >/dev/null  # the new code reads the old data (and seeding again changes nothing)
python manage.py check --fail-level WARNING >/dev/null
echo "Upgrade from $ref: $(wc -l < "$old/before.txt") tables, $(awk '{s+=$2} END {print s}' "$old/before.txt") rows kept; OK"
