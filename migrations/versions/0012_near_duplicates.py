"""near-duplicates: perceptual fingerprints of stored photos, uploads held for the voter's answer, and
"possibly the same as" links

Revision ID: 0012
Revises: 0010
"""

import sqlalchemy as sa
from alembic import op

revision = "0012"
down_revision = "0013"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "image_fingerprint",
        sa.Column("key", sa.String(64), primary_key=True),
        sa.Column("hash", sa.BigInteger(), nullable=False),
        sa.Column("band0", sa.Integer(), nullable=False),
        sa.Column("band1", sa.Integer(), nullable=False),
        sa.Column("band2", sa.Integer(), nullable=False),
        sa.Column("band3", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
    )
    for band in range(4):
        op.create_index(f"ix_image_fingerprint_band{band}", "image_fingerprint", [f"band{band}"])
    op.create_table(
        "pending_upload",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("token", sa.String(64), nullable=False, unique=True),
        sa.Column(
            "candidate_id", sa.Integer(), sa.ForeignKey("leaflet.id", ondelete="CASCADE"), nullable=False
        ),
        sa.Column("score", sa.Float(), nullable=False),
        sa.Column("uploader_id", sa.Integer(), sa.ForeignKey("user.id", ondelete="CASCADE"), nullable=True),
        sa.Column("meta", sa.JSON(), nullable=False),
        sa.Column("staged", sa.JSON(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("expires_at", sa.DateTime(), nullable=False),
    )
    op.create_index("ix_pending_upload_candidate_id", "pending_upload", ["candidate_id"])
    op.create_index("ix_pending_upload_uploader_id", "pending_upload", ["uploader_id"])
    op.create_index("ix_pending_upload_expires_at", "pending_upload", ["expires_at"])
    op.create_table(
        "leaflet_similarity",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column(
            "leaflet_id", sa.Integer(), sa.ForeignKey("leaflet.id", ondelete="CASCADE"), nullable=False
        ),
        sa.Column("other_id", sa.Integer(), sa.ForeignKey("leaflet.id", ondelete="CASCADE"), nullable=False),
        sa.Column("kind", sa.String(10), nullable=False),
        sa.Column("score", sa.Float(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.UniqueConstraint("leaflet_id", "other_id", "kind", name="uq_leaflet_similarity_pair"),
    )
    op.create_index("ix_leaflet_similarity_leaflet_id", "leaflet_similarity", ["leaflet_id"])
    op.create_index("ix_leaflet_similarity_other_id", "leaflet_similarity", ["other_id"])
    op.create_index("ix_leaflet_similarity_other_kind", "leaflet_similarity", ["other_id", "kind"])


def downgrade():
    op.drop_table("leaflet_similarity")
    op.drop_table("pending_upload")
    op.drop_table("image_fingerprint")
