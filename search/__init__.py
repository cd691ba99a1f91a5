"""Full-text search over leaflets: documents in, ranked hits with snippets and facet counts out.

Never imports Flask or the app. See search/README.md and search/query.py for the query language.
"""

from .types import (
    FACET_NAMES,
    Hit,
    IndexUnavailable,
    QueryError,
    Results,
    SearchBackend,
    SearchDocument,
    SearchQuery,
)
from .whoosh_backend import WhooshBackend


def __getattr__(name: str):
    if name == "PostgresBackend":  # psycopg is only imported when PostgreSQL is used
        from .postgres_backend import PostgresBackend

        return PostgresBackend
    raise AttributeError(name)


__all__ = [
    "FACET_NAMES",
    "Hit",
    "IndexUnavailable",
    "PostgresBackend",
    "QueryError",
    "Results",
    "SearchBackend",
    "SearchDocument",
    "SearchQuery",
    "WhooshBackend",
]
