"""findings: cached per-party aggregates for /stats, and e-mail alert subscriptions

Revision ID: 0008
Revises: 0004
"""

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "findings_group",
        sa.Column("party_key", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("election_id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("generation", sa.Integer(), nullable=False),
        sa.Column("computed_generation", sa.Integer(), nullable=False),
        sa.Column("data", sa.JSON(), nullable=True),
        sa.Column("computed_at", sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(["election_id"], ["election.id"]),
        sa.PrimaryKeyConstraint("party_key", "election_id"),
    )
    with op.batch_alter_table("leaflet") as batch:
        batch.create_index("ix_leaflet_party_election_status", ["party_id", "election_id", "status"])
    # Every group that has leaflets already starts stale, so the first read of /stats computes it.
    op.execute(
        "INSERT INTO findings_group (party_key, election_id, generation, computed_generation) "
        "SELECT DISTINCT COALESCE(party_id, 0), election_id, 1, 0 FROM leaflet"
    )
    op.create_table(
        "alert_subscription",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("email", sa.String(length=254), nullable=False),
        sa.Column("kind", sa.String(length=10), nullable=False),
        sa.Column("target", sa.String(length=1000), nullable=False),
        sa.Column("frequency", sa.String(length=10), nullable=False),
        sa.Column("nonce", sa.String(length=32), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("confirm_sent_at", sa.DateTime(), nullable=True),
        sa.Column("confirmed_at", sa.DateTime(), nullable=True),
        sa.Column("last_sent_at", sa.DateTime(), nullable=True),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("alert_subscription") as batch:
        batch.create_index("uq_alert_subscription_target", ["email", "kind", "target"], unique=True)
        batch.create_index("ix_alert_subscription_due", ["frequency", "confirmed_at"])


def downgrade():
    with op.batch_alter_table("alert_subscription") as batch:
        batch.drop_index("ix_alert_subscription_due")
        batch.drop_index("uq_alert_subscription_target")
    op.drop_table("alert_subscription")
    op.drop_table("findings_group")
    with op.batch_alter_table("leaflet") as batch:
        batch.drop_index("ix_leaflet_party_election_status")
