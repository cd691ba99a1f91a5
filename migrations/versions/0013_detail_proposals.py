"""moderation: volunteers' proposed fixes of a leaflet's party, area or election, for a moderator to accept

Revision ID: 0013
Revises: 0010
"""

import sqlalchemy as sa
from alembic import op

revision = "0013"
down_revision = "0011"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "detail_proposal",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("leaflet_id", sa.Integer(), sa.ForeignKey("leaflet.id"), nullable=False),
        sa.Column("user_id", sa.Integer(), sa.ForeignKey("user.id"), nullable=False),
        sa.Column("party_id", sa.Integer(), sa.ForeignKey("party.id"), nullable=True),
        sa.Column("area_id", sa.Integer(), sa.ForeignKey("area.id"), nullable=True),
        sa.Column("election_id", sa.Integer(), sa.ForeignKey("election.id"), nullable=True),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("state", sa.String(10), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("decided_at", sa.DateTime(), nullable=True),
        sa.Column("decided_by_id", sa.Integer(), sa.ForeignKey("user.id"), nullable=True),
    )
    op.create_index("ix_detail_proposal_leaflet_id", "detail_proposal", ["leaflet_id"])
    op.create_index("ix_detail_proposal_state", "detail_proposal", ["state"])


def downgrade():
    op.drop_index("ix_detail_proposal_state", table_name="detail_proposal")
    op.drop_index("ix_detail_proposal_leaflet_id", table_name="detail_proposal")
    op.drop_table("detail_proposal")
