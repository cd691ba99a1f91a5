"""OCR in the app: upright variants under their own key, readable verdict, job priority and fair turns

Revision ID: 0006
Revises: 0004

Before this revision a moderator's turn was only applied while OCR ran; the stored variants were never turned.
From here `rotation` is the turn the stored variants carry, so rows turned the old way are reset to 0 (their
files were never turned) and keep working; a moderator turns them again to turn the files.
"""

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("leaflet_image") as batch:
        batch.add_column(sa.Column("stored_sha256", sa.String(length=64), nullable=True))
        batch.add_column(
            sa.Column("rotation_manual", sa.Boolean(), nullable=False, server_default=sa.false())
        )
        batch.add_column(sa.Column("ocr_readable", sa.Boolean(), nullable=True))
        batch.add_column(sa.Column("ocr_quality", sa.JSON(), nullable=True))
        batch.add_column(sa.Column("ocr_priority", sa.SmallInteger(), nullable=False, server_default="0"))
        batch.add_column(sa.Column("ocr_submitter", sa.String(length=80), nullable=False, server_default=""))
        batch.add_column(sa.Column("ocr_started_at", sa.DateTime(), nullable=True))
    op.execute("UPDATE leaflet_image SET stored_sha256 = sha256, rotation = 0")
    with op.batch_alter_table("leaflet_image") as batch:
        batch.alter_column("stored_sha256", existing_type=sa.String(length=64), nullable=False)
        batch.alter_column("rotation_manual", server_default=None)
        batch.alter_column("ocr_priority", server_default=None)
        batch.alter_column("ocr_submitter", server_default=None)
        batch.create_index("ix_leaflet_image_stored_sha256", ["stored_sha256"])
        batch.create_index("ix_leaflet_image_ocr_order", ["ocr_status", "ocr_priority", "id"])
        batch.create_index("ix_leaflet_image_ocr_served", ["ocr_submitter", "ocr_started_at"])


def downgrade():
    with op.batch_alter_table("leaflet_image") as batch:
        batch.drop_index("ix_leaflet_image_ocr_served")
        batch.drop_index("ix_leaflet_image_ocr_order")
        batch.drop_index("ix_leaflet_image_stored_sha256")
        for column in (
            "ocr_started_at",
            "ocr_submitter",
            "ocr_priority",
            "ocr_quality",
            "ocr_readable",
            "rotation_manual",
            "stored_sha256",
        ):
            batch.drop_column(column)
