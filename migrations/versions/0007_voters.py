"""voters: a leaflet may have no place yet ("needs a place"); postcode sectors and full-postcode ranges; how
prominent each party was at GE2024 (main parties first on the upload page)

Revision ID: 0007
Revises: 0004
"""

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("leaflet") as batch:
        batch.alter_column("area_id", existing_type=sa.Integer(), nullable=True)
    with op.batch_alter_table("party") as batch:
        batch.add_column(sa.Column("ge2024_top_two", sa.Integer(), nullable=False, server_default="0"))
        batch.add_column(sa.Column("ge2024_nation", sa.String(length=40), nullable=True))
    op.create_table(
        "postcode_sector",
        sa.Column("sector", sa.String(length=8), nullable=False),
        sa.Column("area_id", sa.Integer(), nullable=False),
        sa.Column("share", sa.Float(), nullable=False),
        sa.ForeignKeyConstraint(["area_id"], ["area.id"]),
        sa.PrimaryKeyConstraint("sector", "area_id"),
    )
    op.create_table(
        "postcode_range",
        sa.Column("start", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("area_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(["area_id"], ["area.id"]),
        sa.PrimaryKeyConstraint("start"),
    )


def downgrade():
    # Leaflets that still need a place cannot go back to a schema that requires one; never drop them.
    waiting = op.get_bind().execute(sa.text("SELECT COUNT(*) FROM leaflet WHERE area_id IS NULL")).scalar()
    if waiting:
        raise RuntimeError(f"{waiting} leaflets have no place yet: give them one before downgrading.")
    op.drop_table("postcode_range")
    op.drop_table("postcode_sector")
    with op.batch_alter_table("party") as batch:
        batch.drop_column("ge2024_nation")
        batch.drop_column("ge2024_top_two")
    with op.batch_alter_table("leaflet") as batch:
        batch.alter_column("area_id", existing_type=sa.Integer(), nullable=False)
