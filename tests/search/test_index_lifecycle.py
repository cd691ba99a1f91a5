"""Index health and concurrency: corrupt or missing indexes, rebuilds, parallel writers."""

from __future__ import annotations

import shutil
import subprocess
import sys
import textwrap
import threading
import time
from pathlib import Path

import pytest
from sqlalchemy import create_engine

from search import IndexUnavailable, PostgresBackend, SearchQuery, WhooshBackend
from tests.search.conftest import apply_search_migration
from tests.support import wait_until

REPO = Path(__file__).resolve().parents[2]


def docs(make_doc, start, count, word="parkrun"):
    return [make_doc(i, text=f"The {word} leaflet number {i}") for i in range(start, start + count)]


def test_rebuild_replaces_everything_and_reports_progress(backend, make_doc):
    backend.index(docs(make_doc, 1, 5, word="allotments"))
    backend.flush()
    seen = []
    hidden = make_doc(99, text="parkrun hidden", status="hidden")
    count = backend.rebuild(docs(make_doc, 10, 1100) + [hidden], progress=seen.append)
    backend.flush()
    assert count == 1100
    assert seen == [1000, 1101]
    assert backend.search(SearchQuery(text="allotments")).total == 0
    assert backend.search(SearchQuery(text="parkrun")).total == 1100
    assert set(backend.versions()) == set(range(10, 1110))


