"""search: newest-order index that pages can walk, and removal records for rebuilds (PostgreSQL only)

Revision ID: 0017
Revises: 0016

- `document_newest_order` matches the backend's ORDER BY exactly (NULLS LAST, leaflet id last), so a page
  of a query matching most leaflets walks the index and checks `tsv` on about a page of rows instead of
  reading every match's tsvector; it replaces `document_newest`, which no query could use.
- `search.removed` records when a leaflet left the index. A rebuild that read a leaflet before it was
  removed would otherwise write it back; it drops every row removed after it began.
"""

from alembic import op

revision = "0017"
down_revision = "0016"
branch_labels = None
depends_on = None


def upgrade():
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute("DROP INDEX IF EXISTS search.document_newest")
    op.execute(
        "CREATE INDEX document_newest_order ON search.document "
        "(delivered_on DESC NULLS LAST, uploaded_at DESC NULLS LAST, leaflet_id DESC)"
    )
    op.execute(
        "CREATE TABLE search.removed (leaflet_id bigint PRIMARY KEY, "
        "removed_at timestamptz NOT NULL DEFAULT clock_timestamp())"
    )


def downgrade():
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute("DROP TABLE IF EXISTS search.removed")
    op.execute("DROP INDEX IF EXISTS search.document_newest_order")
    op.execute("CREATE INDEX document_newest ON search.document (delivered_on DESC, uploaded_at DESC)")
