"""A throwaway PostgreSQL database holding the search table (migration 0011), for the PostgresBackend rows."""

from __future__ import annotations

import importlib.util
import os
import uuid
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

import psycopg
from sqlalchemy import create_engine

ADMIN_DSN = os.environ.get("BENCH_PG_ADMIN_DSN", "postgresql://postgres@127.0.0.1:5432/postgres")
MIGRATIONS = Path(__file__).resolve().parents[2] / "migrations" / "versions"
SEARCH_MIGRATIONS = ("0011_search_document.py", "0017_search_order_and_removals.py")


@contextmanager
def search_database() -> Iterator[str]:
    """Create a database with the search table (the real migration), yield its DSN, drop it."""
    name = f"bench_search_{uuid.uuid4().hex[:10]}"
    with psycopg.connect(ADMIN_DSN, autocommit=True) as conn:
        conn.execute(f"CREATE DATABASE {name}")
    dsn = ADMIN_DSN.rsplit("/", 1)[0] + "/" + name
    try:
        _migrate(dsn)
        yield dsn
    finally:
        with psycopg.connect(ADMIN_DSN, autocommit=True) as conn:
            conn.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


def _migrate(dsn: str) -> None:
    from alembic.migration import MigrationContext
    from alembic.operations import Operations

    engine = create_engine(dsn.replace("postgresql://", "postgresql+psycopg://"))
    for name in SEARCH_MIGRATIONS:
        spec = importlib.util.spec_from_file_location(f"migration_{name[:4]}", MIGRATIONS / name)
        migration = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(migration)
        with engine.begin() as connection, Operations.context(MigrationContext.configure(connection)):
            migration.upgrade()
    engine.dispose()
