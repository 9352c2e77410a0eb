#!/usr/bin/env bash
# Restore a backup made by scripts/backup.sh: the database into DATABASE_URL (an empty database: create it first)
# and the uploaded files into MEDIA_ROOT. Checks the checksums first; stops at the first error, and the database
# restore is one transaction, so a failed restore leaves the target empty.
#   scripts/restore.sh BACKUP_DIR
# Then run `python manage.py migrate` (a backup from an older release) and check /healthz.
set -euo pipefail
cd "$(dirname "$0")/.."
backup=${1:?Give the backup directory, e.g. var/backups/20261201T020000Z}
: "${DATABASE_URL:?Set DATABASE_URL to the (empty) database to restore into}"
media=${MEDIA_ROOT:-$(pwd)/media}
pg_bin() { command -v "$1" 2>/dev/null || ls /usr/lib/postgresql/*/bin/"$1" 2>/dev/null | sort -V | tail -n 1; }

(cd "$backup" && sha256sum --check --quiet SHA256SUMS) || { echo "Checksums do not match: backup damaged" >&2; exit 1; }
tables=$("$(pg_bin psql)" "$DATABASE_URL" -Atc "SELECT count(*) FROM pg_tables WHERE schemaname = 'public'")
if [ "$tables" != 0 ]; then
  echo "The database in DATABASE_URL already has $tables tables: restore into a new, empty database" >&2
  exit 1
fi
if [ -d "$media" ] && [ -n "$(ls -A "$media")" ]; then
  echo "MEDIA_ROOT ($media) is not empty: restore the files into an empty directory" >&2
  exit 1
fi
started=$(date +%s)
"$(pg_bin pg_restore)" --exit-on-error --single-transaction --no-owner --dbname "$DATABASE_URL" "$backup/database.dump"
mkdir -p "$media"
tar -C "$media" -xzf "$backup/media.tar.gz"
echo "Restored $backup in $(( $(date +%s) - started )) s: $("$(pg_bin psql)" "$DATABASE_URL" -Atc \
  "SELECT count(*) FROM pg_tables WHERE schemaname = 'public'") tables, $(find "$media" -type f | wc -l) files"
