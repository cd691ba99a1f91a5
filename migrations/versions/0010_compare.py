"""compare: per-leaflet analysed text, LSH bands, figures, party term counts, token case counts; 2024 results

Revision ID: 0010
Revises: 0004
"""

import sqlalchemy as sa
from alembic import op

revision = "0010"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "compare_text",
        sa.Column(
            "leaflet_id", sa.Integer(), sa.ForeignKey("leaflet.id", ondelete="CASCADE"), primary_key=True
        ),
        sa.Column("party_id", sa.Integer(), nullable=True),
        sa.Column("election_id", sa.Integer(), nullable=False),
        sa.Column("area_id", sa.Integer(), nullable=True),
        sa.Column("counted", sa.Boolean(), nullable=False),
        sa.Column("content_hash", sa.String(40), nullable=False),
        sa.Column("text_hash", sa.String(40), nullable=False),
        sa.Column("tokens", sa.LargeBinary(), nullable=False),
        sa.Column("words", sa.Integer(), nullable=False),
        sa.Column("topics", sa.String(400), nullable=False),
        sa.Column("signature", sa.LargeBinary(), nullable=True),
        sa.Column("template_id", sa.Integer(), nullable=True),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
    )
    op.create_index("ix_compare_text_party_area", "compare_text", ["party_id", "area_id"])
    op.create_index(
        "ix_compare_text_template",
        "compare_text",
        ["template_id", "party_id", "counted", "election_id", "area_id", "leaflet_id"],
    )
    op.create_table(
        "compare_band",
        sa.Column("band_hash", sa.BigInteger(), primary_key=True, autoincrement=False),
        sa.Column(
            "leaflet_id", sa.Integer(), sa.ForeignKey("leaflet.id", ondelete="CASCADE"), primary_key=True
        ),
    )
    op.create_index("ix_compare_band_leaflet_id", "compare_band", ["leaflet_id"])
    op.create_table(
        "compare_number",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column(
            "leaflet_id", sa.Integer(), sa.ForeignKey("leaflet.id", ondelete="CASCADE"), nullable=False
        ),
        sa.Column("party_id", sa.Integer(), nullable=False),
        sa.Column("election_id", sa.Integer(), nullable=False),
        sa.Column("area_id", sa.Integer(), nullable=False),
        sa.Column("key", sa.String(16), nullable=False),
        sa.Column("figure", sa.String(40), nullable=False),
        sa.Column("value", sa.Float(), nullable=True),
        sa.Column("context", sa.Text(), nullable=False),
        sa.Column("image_id", sa.Integer(), nullable=True),
        sa.Column("box", sa.String(60), nullable=True),
    )
    op.create_index("ix_compare_number_leaflet_id", "compare_number", ["leaflet_id"])
    op.create_index(
        "ix_compare_number_party_key",
        "compare_number",
        ["party_id", "key", "area_id", "figure", "value", "leaflet_id", "election_id"],
    )
    op.create_table(
        "compare_term_count",
        sa.Column("party_id", sa.Integer(), primary_key=True, autoincrement=False),
        sa.Column("election_id", sa.Integer(), primary_key=True, autoincrement=False),
        sa.Column("term", sa.String(120), primary_key=True),
        sa.Column("count", sa.Integer(), nullable=False),
    )
    op.create_index("ix_compare_term_count_top", "compare_term_count", ["party_id", "election_id", "count"])
    op.create_table(
        "compare_token",
        sa.Column("token", sa.String(60), primary_key=True),
        sa.Column("capitalised", sa.Integer(), nullable=False),
        sa.Column("paired", sa.Integer(), nullable=False),
        sa.Column("lowered", sa.Integer(), nullable=False),
        sa.Column("trusted", sa.Integer(), nullable=False),
    )
    op.create_index("ix_leaflet_live_party_area", "leaflet", ["status", "party_id", "area_id"])
    op.create_table(
        "area_result",
        sa.Column("area_id", sa.Integer(), sa.ForeignKey("area.id"), primary_key=True),
        sa.Column("election_id", sa.Integer(), sa.ForeignKey("election.id"), primary_key=True),
        sa.Column("winner_party_id", sa.Integer(), sa.ForeignKey("party.id"), nullable=True),
        sa.Column("second_party_id", sa.Integer(), sa.ForeignKey("party.id"), nullable=True),
        sa.Column("winner_name", sa.String(200), nullable=True),
    )


def downgrade():
    op.drop_table("area_result")
    op.drop_index("ix_leaflet_live_party_area", table_name="leaflet")
    op.drop_table("compare_token")
    op.drop_index("ix_compare_term_count_top", table_name="compare_term_count")
    op.drop_table("compare_term_count")
    op.drop_index("ix_compare_number_party_key", table_name="compare_number")
    op.drop_index("ix_compare_number_leaflet_id", table_name="compare_number")
    op.drop_table("compare_number")
    op.drop_index("ix_compare_band_leaflet_id", table_name="compare_band")
    op.drop_table("compare_band")
    op.drop_index("ix_compare_text_template", table_name="compare_text")
    op.drop_index("ix_compare_text_party_area", table_name="compare_text")
    op.drop_table("compare_text")