def test_concurrent_writes_from_threads(backend, make_doc):
    errors = []

    def write(start):
        try:
            for i in range(start, start + 60, 6):
                backend.index(docs(make_doc, i, 6))
        except Exception as exc:  # collected for the assertion below
            errors.append(exc)

    threads = [threading.Thread(target=write, args=(s,)) for s in (1, 1001, 2001)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    backend.flush()
    assert not errors
    assert backend.search(SearchQuery(text="parkrun")).total == 180


def _unavailable(backend: WhooshBackend) -> bool:
    try:
        backend.search(SearchQuery(text="parkrun"))
    except IndexUnavailable:
        return True
    return False


def test_missing_index_is_unavailable_until_rebuilt(tmp_path, make_doc):
    backend = WhooshBackend(tmp_path / "index")
    backend.index(docs(make_doc, 1, 3))
    backend.flush()
    assert backend.search(SearchQuery(text="parkrun")).total == 3
    shutil.rmtree(tmp_path / "index")
    wait_until(lambda: _unavailable(backend), what="the backend to notice its files are gone")
    with pytest.raises(IndexUnavailable, match="rebuild"):
        backend.search(SearchQuery(text="parkrun"))
    backend.rebuild(docs(make_doc, 1, 4))
    assert backend.search(SearchQuery(text="parkrun")).total == 4
    backend.close()


@pytest.mark.filterwarnings("ignore::ResourceWarning")  # Whoosh leaks the file handle of a TOC it cannot read
@pytest.mark.filterwarnings("ignore::pytest.PytestUnraisableExceptionWarning")
def test_corrupt_index_is_unavailable_until_rebuilt(tmp_path, make_doc):
    index_dir = tmp_path / "index"
    with WhooshBackend(index_dir) as backend:
        backend.index(docs(make_doc, 1, 3))
        backend.flush()
    for path in index_dir.rglob("*"):
        if path.is_file():
            path.write_bytes(b"\x00garbage" * 10)
    backend = WhooshBackend(index_dir)  # must not raise: the app still starts and answers 503
    with pytest.raises(IndexUnavailable):
        backend.search(SearchQuery(text="parkrun"))
    assert backend.rebuild(docs(make_doc, 1, 2)) == 2
    assert backend.search(SearchQuery(text="parkrun")).total == 2
    backend.close()


def test_update_is_visible_within_two_seconds(tmp_path, make_doc):
    with WhooshBackend(tmp_path / "index") as backend:
        backend.rebuild(docs(make_doc, 1, 300))
        backend.search(SearchQuery(text="parkrun"))
        start = time.monotonic()
        backend.index([make_doc(500, text="a brand new zebracrossing leaflet")])
        while backend.search(SearchQuery(text="zebracrossing")).total == 0:
            assert time.monotonic() - start < 2.0
            time.sleep(0.01)


def test_two_backends_on_one_index_share_the_lock(tmp_path, make_doc):
    first, second = WhooshBackend(tmp_path / "index"), WhooshBackend(tmp_path / "index")
    for i in range(1, 41, 4):
        first.index(docs(make_doc, i, 4))
        second.index(docs(make_doc, 1000 + i, 4))
    first.flush()
    second.flush()
    wait_until(lambda: first.search(SearchQuery(text="parkrun")).total == 80, what="the other writer's docs")
    first.close()
    second.close()


def test_second_process_writing_at_the_same_time(backend, tmp_path, make_doc, request):
    """The standalone OCR worker writes to the same index while the app does."""
    if isinstance(backend, WhooshBackend):
        opener = f"WhooshBackend({str(backend.index_dir)!r})"
    else:
        opener = f"PostgresBackend({request.getfixturevalue('pg_dsn')!r})"
    script = textwrap.dedent(f"""
        from search import PostgresBackend, SearchDocument, WhooshBackend
        backend = {opener}
        for start in range(5000, 5060, 3):
            ids = range(start, start + 3)
            backend.index([SearchDocument(leaflet_id=i, text="parkrun from the worker") for i in ids])
            backend.flush()
        backend.close()
    """)
    worker = subprocess.Popen(
        [sys.executable, "-W", "error", "-c", script],
        cwd=REPO,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    for start in range(1, 61, 3):
        backend.index(docs(make_doc, start, 3))
        backend.flush()
    out, err = worker.communicate(timeout=60)
    assert worker.returncode == 0, err.decode()
    wait_until(lambda: backend.search(SearchQuery(text="parkrun")).total == 120, what="both processes' docs")


def test_phrase_past_the_check_bound_pages_and_exports_every_match(tmp_path, make_doc, monkeypatch):
    monkeypatch.setattr("search.whoosh_engine.PHRASE_VERIFY_LIMIT", 60)
    monkeypatch.setattr("search.whoosh_engine.PHRASE_SAMPLE", 20)
    holders = {i for i in range(1, 201) if i % 2}
    with WhooshBackend(tmp_path / "index") as backend:
        backend.rebuild(
            [
                make_doc(i, text="council tax is rising" if i in holders else "tax the council now")
                for i in range(1, 201)
            ]
        )
        first = backend.search(SearchQuery(text='"council tax"', per_page=20))
        assert first.total_is_estimate and 70 <= first.total <= 130 and first.has_more
        assert all(h.leaflet_id in holders for h in first.hits) and len(first.hits) == 20
        seen, page = [], 1
        while True:  # follow the pager as a reader would: every offered page is full until the last
            res = backend.search(SearchQuery(text='"council tax"', per_page=20, page=page))
            seen += [h.leaflet_id for h in res.hits]
            assert res.hits and (len(res.hits) == 20 or not res.has_more)
            if not res.has_more:
                break
            assert res.pages > page
            page += 1
        assert page == 5 and len(seen) == len(set(seen)) and set(seen) == holders
        assert res.total == 100 and not res.total_is_estimate and res.pages == 5
        assert list(backend.ids(SearchQuery(text='"council tax"', sort="newest"))) == sorted(
            holders, reverse=True
        )
        assert set(backend.ids(SearchQuery(text='-"council tax"', party=["labour"]))) == set(range(2, 201, 2))
        assert set(backend.ids(SearchQuery(text='(rising OR council) -"council tax"'))) == set(
            range(2, 201, 2)
        )
        exact = backend.search(SearchQuery(text='"council tax"', area=["E14001063"], party=["none"]))
        assert exact.total == 0 and not exact.total_is_estimate and exact.pages == 1


@pytest.mark.postgres
def test_postgres_accepts_a_sqlalchemy_engine(pg_dsn, make_doc):
    engine = create_engine(pg_dsn.replace("postgresql://", "postgresql+psycopg://"))
    backend = PostgresBackend(engine)
    backend.rebuild(docs(make_doc, 1, 3))
    assert backend.search(SearchQuery(text="parkrun")).total == 3
    backend.close()
    engine.dispose()


@pytest.mark.postgres
def test_postgres_missing_table_is_unavailable(pg_dsn, make_doc):
    backend = PostgresBackend(pg_dsn)
    backend._conn().execute("DROP SCHEMA search CASCADE")  # as before `flask db upgrade`
    for action in (
        lambda: backend.search(SearchQuery(text="parkrun")),
        lambda: backend.index(docs(make_doc, 1, 1)),
        lambda: backend.rebuild(docs(make_doc, 1, 2)),
    ):
        with pytest.raises(
            IndexUnavailable, match="flask db upgrade"
        ):  # the backend never makes tables itself
            action()
    apply_search_migration(pg_dsn)
    backend.rebuild(docs(make_doc, 1, 2))
    assert backend.search(SearchQuery(text="parkrun")).total == 2
    backend.close()


def test_empty_index_answers_with_nothing(backend):
    res = backend.search(SearchQuery())
    assert res.total == 0 and res.hits == [] and all(v == [] for v in res.facets.values())
    assert backend.search(SearchQuery(text='"council tax" OR pot*')).total == 0
    assert backend.versions() == {}


def test_facets_across_several_segments(backend, make_doc):
    for i in range(1, 13, 3):  # separate commits make separate segments in Whoosh
        backend.index(
            [
                make_doc(j, text="parkrun", tags=["t%d" % (j % 2)], party="p%d" % (j % 3))
                for j in range(i, i + 3)
            ]
        )
        backend.flush()
    backend.index([make_doc(4, status="hidden")])
    backend.flush()
    facets = backend.search(SearchQuery(text="parkrun")).facets
    assert dict(facets["tag"]) == {"t0": 5, "t1": 6}
    assert dict(facets["party"]) == {"p0": 4, "p1": 3, "p2": 4}


def _answers(backend, queries):
    return [
        [(h.leaflet_id, round(h.score, 4)) for h in backend.search(SearchQuery(text=t, facets=False)).hits]
        for t in queries
    ]


def test_posting_arrays_are_written_per_segment_and_give_the_same_answers(tmp_path, make_doc):
    index_dir = tmp_path / "index"
    queries = [
        "parkrun",
        "leaflet number",
        '"leaflet number 7"',
        '"the zebra crossing"',
        "zebra",
        "parkrun -zebra",
    ]
    with WhooshBackend(index_dir) as backend:
        backend.rebuild(docs(make_doc, 1, 30))
        backend.index([make_doc(99, text="Only here: the zebra crossing on Mill Lane")])  # a second segment
        backend.flush()
        segments = sorted(p.name for p in (index_dir / ".postings").iterdir())
        assert len(segments) == 2 and all((index_dir / ".postings" / s / "FORMAT").exists() for s in segments)
        with_arrays = _answers(backend, queries)
    # a phrase holding a word found in one document only: a one-posting block (W3 never inlines postings)
    assert [hit[0] for hit in with_arrays[3]] == [99]
    shutil.rmtree(index_dir / ".postings")
    with WhooshBackend(index_dir) as backend:  # a fresh reader decodes Whoosh's blocks instead
        assert _answers(backend, queries) == with_arrays


def test_posting_arrays_of_merged_away_segments_are_deleted(tmp_path, make_doc):
    index_dir = tmp_path / "index"
    with WhooshBackend(index_dir) as backend:
        for i in range(1, 13):  # Whoosh merges small segments as they pile up
            backend.index([make_doc(i, text=f"parkrun {i}")])
            backend.flush()
        from whoosh import index as whoosh_index

        live = {s.segment_id() for s in whoosh_index.open_dir(str(index_dir))._segments()}
        assert {p.name for p in (index_dir / ".postings").iterdir()} == live
        assert backend.search(SearchQuery(text="parkrun")).total == 12
