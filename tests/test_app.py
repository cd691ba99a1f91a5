"""The factory, configuration, migrations and reference data."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from leaflets import config, create_app
from leaflets.extensions import db
from leaflets.models import Area, Election, Party, PostcodeDistrict, PostcodeRange, PostcodeSector, Tag
from tests.support import both_databases


@both_databases
def test_reference_data_is_loaded_by_migrations_and_loader(app):
    assert db.session.scalar(select(func.count(Area.id))) == 650
    assert db.session.scalar(select(func.count(PostcodeDistrict.district))) == 6325
    assert db.session.scalar(select(func.count(PostcodeSector.sector))) == 16650
    assert db.session.scalar(select(func.count(PostcodeRange.start))) == 54076
    labour = db.session.scalar(select(Party).where(Party.slug == "labour"))
    assert labour.ec_ref == "PP53" and labour.short_name == "Lab"
    assert db.session.scalar(select(Election).where(Election.slug == "ge-2024")).kind == "general"
    ynys_mon = db.session.scalar(select(Area).where(Area.gss == "W07000112"))
    assert ynys_mon is None or ynys_mon.nation == "Wales"
    assert db.session.scalar(select(func.count(Tag.id))) > 20


@both_databases
def test_load_reference_data_is_idempotent(app, runner):
    before = db.session.scalar(select(func.count(Party.id)))
    result = runner.invoke(args=["load-reference-data"])
    assert result.exit_code == 0, result.output
    assert "650 areas" in result.output and "54076 full-postcode ranges" in result.output
    db.session.expire_all()
    assert db.session.scalar(select(func.count(Party.id))) == before
    assert db.session.scalar(select(func.count(Area.id))) == 650


def test_config_comes_from_environment_then_mapping(tmp_path, monkeypatch):
    monkeypatch.setenv("MAX_UPLOAD_MB", "7")
    monkeypatch.setenv("OCR_WORKERS", "3")
    monkeypatch.setenv("UPLOAD_DIR", str(tmp_path / "up"))
    app = create_app(
        {
            "OCR_WORKERS": 2,
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path}/x.db",
            "OCR_START_WORKERS": False,
            "INDEX_DIR": str(tmp_path / "ix"),
        }
    )
    assert app.config["MAX_CONTENT_LENGTH"] == 7 * 1024 * 1024
    assert app.config["OCR_WORKERS"] == 2
    assert app.config["UPLOAD_DIR"] == str(tmp_path / "up")


def test_operational_settings_come_from_environment():
    found = config.from_environment(
        {"OCR_LEASE_S": "45", "OCR_MAX_ATTEMPTS": "5", "CLAIM_RATED_THRESHOLD": "2"}
    )
    assert found == {"OCR_LEASE_S": 45.0, "OCR_MAX_ATTEMPTS": 5, "CLAIM_RATED_THRESHOLD": 2}


def test_a_bad_environment_value_names_the_variable():
    with pytest.raises(ValueError, match="OCR_WORKERS='two' is not a valid int"):
        config.from_environment({"OCR_WORKERS": "two"})


def test_secret_key_is_generated_once_and_kept(tmp_path, monkeypatch):
    monkeypatch.delenv("SECRET_KEY", raising=False)
    app = create_app(
        {
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path}/x.db",
            "OCR_START_WORKERS": False,
            "INDEX_DIR": str(tmp_path / "ix"),
        }
    )
    again = create_app(
        {
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path}/x.db",
            "OCR_START_WORKERS": False,
            "INDEX_DIR": str(tmp_path / "ix"),
        }
    )
    assert len(app.config["SECRET_KEY"]) == 64
    assert app.config["SECRET_KEY"] == again.config["SECRET_KEY"]


def test_security_headers_on_pages(client):
    response = client.get("/")
    assert response.status_code == 200
    assert "frame-ancestors 'none'" in response.headers["Content-Security-Policy"]
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "same-origin"


def test_errors_are_json_for_api_and_html_for_pages(client):
    api = client.get("/api/v1/nothing-here")
    assert api.status_code == 404
    assert api.get_json()["error"]["code"] == "not_found"
    page = client.get("/nothing-here")
    assert page.status_code == 404 and page.mimetype == "text/html"
    assert b"Not found" in page.data
    asked = client.get("/nothing-here", headers={"Accept": "application/json"})
    assert asked.get_json()["error"]["code"] == "not_found"
