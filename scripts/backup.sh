#!/usr/bin/env bash
# Back up the portal: the database (pg_dump custom format) and the uploaded files (a tar of MEDIA_ROOT), into one
# directory with a checksum file. The backup holds health data: it is written private (umask 077), and must be
# kept encrypted and off this machine (docs/OPERATIONS.md).
#   scripts/backup.sh [DEST_DIR]        default var/backups/<UTC time>
# Needs DATABASE_URL (postgres://...) and MEDIA_ROOT (default ./media); pg_dump from PATH or PostgreSQL's bin.
set -euo pipefail
cd "$(dirname "$0")/.."
umask 077
: "${DATABASE_URL:?Set DATABASE_URL to the database to back up}"
media=${MEDIA_ROOT:-$(pwd)/media}
dest=${1:-var/backups/$(date -u +%Y%m%dT%H%M%SZ)}
pg_bin() { command -v "$1" 2>/dev/null || ls /usr/lib/postgresql/*/bin/"$1" 2>/dev/null | sort -V | tail -n 1; }

mkdir -p "$dest"
if [ -n "$(ls -A "$dest")" ]; then echo "$dest is not empty: give a new directory" >&2; exit 1; fi
started=$(date +%s)
# Custom format: compressed, and pg_restore can restore it into a database of another name or owner.
"$(pg_bin pg_dump)" --format=custom --file "$dest/database.dump" "$DATABASE_URL"
if [ -d "$media" ]; then
  tar -C "$media" -czf "$dest/media.tar.gz" .
else
  tar -czf "$dest/media.tar.gz" --files-from /dev/null
fi
(cd "$dest" && sha256sum database.dump media.tar.gz > SHA256SUMS)
echo "Backed up in $(( $(date +%s) - started )) s to $dest: database $(du -h "$dest/database.dump" | cut -f1)," \
  "files $(du -h "$dest/media.tar.gz" | cut -f1) ($(tar -tzf "$dest/media.tar.gz" | grep -vc '/$' || true) files)"
