"""search: the PostgreSQL full-text table (schema `search`), used when SEARCH_BACKEND=postgres

Revision ID: 0011
Revises: 0010

The table lives in its own schema so the app's models (public schema) and this search-owned table are
compared separately; SQLite databases get nothing (the Whoosh backend keeps its index in files).
`updated_at` lets a rebuild run beside live updates: it never overwrites a row written after it began.
A change of this format is a new migration, never a CREATE ... IF NOT EXISTS at run time.
"""

from alembic import op

revision = "0011"
down_revision = "0015"
branch_labels = None
depends_on = None


def upgrade():
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute("CREATE SCHEMA IF NOT EXISTS search")
    op.execute("""
        CREATE TABLE search.document (
            leaflet_id bigint PRIMARY KEY, version text NOT NULL DEFAULT '',
            title text NOT NULL DEFAULT '', description text NOT NULL DEFAULT '',
            body text NOT NULL DEFAULT '',
            claims text[] NOT NULL DEFAULT '{}', party text, party_name text, area text, area_name text,
            region text, nation text, election text, tags text[] NOT NULL DEFAULT '{}',
            verdicts text[] NOT NULL DEFAULT '{}', bias text[] NOT NULL DEFAULT '{}',
            delivered_on date, uploaded_at timestamptz, image_count integer NOT NULL DEFAULT 0,
            tsv tsvector NOT NULL, updated_at timestamptz NOT NULL DEFAULT clock_timestamp())""")
    op.execute("CREATE INDEX document_tsv ON search.document USING gin (tsv)")
    op.execute("CREATE INDEX document_tags ON search.document USING gin (tags)")
    op.execute("CREATE INDEX document_verdicts ON search.document USING gin (verdicts)")
    op.execute("CREATE INDEX document_bias ON search.document USING gin (bias)")
    op.execute("CREATE INDEX document_party ON search.document (party)")
    op.execute("CREATE INDEX document_area ON search.document (area)")
    op.execute("CREATE INDEX document_election ON search.document (election)")
    op.execute("CREATE INDEX document_newest ON search.document (delivered_on DESC, uploaded_at DESC)")
    op.execute("CREATE INDEX document_updated ON search.document (updated_at)")
    # Databases that ran the backend before this migration hold a public.search_document it made itself.
    op.execute("DROP TABLE IF EXISTS public.search_document")


def downgrade():
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute("DROP SCHEMA IF EXISTS search CASCADE")
