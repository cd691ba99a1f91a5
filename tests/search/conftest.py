"""Fixtures for search tests: a real Whoosh index under tmp_path and a throwaway PostgreSQL database."""

from __future__ import annotations

import importlib.util
import uuid
from datetime import date, datetime
from pathlib import Path
from typing import Iterator

import psycopg
import pytest
from sqlalchemy import create_engine

from search import PostgresBackend, SearchBackend, SearchDocument, WhooshBackend
from tests.support import PG_ADMIN_DSN

SEARCH_MIGRATIONS = (  # the search schema
    "0011_search_document.py",
    "0017_search_order_and_removals.py",
    "0019_search_filter_order.py",
    "0020_search_lexemes.py",
    "0022_search_filter_keys.py",
)
BACKENDS = ["whoosh", pytest.param("postgres", marks=pytest.mark.postgres)]


def _make_doc(leaflet_id: int, **fields) -> SearchDocument:
    defaults = dict(
        title=f"Leaflet {leaflet_id}",
        text="",
        party="labour",
        party_name="Labour Party",
        area="E14001063",
        area_name="Aldershot",
        region="South East",
        nation="England",
        election="ge-2024",
        tags=[],
        delivered_on=date(2024, 6, 1),
        uploaded_at=datetime(2024, 6, 2, 12, 0),
        image_count=1,
        status="live",
        version=f"v{leaflet_id}",
    )
    defaults.update(fields)
    return SearchDocument(leaflet_id=leaflet_id, **defaults)


@pytest.fixture(scope="session")
def make_doc():
    """Return a SearchDocument factory with sensible defaults."""
    return _make_doc


def apply_search_migration(dsn: str) -> None:
    """Create the search tables with the real migrations, as `flask db upgrade` does for the app."""
    from alembic.migration import MigrationContext
    from alembic.operations import Operations

    engine = create_engine(dsn.replace("postgresql://", "postgresql+psycopg://"))
    for name in SEARCH_MIGRATIONS:
        path = Path(__file__).resolve().parents[2] / "migrations" / "versions" / name
        spec = importlib.util.spec_from_file_location(f"migration_{name[:4]}", path)
        migration = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(migration)
        with engine.begin() as connection, Operations.context(MigrationContext.configure(connection)):
            migration.upgrade()
    engine.dispose()


@pytest.fixture(scope="session")
def pg_dsn() -> Iterator[str]:
    name = f"sc_search_test_{uuid.uuid4().hex[:10]}"
    with psycopg.connect(PG_ADMIN_DSN, autocommit=True) as conn:
        conn.execute(f"CREATE DATABASE {name}")
    dsn = PG_ADMIN_DSN.rsplit("/", 1)[0] + "/" + name
    apply_search_migration(dsn)
    yield dsn
    with psycopg.connect(PG_ADMIN_DSN, autocommit=True) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


def _open(request, path) -> SearchBackend:
    if request.param == "whoosh":
        return WhooshBackend(path)
    engine = PostgresBackend(request.getfixturevalue("pg_dsn"))
    engine.rebuild([])
    return engine


@pytest.fixture(params=BACKENDS)
def backend(request, tmp_path) -> Iterator[SearchBackend]:
    """An empty backend of each kind for one test."""
    engine = _open(request, tmp_path / "index")
    yield engine
    engine.close()


@pytest.fixture(scope="module", params=BACKENDS)
def module_backend(request, tmp_path_factory) -> Iterator[SearchBackend]:
    """An empty backend of each kind shared by a module's read-only tests."""
    engine = _open(request, tmp_path_factory.mktemp("index") / "index")
    yield engine
    engine.close()
