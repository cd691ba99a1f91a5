"""Shared fixtures: an app per test with its own database, upload folder and index under tmp_path.

Databases are cloned from a template built once per run by the real migrations and the real reference-data
loader: a file copy for SQLite, CREATE DATABASE ... TEMPLATE for PostgreSQL. Parametrise a test over both with
`@pytest.mark.parametrize("app", DATABASES, indirect=True)` (see tests/support.py).
"""

from __future__ import annotations

import os
import shutil
import uuid
from pathlib import Path
from typing import Any, Callable, Iterator

import pytest
from flask import Flask
from flask.testing import FlaskClient, FlaskCliRunner

from leaflets import create_app
from leaflets.extensions import db
from tests.support import DATABASES, PG_BASE_URL, empty_database, pg_admin

# Fixtures defined in helper modules, for every test: a real SMTP server.
pytest_plugins = ["tests.smtp_support"]


def _base_config(tmp_path: Path, database_url: str) -> dict[str, Any]:
    return {
        "TESTING": True,
        "SECRET_KEY": "test-secret",
        "SQLALCHEMY_DATABASE_URI": database_url,
        "UPLOAD_DIR": str(tmp_path / "uploads"),
        "INDEX_DIR": str(tmp_path / "index"),
        "OCR_START_WORKERS": False,
        # A test sees an upload's photo files as soon as it is answered; the background path has its own
        # tests (test_background_variants.py).
        "IMAGE_VARIANTS": "inline",
        "RATELIMIT_ENABLED": False,
        "WTF_CSRF_ENABLED": False,
        "SERVER_NAME": "localhost",
    }


def _scale_engines(database_url: str, overrides: dict[str, Any]) -> dict[str, Any]:
    """`make test-scale` (TEST_SCALE_ENGINES=1): apps on PostgreSQL search with PostgreSQL full text and queue
    OCR through Celery on Redis, as a multi-machine deployment does; a test's own settings still win, and a
    test that starts in-process OCR workers (OCR_START_WORKERS) keeps the local queue they belong to."""
    if os.environ.get("TEST_SCALE_ENGINES") != "1" or not database_url.startswith("postgresql"):
        return {}
    engines: dict[str, Any] = {"SEARCH_BACKEND": "postgres"}
    if not overrides.get("OCR_START_WORKERS"):
        engines.update(
            OCR_QUEUE="celery",
            CELERY_BROKER_URL=os.environ.get("TEST_CELERY_BROKER_URL", "redis://127.0.0.1:6379/15"),
        )
    return engines


def _migrate_and_load(database_url: str, tmp_path: Path) -> None:
    from flask_migrate import upgrade

    from leaflets.services import reference_data

    app = create_app(_base_config(tmp_path, database_url))
    with app.app_context():
        upgrade()
        reference_data.load_all()
        db.session.remove()
        db.engine.dispose()


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("sqlite-template")
    path = folder / "template.sqlite3"
    _migrate_and_load(f"sqlite:///{path}", folder)
    return path


@pytest.fixture(scope="session")
def pg_template(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    name = f"sc_tpl_{uuid.uuid4().hex[:10]}"
    pg_admin(f'CREATE DATABASE "{name}"')
    _migrate_and_load(f"{PG_BASE_URL}/{name}", tmp_path_factory.mktemp("pg-template"))
    yield name
    pg_admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    kind = getattr(request, "param", "sqlite")
    if kind == "sqlite":
        path = tmp_path / "test.sqlite3"
        shutil.copy(request.getfixturevalue("sqlite_template"), path)
        yield f"sqlite:///{path}"
        return
    template = request.getfixturevalue("pg_template")
    name = f"sc_t_{uuid.uuid4().hex[:12]}"
    pg_admin(f'CREATE DATABASE "{name}" TEMPLATE "{template}"')
    yield f"{PG_BASE_URL}/{name}"
    pg_admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture
def make_app(tmp_path: Path, database_url: str) -> Iterator[Callable[..., Flask]]:
    """Build an app on this test's database with extra config; everything it starts is stopped after."""
    made: list[Flask] = []

    def factory(**overrides: Any) -> Flask:
        app = create_app(
            {**_base_config(tmp_path, database_url), **_scale_engines(database_url, overrides), **overrides}
        )
        made.append(app)
        return app

    yield factory
    for app in made:
        from leaflets.services_setup import shutdown

        shutdown(app)
        with app.app_context():
            db.session.remove()
            db.engine.dispose()


@pytest.fixture
def app(request: pytest.FixtureRequest, make_app: Callable[..., Flask]) -> Iterator[Flask]:
    application = make_app()
    with application.app_context():
        yield application


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


@pytest.fixture
def runner(app: Flask) -> FlaskCliRunner:
    return app.test_cli_runner()


@pytest.fixture
def configured(request, make_app):
    """An app on the parametrised database with the parametrised SEARCH_BACKEND, inside its context."""
    app = make_app(SEARCH_BACKEND=getattr(request, "param", "whoosh"))
    with app.app_context():
        yield app


@pytest.fixture(params=DATABASES)
def blank_app(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Flask]:
    """An app on an empty database (no migrations applied)."""
    with empty_database(request.param, tmp_path) as url:
        app = create_app(
            {
                "TESTING": True,
                "SECRET_KEY": "x",
                "SQLALCHEMY_DATABASE_URI": url,
                "OCR_START_WORKERS": False,
                "UPLOAD_DIR": str(tmp_path / "uploads"),
                "INDEX_DIR": str(tmp_path / "index"),
            }
        )
        with app.app_context():
            yield app
            db.session.remove()
            db.engine.dispose()
