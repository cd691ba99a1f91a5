"""audit entries name the leaflet they concern, whatever their target

Revision ID: 0004
Revises: 0003
"""

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("audit_entry") as batch:
        batch.add_column(sa.Column("leaflet_id", sa.Integer(), nullable=True))
        batch.create_index("ix_audit_entry_leaflet_id", ["leaflet_id"])
    op.execute("UPDATE audit_entry SET leaflet_id = target_id WHERE target_type = 'leaflet'")


def downgrade():
    with op.batch_alter_table("audit_entry") as batch:
        batch.drop_index("ix_audit_entry_leaflet_id")
        batch.drop_column("leaflet_id")
