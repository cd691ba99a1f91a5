"""Migration 0021: the look-alike question moves after publishing. A database upgraded with an upload still
held by the old request-time check stops rather than drop its photos; expired ones are removed; with none
waiting it upgrades, and a question then names its published leaflet."""

from __future__ import annotations

import pytest
from flask import Flask
from flask_migrate import upgrade
from sqlalchemy import text

from leaflets.extensions import db

HELD = (
    "INSERT INTO pending_upload (id, token, candidate_id, score, uploader_id, meta, staged, created_at, "
    "expires_at) VALUES (:id, :token, 1, 0.9, NULL, '{}', '[]', '2024-06-01', :expires)"
)


def _at_0020_with_a_leaflet() -> None:
    upgrade(revision="0020")
    for statement in (
        "INSERT INTO election (id, slug, name, date, kind) "
        "VALUES (1, 'ge', 'General', '2024-07-04', 'general')",
        "INSERT INTO leaflet (id, title, description, election_id, delivered_on, uploaded_at, updated_at, "
        "status) VALUES (1, '', '', 1, '2024-06-01', '2024-06-01', '2024-06-01', 'live')",
    ):
        db.session.execute(text(statement))
    db.session.commit()


def test_an_upload_still_waiting_for_its_answer_stops_the_upgrade(blank_app: Flask) -> None:
    _at_0020_with_a_leaflet()
    db.session.execute(text(HELD), {"id": 1, "token": "old", "expires": "2024-06-01"})
    db.session.execute(text(HELD), {"id": 2, "token": "waiting", "expires": "2999-01-01"})
    db.session.commit()
    with pytest.raises(SystemExit):  # flask_migrate's way of saying the migration raised (logged with why)
        upgrade()
    db.session.rollback()
    assert "waiting" in db.session.execute(text("SELECT token FROM pending_upload")).scalars().all()
    assert db.session.execute(text("SELECT version_num FROM alembic_version")).scalar() == "0020"


def test_with_none_waiting_it_upgrades_and_a_question_names_its_leaflet(blank_app: Flask) -> None:
    _at_0020_with_a_leaflet()
    db.session.execute(text(HELD), {"id": 1, "token": "old", "expires": "2024-06-01"})
    db.session.commit()
    upgrade()
    assert db.session.execute(text("SELECT count(*) FROM pending_upload")).scalar() == 0
    db.session.execute(
        text(
            "INSERT INTO pending_upload (token, leaflet_id, created_at, expires_at) "
            "VALUES ('new', 1, '2024-06-01', '2999-01-01')"
        )
    )
    db.session.commit()
    assert db.session.execute(text("SELECT candidate_id FROM pending_upload")).scalar() is None
