"""near-duplicates: the "is this the same leaflet?" question is asked after the upload is published, not
before (pending_upload names the published leaflet; the held form fields and photos go)

Revision ID: 0021
Revises: 0020

An upload held by the old request-time check has no leaflet to name. Expired ones are removed (their
photos were already orphans for `flask sweep-uploads`); the upgrade stops while any still waits for its
voter's answer, rather than drop a voter's photos: answer them, or let them expire (PENDING_UPLOAD_HOURS),
and upgrade then.
"""

import sqlalchemy as sa
from alembic import op

revision = "0021"
down_revision = "0020"
branch_labels = None
depends_on = None


def upgrade():
    bind = op.get_bind()
    bind.execute(sa.text("DELETE FROM pending_upload WHERE expires_at <= CURRENT_TIMESTAMP"))
    waiting = bind.execute(sa.text("SELECT count(*) FROM pending_upload")).scalar()
    if waiting:
        raise RuntimeError(
            f"{waiting} held uploads still wait for their voter's answer: upgrade once they are answered or "
            "have expired (then `flask sweep-uploads`)"
        )
    # pending_upload has none of 0015's triggers: a batch copy (SQLite's way to change columns) is safe here.
    with op.batch_alter_table("pending_upload") as batch:
        batch.drop_column("meta")
        batch.drop_column("staged")
        batch.add_column(sa.Column("leaflet_id", sa.Integer(), nullable=False))
        batch.add_column(sa.Column("leased_until", sa.DateTime(), nullable=True))
        batch.alter_column("candidate_id", existing_type=sa.Integer(), nullable=True)
        batch.alter_column("score", existing_type=sa.Float(), nullable=True)
        batch.create_foreign_key(
            "fk_pending_upload_leaflet_id", "leaflet", ["leaflet_id"], ["id"], ondelete="CASCADE"
        )
        batch.create_unique_constraint("uq_pending_upload_leaflet_id", ["leaflet_id"])


def downgrade():
    bind = op.get_bind()
    waiting = bind.execute(
        sa.text("SELECT count(*) FROM pending_upload WHERE candidate_id IS NOT NULL")
    ).scalar()
    if waiting:  # the old schema cannot hold a question about a published leaflet
        raise RuntimeError(f"{waiting} questions still wait for their uploader's answer")
    bind.execute(sa.text("DELETE FROM pending_upload"))
    with op.batch_alter_table("pending_upload") as batch:
        batch.drop_constraint("uq_pending_upload_leaflet_id", type_="unique")
        batch.drop_constraint("fk_pending_upload_leaflet_id", type_="foreignkey")
        batch.drop_column("leased_until")
        batch.drop_column("leaflet_id")
        batch.alter_column("candidate_id", existing_type=sa.Integer(), nullable=False)
        batch.alter_column("score", existing_type=sa.Float(), nullable=False)
        batch.add_column(sa.Column("meta", sa.JSON(), nullable=False))
        batch.add_column(sa.Column("staged", sa.JSON(), nullable=False))
