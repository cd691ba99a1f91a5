#!/usr/bin/env bash
# Back up Straight Choice: the database (pg_dump, custom format) into BACKUP_DIR/<UTC time>/, and every stored
# image into BACKUP_DIR/objects/ (`flask storage export`: incremental, images are content-addressed and never
# change). Run it with the app's own environment (DATABASE_URL, STORAGE, S3_* or UPLOAD_DIR).
#
#   deploy/backup.sh [BACKUP_DIR]          (default: $BACKUP_DIR, else /var/backups/straight-choice)
#   BACKUP_KEEP_DAYS=14 deletes database dumps older than that (default 30; images are kept).
set -euo pipefail
cd "$(dirname "$0")/.."
backup_dir=${1:-${BACKUP_DIR:-/var/backups/straight-choice}}
flask=${FLASK:-.venv/bin/flask}
: "${DATABASE_URL:?set DATABASE_URL to the PostgreSQL database to back up}"
stamp=$(date -u +%Y%m%dT%H%M%SZ)
mkdir -p "$backup_dir/$stamp"
echo "backup $stamp: database" >&2
pg_dump --format=custom --no-owner --no-privileges --file "$backup_dir/$stamp/database.dump.partial" \
    "${DATABASE_URL/postgresql+psycopg:/postgresql:}"
mv "$backup_dir/$stamp/database.dump.partial" "$backup_dir/$stamp/database.dump"
echo "backup $stamp: images" >&2
$flask --app wsgi storage export "$backup_dir/objects" >&2
ln -sfn "$stamp" "$backup_dir/latest"
find "$backup_dir" -mindepth 1 -maxdepth 1 -type d -name '20*Z' -mtime +"${BACKUP_KEEP_DAYS:-30}" \
    -exec rm -rf {} + 2>/dev/null || true
echo "$backup_dir/$stamp"
