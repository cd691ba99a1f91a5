"""A throwaway PostgreSQL database holding the search table (the real migrations), for PostgresBackend.

Filling 100,000 leaflets takes minutes, so a filled database is kept as a template named for the corpus and
the search migrations (`bench_search_tpl_<size>_<hash>`); later runs copy it (CREATE DATABASE ... TEMPLATE,
a file copy). A changed migration or corpus gets a new name; `--no-cache` fills afresh.
"""

from __future__ import annotations

import hashlib
import importlib.util
from contextlib import contextmanager
from pathlib import Path
from typing import Callable, Iterator

from sqlalchemy import create_engine

from bench import databases
from search.postgres_backend import PostgresBackend

MIGRATIONS = Path(__file__).resolve().parents[2] / "migrations" / "versions"
SEARCH_MIGRATIONS = (
    "0011_search_document.py",
    "0017_search_order_and_removals.py",
    "0019_search_filter_order.py",
    "0020_search_lexemes.py",
    "0022_search_filter_keys.py",
)


def template_name(corpus_key: str) -> str:
    digest = hashlib.sha256(corpus_key.encode())
    for name in SEARCH_MIGRATIONS:
        digest.update((MIGRATIONS / name).read_bytes())
    return f"bench_search_tpl_{corpus_key.replace('-', '_')}_{digest.hexdigest()[:10]}"


def filler(docs: list) -> Callable[[str], None]:
    """A `fill` for search_database: the documents indexed by PostgresBackend.rebuild, as the app does."""

    def fill(dsn: str) -> None:
        backend = PostgresBackend(dsn)
        try:
            backend.rebuild(docs)
        finally:
            backend.close()

    return fill


@contextmanager
def search_database(
    fill: Callable[[str], object] | None = None, cache_key: str | None = None
) -> Iterator[tuple[str, bool]]:
    """Yield (DSN, filled here) of a fresh database with the search table, dropped afterwards. With `fill`
    and `cache_key`, the database is a copy of a kept template filled once by `fill(dsn)`."""
    filled_here = False
    if fill is not None and cache_key:
        template = template_name(cache_key)
        if not databases.exists(template):
            building = f"{template}_building"
            databases.drop(building)
            databases.admin(f"CREATE DATABASE {building}")
            _migrate(databases.url_of(building))
            fill(databases.url_of(building))
            filled_here = True
            databases.admin(f"ALTER DATABASE {building} RENAME TO {template}")
        name = databases.create("bench_search", template)
    else:
        name = databases.create("bench_search")
        _migrate(databases.url_of(name))
        if fill is not None:
            fill(databases.url_of(name))
            filled_here = True
    try:
        yield databases.url_of(name), filled_here
    finally:
        databases.drop(name)


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
