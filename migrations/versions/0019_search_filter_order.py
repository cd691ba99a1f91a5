"""search: party, area, election and region indexes that also hold the newest order (PostgreSQL only)

Revision ID: 0019
Revises: 0018

A page of leaflets filtered by one party, area, election or region (a browse by filter, or a word within
it) lists them newest first. With the value first and the backend's exact ORDER BY after it, the page walks
that value's leaflets in order and stops when it is full. Through the plain newest-order index it had to
skip every leaflet of other values first: at 100,000 leaflets, 18,000 rows to reach the first general
election leaflet, since elections follow the calendar. Each replaces the single-column index it extends.
"""

from alembic import op

revision = "0019"
down_revision = "0018"
branch_labels = None
depends_on = None

COLUMNS = ("party", "area", "election", "region")
ORDER = "delivered_on DESC NULLS LAST, uploaded_at DESC NULLS LAST, leaflet_id DESC"


def upgrade():
    if op.get_bind().dialect.name != "postgresql":
        return
    for column in COLUMNS:
        op.execute(f"CREATE INDEX document_{column}_newest ON search.document ({column}, {ORDER})")
        op.execute(f"DROP INDEX IF EXISTS search.document_{column}")


def downgrade():
    if op.get_bind().dialect.name != "postgresql":
        return
    for column in COLUMNS:
        if column != "region":  # 0011 made no region index
            op.execute(f"CREATE INDEX document_{column} ON search.document ({column})")
        op.execute(f"DROP INDEX IF EXISTS search.document_{column}_newest")
