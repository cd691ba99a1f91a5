"""load: why a photo's copies could not be made (leaflet_image.variants_error), so pages stop saying
"being prepared" and show that it could not be; and a held photo's small look (pending_photo.look), which
the near-duplicate check of later uploads compares with instead of decoding the original again

Revision ID: 0016
Revises: 0014
"""

import sqlalchemy as sa
from alembic import op

revision = "0016"
down_revision = "0014"
branch_labels = None
depends_on = None


def upgrade():
    # A plain ADD COLUMN (as 0014): a batch copy of leaflet_image fails on SQLite under 0015's triggers.
    op.add_column("leaflet_image", sa.Column("variants_error", sa.Text(), nullable=True))
    op.add_column("pending_photo", sa.Column("look", sa.LargeBinary(), nullable=True))


def downgrade():
    op.drop_column("pending_photo", "look")
    op.drop_column("leaflet_image", "variants_error")
