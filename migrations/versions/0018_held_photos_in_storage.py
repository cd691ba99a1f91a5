"""load: an uploaded photo waiting for its variants keeps its bytes in storage, not in the database
(pending_photo.held_key names the storage folder; pending_photo.data only for rows held before)

Revision ID: 0018
Revises: 0017
"""

import sqlalchemy as sa
from alembic import op

revision = "0018"
down_revision = "0017"
branch_labels = None
depends_on = None


def upgrade():
    # pending_photo has none of 0015's triggers, so a batch copy (SQLite's way to drop NOT NULL) is safe here.
    with op.batch_alter_table("pending_photo") as batch:
        batch.add_column(sa.Column("held_key", sa.String(64), nullable=True))
        batch.alter_column("data", existing_type=sa.LargeBinary(), nullable=True)


def downgrade():
    held = op.get_bind().execute(sa.text("SELECT count(*) FROM pending_photo WHERE data IS NULL")).scalar()
    if held:  # their bytes are in storage, not here: dropping the rows would lose the photos
        raise RuntimeError(f"{held} photos still wait for their variants: run `flask ocr work` first")
    with op.batch_alter_table("pending_photo") as batch:
        batch.alter_column("data", existing_type=sa.LargeBinary(), nullable=False)
        batch.drop_column("held_key")
