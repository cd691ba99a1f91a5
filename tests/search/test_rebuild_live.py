"""A rebuild runs beside the live index: searches and writes keep working, and what changed meanwhile
(in this process or another) is in the new index after the swap (issue 10 item 5)."""

from __future__ import annotations

import pytest

from search import SearchQuery, WhooshBackend
from tests.search.conftest import BACKENDS

OLD, NEW = "allotment", "ferry"


def ids(backend, text):
    return sorted(backend.ids(SearchQuery(text=text)))


@pytest.mark.parametrize("procs", [1, 2])
def test_changes_during_a_whoosh_rebuild_are_replayed_before_the_swap(tmp_path, make_doc, procs):
    index_dir = tmp_path / "index"
    backend = WhooshBackend(index_dir)
    other = None
    try:
        backend.rebuild([make_doc(i, text=f"{OLD} leaflet {i}") for i in range(1, 201)])
        seen_during = {}

        def database_rows():
            """The rebuild reads the database; half-way, the archive changes under it."""
            nonlocal other
            for i in range(1, 201):
                yield make_doc(
                    i, text=f"{OLD} leaflet {i}"
                )  # what the database said when the rebuild read it
                if i == 100:
                    backend.index(
                        [
                            make_doc(7, text=f"{NEW} now in leaflet 7", version="v7b"),
                            make_doc(500, text=f"{NEW} uploaded during the rebuild"),
                        ]
                    )
                    backend.delete([150])
                    backend.flush()
                    other = WhooshBackend(index_dir)  # another process's backend (the OCR worker)
                    other.index([make_doc(501, text=f"{NEW} from the worker")])
                    other.flush()
                    seen_during["search"] = ids(backend, NEW)  # searches keep answering from the live index
                    seen_during["old"] = len(ids(backend, OLD))

        assert backend.rebuild(database_rows(), procs=procs) == 200
        assert seen_during == {"search": [7, 500, 501], "old": 198}
        assert ids(backend, NEW) == [7, 500, 501]
        assert 7 not in ids(backend, OLD) and 150 not in ids(backend, OLD) and len(ids(backend, OLD)) == 198
        assert backend.versions()[7] == "v7b"
        backend.index([make_doc(502, text=f"{NEW} after the swap")])  # writes go to the new index
        other.index([make_doc(503, text=f"{NEW} after the swap, from the worker")])
        other.flush()
        backend.flush()
        assert ids(backend, NEW) == [7, 500, 501, 502, 503]
        assert ids(other, NEW) == [7, 500, 501, 502, 503]  # the other process noticed the swapped directory
    finally:
        backend.close()
        if other is not None:
            other.close()


@pytest.mark.parametrize(
    "backend",
    [p for p in BACKENDS if getattr(p, "values", [p])[0] == "postgres" or p == "postgres"],
    indirect=True,
)
def test_changes_during_a_postgres_rebuild_are_kept(backend, make_doc):
    backend.rebuild([make_doc(i, text=f"{OLD} leaflet {i}") for i in range(1, 101)])

    def database_rows():
        for i in range(1, 101):
            yield make_doc(i, text=f"{OLD} leaflet {i}")
            if i == 50:
                backend.index(
                    [
                        make_doc(80, text=f"{NEW} now in leaflet 80", version="v80b"),
                        make_doc(500, text=f"{NEW} uploaded during the rebuild"),
                    ]
                )
                assert ids(backend, NEW) == [80, 500]

    assert backend.rebuild(database_rows()) == 100
    assert ids(backend, NEW) == [80, 500] and backend.versions()[80] == "v80b"
    assert len(ids(backend, OLD)) == 99


@pytest.mark.parametrize(
    "backend",
    [p for p in BACKENDS if getattr(p, "values", [p])[0] == "postgres" or p == "postgres"],
    indirect=True,
)
def test_leaflets_removed_during_a_postgres_rebuild_stay_removed(backend, make_doc, pg_dsn):
    """The rebuild read these leaflets as live, then they were removed before its batch was written
    (in this process and in another): the batch must not bring them back. One removed and restored
    meanwhile keeps its restored text."""
    from search import PostgresBackend

    backend.rebuild([make_doc(i, text=f"{OLD} leaflet {i}") for i in range(1, 101)])
    other = PostgresBackend(pg_dsn)  # another process (the OCR worker, a moderator's request)

    def database_rows():
        for i in range(1, 101):
            yield make_doc(i, text=f"{OLD} leaflet {i}")  # what the database said when the rebuild read it
            if i == 60:  # 10, 20 and 30 were read; their batch of 500 is not written yet
                backend.delete([10])
                other.index([make_doc(20, text=f"{OLD} hidden", status="hidden")])
                other.delete([30])
                backend.index([make_doc(30, text=f"{NEW} restored", version="v30b")])
                assert 10 not in ids(backend, OLD) and 20 not in ids(backend, OLD)

    try:
        assert backend.rebuild(database_rows()) == 100
        found = ids(backend, OLD)
        assert 10 not in found and 20 not in found and 30 not in found and len(found) == 97
        assert ids(backend, NEW) == [30] and backend.versions()[30] == "v30b"
        assert 10 not in backend.versions() and 20 not in backend.versions()
        backend.rebuild([make_doc(10, text=f"{OLD} back again")])  # a later rebuild that sees it live adds it
        assert ids(backend, OLD) == [10]
    finally:
        other.close()
