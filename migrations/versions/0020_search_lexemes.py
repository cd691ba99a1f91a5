"""search: a table of the index's lexemes and how many documents hold each (PostgreSQL only)

Revision ID: 0020
Revises: 0019

"Did you mean" compares a query's words with the index's vocabulary. Reading it with ts_stat over every
tsvector took 9-12 s at 100,000 leaflets, inside the request of a search with few hits; PostgresBackend now
keeps this table up to date as it writes (index, delete; a rebuild recounts it), and reads it in milliseconds.
"""

from alembic import op

revision = "0020"
down_revision = "0019"
branch_labels = None
depends_on = None


def upgrade():
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute("CREATE TABLE search.lexeme (word text PRIMARY KEY, ndoc integer NOT NULL)")
    op.execute(
        "INSERT INTO search.lexeme (word, ndoc) "
        "SELECT word, ndoc FROM ts_stat('SELECT tsv FROM search.document')"
    )


def downgrade():
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute("DROP TABLE IF EXISTS search.lexeme")
