"""Migration 0009: existing photos get their original claim, users a session version; models agree."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask import Flask
from flask_migrate import upgrade
from sqlalchemy import text

from leaflets.extensions import db
from tests.support import both_databases

SHA_X, SHA_Y = "a" * 64, "b" * 64


def _rows_at_0004() -> None:
    statements = [
        "INSERT INTO area (id, gss, name, kind, nation, region) "
        "VALUES (1, 'E14000001', 'Somewhere', 'westminster', 'England', 'London')",
        "INSERT INTO election (id, slug, name, date, kind) "
        "VALUES (1, 'ge', 'General', '2024-07-04', 'general')",
        'INSERT INTO "user" (id, email, display_name, password_hash, role, created_at, active) '
        "VALUES (1, 'a@example.org', 'A', 'x', 'volunteer', '2024-01-01', true)",
    ]
    for leaflet_id in (1, 2, 3):
        statements.append(
            "INSERT INTO leaflet (id, title, description, area_id, election_id, delivered_on, "
            f"uploaded_at, updated_at, status) VALUES ({leaflet_id}, '', '', 1, 1, "
            "'2024-06-01', '2024-06-01', '2024-06-01', 'live')"
        )
    for image_id, leaflet_id, sha in ((1, 1, SHA_X), (2, 2, SHA_X), (3, 2, SHA_Y), (4, 3, SHA_X)):
        statements.append(
            "INSERT INTO leaflet_image (id, leaflet_id, position, role, sha256, width, height, "
            "mime, byte_size, rotation, ocr_status, ocr_attempts, created_at) VALUES "
            f"({image_id}, {leaflet_id}, 0, 'front', '{sha}', 10, 10, 'image/jpeg', 1, 0, "
            "'done', 0, '2024-06-01')"
        )
    for statement in statements:
        db.session.execute(text(statement))
    db.session.commit()


def test_upgrade_claims_each_photo_for_its_earliest_image(blank_app: Flask) -> None:
    upgrade(revision="0004")
    _rows_at_0004()
    upgrade()
    claims = db.session.execute(text("SELECT id, original_sha256 FROM leaflet_image ORDER BY id")).all()
    assert [tuple(row) for row in claims] == [(1, SHA_X), (2, None), (3, SHA_Y), (4, None)]
    assert db.session.execute(text('SELECT session_version FROM "user"')).scalar_one() == 0


@both_databases
def test_models_and_migrations_agree(app: Flask) -> None:
    with db.engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"render_as_batch": True})
        assert compare_metadata(context, db.metadata) == []
