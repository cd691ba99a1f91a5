"""PostgresBackend keeps a search's facet counts briefly (scale): its own writes drop them at once, another
process's writes show once FACET_TTL_S has passed; totals and hits are never kept."""

from __future__ import annotations

import pytest

import search.postgres_backend as pg
from search import PostgresBackend, SearchQuery

pytestmark = pytest.mark.postgres


def party_facet(backend: PostgresBackend, text: str = "potholes") -> dict[str, int]:
    return dict(backend.search(SearchQuery(text=text)).facets["party"])


def test_facets_follow_this_process_writes_and_others_after_the_ttl(pg_dsn, make_doc, monkeypatch) -> None:
    reader, writer = PostgresBackend(pg_dsn), PostgresBackend(pg_dsn)  # two processes' views of one table
    try:
        reader.rebuild([make_doc(1, text="fix the potholes"), make_doc(2, text="potholes", party="green")])
        assert party_facet(reader) == {"labour": 1, "green": 1}
        reader.index([make_doc(3, text="more potholes")])  # its own write: no stale counts
        assert party_facet(reader) == {"labour": 2, "green": 1}

        writer.index([make_doc(4, text="potholes again", party="green")])
        results = reader.search(SearchQuery(text="potholes"))
        assert results.total == 4  # hits and totals are always fresh
        assert dict(results.facets["party"]) == {"labour": 2, "green": 1}  # counts kept for FACET_TTL_S
        monkeypatch.setattr(pg, "FACET_TTL_S", 0.0)
        assert party_facet(reader) == {"labour": 2, "green": 2}
        assert party_facet(reader, "fix") == {"labour": 1}  # a different search has counts of its own
    finally:
        reader.close()
        writer.close()


def test_the_cache_is_bounded(pg_dsn, make_doc, monkeypatch) -> None:
    monkeypatch.setattr(pg, "FACET_CACHE_SIZE", 3)
    backend = PostgresBackend(pg_dsn)
    try:
        backend.rebuild([make_doc(1, text="alpha beta gamma delta epsilon")])
        for word in ("alpha", "beta", "gamma", "delta", "epsilon"):
            assert party_facet(backend, word) == {"labour": 1}
        assert len(backend._facet_cache) == 3
    finally:
        backend.close()
