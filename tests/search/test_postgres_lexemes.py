"""PostgresBackend keeps a table of its lexemes and their document counts (migration 0020) through index,
delete and rebuild, and "did you mean" reads it instead of scanning every tsvector with ts_stat."""

from __future__ import annotations

import threading

import psycopg
import pytest

from search import PostgresBackend, SearchQuery

pytestmark = pytest.mark.postgres


def kept(dsn: str) -> dict[str, int]:
    with psycopg.connect(dsn) as conn:
        return dict(conn.execute("SELECT word, ndoc FROM search.lexeme").fetchall())


def counted(dsn: str) -> dict[str, int]:
    """The counts read the slow way, from every document."""
    with psycopg.connect(dsn) as conn:
        return dict(
            conn.execute("SELECT word, ndoc FROM ts_stat('SELECT tsv FROM search.document')").fetchall()
        )


def suggestion(dsn: str, text: str) -> str | None:
    reader = PostgresBackend(dsn)  # another process: nothing cached
    try:
        return reader.search(SearchQuery(text=text)).suggestion
    finally:
        reader.close()


def test_counts_follow_index_delete_and_rebuild(pg_dsn, make_doc) -> None:
    backend = PostgresBackend(pg_dsn)
    try:
        backend.rebuild([make_doc(1, text="police cuts"), make_doc(2, text="police station")])
        assert kept(pg_dsn) == counted(pg_dsn)
        assert kept(pg_dsn)["polic"] == 2
        assert suggestion(pg_dsn, "polise") == "police"

        backend.index([make_doc(3, text="more police"), make_doc(1, text="pothole repairs")])  # new, changed
        assert kept(pg_dsn) == counted(pg_dsn)
        assert kept(pg_dsn)["polic"] == 2 and kept(pg_dsn)["pothol"] == 1
        backend.index([make_doc(4, text="potholes everywhere"), make_doc(5, text="potholes again")])
        # a real word of the stem, as a leaflet spells it (which leaflet is read is the heap's order)
        assert suggestion(pg_dsn, "pothoels") in ("pothole", "potholes")

        backend.delete([2, 3])
        backend.index([make_doc(4, text="x", status="removed")])  # a removal through index()
        assert kept(pg_dsn) == counted(pg_dsn)
        assert "polic" not in kept(pg_dsn)  # no document holds it: its row goes, not a count of 0
        assert suggestion(pg_dsn, "polise") is None

        with psycopg.connect(pg_dsn) as conn:  # counts gone wrong (say, a manual edit): a rebuild recounts
            conn.execute("UPDATE search.lexeme SET ndoc = ndoc + 7")
            conn.execute("INSERT INTO search.lexeme VALUES ('stale', 3)")
        backend.rebuild([make_doc(6, text="bin collections"), make_doc(7, text="bins")])
        assert kept(pg_dsn) == counted(pg_dsn) == {"bin": 2, "collect": 1, "leaflet": 2, "6": 1, "7": 1}
    finally:
        backend.close()


def test_the_backend_reads_its_own_writes_at_once(pg_dsn, make_doc) -> None:
    backend = PostgresBackend(pg_dsn)
    try:
        backend.rebuild([make_doc(1, text="housing")])
        assert backend.search(SearchQuery(text="budgat")).suggestion is None  # the vocabulary is now cached
        backend.index([make_doc(2, text="budget cuts")])
        assert backend.search(SearchQuery(text="budgat")).suggestion == "budget"
        backend.delete([2])
        assert backend.search(SearchQuery(text="budgat")).suggestion is None
    finally:
        backend.close()


def test_concurrent_writers_keep_exact_counts(pg_dsn, make_doc) -> None:
    first = PostgresBackend(pg_dsn)
    first.rebuild([])
    first.close()
    errors: list[BaseException] = []

    def write(first: int) -> None:
        writer = PostgresBackend(pg_dsn)
        try:
            for n in range(first, first + 40, 2):  # the same leaflets rewritten by both writers
                writer.index([make_doc(n % 25 + 1, text=f"word{n % 7} shared cuts {first}")])
                if n % 5 == 0:
                    writer.delete([n % 25 + 1])
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)
        finally:
            writer.close()

    threads = [threading.Thread(target=write, args=(first,)) for first in (0, 1, 2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors
    assert kept(pg_dsn) == counted(pg_dsn)
    assert kept(pg_dsn)["share"] > 0
