"""load: photos whose variants are made in the background (pending_photo), and leaflet_image.variants_ready

Revision ID: 0014
Revises: 0012
"""

import sqlalchemy as sa
from alembic import op

revision = "0014"
down_revision = "0012"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "pending_photo",
        sa.Column("sha256", sa.String(64), primary_key=True),
        sa.Column("data", sa.LargeBinary(), nullable=False),
        sa.Column("format", sa.String(8), nullable=False),
        sa.Column("filename", sa.String(200), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("leased_until", sa.DateTime(), nullable=True),
        sa.Column("lease_owner", sa.String(80), nullable=True),
        sa.Column("error", sa.Text(), nullable=True),
    )
    op.create_index("ix_pending_photo_created_at", "pending_photo", ["created_at"])
    # A plain ADD COLUMN, not a batch copy of the table: on SQLite the copy's rename fails once 0015's count
    # triggers name leaflet_image.
    op.add_column(
        "leaflet_image", sa.Column("variants_ready", sa.Boolean(), nullable=False, server_default=sa.true())
    )


def downgrade():
    op.drop_column("leaflet_image", "variants_ready")  # SQLite 3.35+ drops a column in place
    op.drop_index("ix_pending_photo_created_at", table_name="pending_photo")
    op.drop_table("pending_photo")
