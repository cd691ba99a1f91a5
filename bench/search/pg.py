"""A throwaway PostgreSQL database holding the search table (the real migrations), for PostgresBackend.

Filling 100,000 leaflets takes minutes, so a filled database is kept as a template named for the corpus and
the search migrations (`bench_search_tpl_<size>_<hash>`); later runs copy it (CREATE DATABASE ... TEMPLATE,
a file copy). A changed migration or corpus gets a new name; `--no-cache` fills afresh.
"""

from __future__ import annotations

import hashlib
import importlib.util
import os
import uuid
from contextlib import contextmanager
from pathlib import Path
from typing import Callable, Iterator

import psycopg
from sqlalchemy import create_engine

ADMIN_DSN = os.environ.get("BENCH_PG_ADMIN_DSN", "postgresql://postgres@127.0.0.1:5432/postgres")
MIGRATIONS = Path(__file__).resolve().parents[2] / "migrations" / "versions"
SEARCH_MIGRATIONS = (
    "0011_search_document.py",
    "0017_search_order_and_removals.py",
    "0019_search_filter_order.py",
    "0020_search_lexemes.py",
)


def _dsn(name: str) -> str:
    return ADMIN_DSN.rsplit("/", 1)[0] + "/" + name


def _admin(sql: str) -> None:
    with psycopg.connect(ADMIN_DSN, autocommit=True) as conn:
        conn.execute(sql)


def template_name(corpus_key: str) -> str:
    digest = hashlib.sha256(corpus_key.encode())
    for name in SEARCH_MIGRATIONS:
        digest.update((MIGRATIONS / name).read_bytes())
    return f"bench_search_tpl_{corpus_key.replace('-', '_')}_{digest.hexdigest()[:10]}"


@contextmanager
def search_database(
    fill: Callable[[str], object] | None = None, cache_key: str | None = None
) -> Iterator[tuple[str, bool]]:
    """Yield (DSN, filled here) of a fresh database with the search table, dropped afterwards. With `fill`
    and `cache_key`, the database is a copy of a kept template filled once by `fill(dsn)`."""
    name = f"bench_search_{uuid.uuid4().hex[:10]}"
    filled_here = False
    if fill is not None and cache_key:
        template = template_name(cache_key)
        with psycopg.connect(ADMIN_DSN, autocommit=True) as conn:
            exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", (template,)).fetchone()
        if not exists:
            building = f"{template}_building"
            _admin(f"DROP DATABASE IF EXISTS {building} WITH (FORCE)")
            _admin(f"CREATE DATABASE {building}")
            _migrate(_dsn(building))
            fill(_dsn(building))
            filled_here = True
            _admin(f"ALTER DATABASE {building} RENAME TO {template}")
        _admin(f"CREATE DATABASE {name} TEMPLATE {template} STRATEGY FILE_COPY")
    else:
        _admin(f"CREATE DATABASE {name}")
        _migrate(_dsn(name))
        if fill is not None:
            fill(_dsn(name))
            filled_here = True
    try:
        yield _dsn(name), filled_here
    finally:
        _admin(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


def _migrate(dsn: str) -> None:
    from alembic.migration import MigrationContext
    from alembic.operations import Operations

    engine = create_engine(dsn.replace("postgresql://", "postgresql+psycopg://"))
    for name in SEARCH_MIGRATIONS:
        spec = importlib.util.spec_from_file_location(f"migration_{name[:4]}", MIGRATIONS / name)
        assert spec and spec.loader
        migration = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(migration)
        with engine.begin() as connection, Operations.context(MigrationContext.configure(connection)):
            migration.upgrade()
    engine.dispose()
