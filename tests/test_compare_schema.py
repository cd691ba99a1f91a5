"""The migrations and the models agree (autogenerate finds nothing to do), on both databases: compare's tables
and indexes (migration 0010) included."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from leaflets.extensions import db
from tests.support import both_databases


@both_databases
def test_the_migrations_match_the_models(app):
    with db.engine.connect() as connection:
        assert compare_metadata(MigrationContext.configure(connection), db.metadata) == []
    assert {
        "compare_text",
        "compare_band",
        "compare_number",
        "compare_term_count",
        "compare_token",
        "area_result",
    } <= set(db.metadata.tables)
