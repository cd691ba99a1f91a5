#!/usr/bin/env bash
# Restore a backup made by deploy/backup.sh into an EMPTY database and storage (a fresh machine, or a fresh
# database and bucket beside the broken ones): the database dump, then every image, then the search index.
# Run it with the new machine's environment (DATABASE_URL, STORAGE, S3_* or UPLOAD_DIR, SEARCH_BACKEND).
#
#   deploy/restore.sh BACKUP_DIR [STAMP]   (STAMP: one of BACKUP_DIR's dated folders; default: latest)
set -euo pipefail
cd "$(dirname "$0")/.."
backup_dir=${1:?usage: deploy/restore.sh BACKUP_DIR [STAMP]}
stamp=${2:-latest}
flask=${FLASK:-.venv/bin/flask}
: "${DATABASE_URL:?set DATABASE_URL to the new, empty PostgreSQL database}"
dump="$backup_dir/$stamp/database.dump"
[ -f "$dump" ] || { echo "no database dump at $dump" >&2; exit 1; }
echo "restore: database from $dump" >&2
pg_restore --no-owner --no-privileges --exit-on-error --single-transaction \
    --dbname "${DATABASE_URL/postgresql+psycopg:/postgresql:}" "$dump"
echo "restore: images" >&2
$flask --app wsgi storage init >&2
$flask --app wsgi storage import "$backup_dir/objects" >&2
if [ "${SEARCH_BACKEND:-whoosh}" != "postgres" ]; then  # PostgreSQL's search table came with the dump
    echo "restore: search index" >&2
    $flask --app wsgi search rebuild >&2
fi
$flask --app wsgi counts check >&2
echo "restored $stamp"
