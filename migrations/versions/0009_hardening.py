"""hardening: one original per photo (a unique claim on the image hash), and a session version on users

Revision ID: 0009
Revises: 0004
"""

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("leaflet_image") as batch:
        batch.add_column(sa.Column("original_sha256", sa.String(length=64), nullable=True))
    # The earliest image of each photo is its original.
    op.execute(
        "UPDATE leaflet_image SET original_sha256 = sha256 WHERE id IN "
        "(SELECT MIN(id) FROM leaflet_image GROUP BY sha256)"
    )
    with op.batch_alter_table("leaflet_image") as batch:
        batch.create_index("uq_leaflet_image_original_sha256", ["original_sha256"], unique=True)
    with op.batch_alter_table("user") as batch:
        batch.add_column(sa.Column("session_version", sa.Integer(), server_default="0", nullable=False))


def downgrade():
    with op.batch_alter_table("user") as batch:
        batch.drop_column("session_version")
    with op.batch_alter_table("leaflet_image") as batch:
        batch.drop_index("uq_leaflet_image_original_sha256")
        batch.drop_column("original_sha256")
