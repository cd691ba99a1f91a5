"""PostgresBackend at scale reads through its indexes (issue 13 item 6): the GIN index on tsv finds the
matches of a word, and a word most leaflets hold is paged by walking the newest-order index, so a page reads
about a page of tsvectors. Checked with PostgreSQL's own EXPLAIN of the statements a search runs."""

from __future__ import annotations

from datetime import date

import pytest

from search import PostgresBackend, SearchQuery

pytestmark = pytest.mark.postgres


@pytest.fixture(scope="module")
def scaled(pg_dsn, make_doc):
    backend = PostgresBackend(pg_dsn)
    backend.rebuild(
        make_doc(
            i,
            text=f"council budget leaflet {i} "
            + ("hedgehog crossing " if i % 500 == 0 else "")
            + "word " * 200,
            delivered_on=date(2024, 1 + i % 12, 1 + i % 28),
        )
        for i in range(1, 4001)
    )  # the rebuild ends with ANALYZE, so the planner knows how common each word is
    yield backend
    backend.rebuild([])
    backend.close()


def test_a_rare_word_is_found_through_the_gin_index(scaled):
    plans = scaled.explain(SearchQuery(text="hedgehog"))
    assert plans and all("document_tsv" in plan for plan in plans), plans
    assert not any("Seq Scan" in plan for plan in plans)
    results = scaled.search(SearchQuery(text="hedgehog"))
    assert results.total == 8 and not results.total_is_estimate


def test_a_common_word_is_counted_by_the_gin_index_and_paged_down_the_newest_index(scaled):
    plans = scaled.explain(SearchQuery(text="council", page=3))
    count, page = plans[0], plans[-1]  # the capped count first, the page last
    assert "document_tsv" in count and "Seq Scan" not in count
    assert "document_newest_order" in page and "Sort" not in page  # rows come in order, no sort of all
    results = scaled.search(SearchQuery(text="council", page=3))
    assert results.total_is_estimate and results.has_more and len(results.hits) == 20
    assert [h.leaflet_id for h in results.hits] == list(scaled.ids(SearchQuery(text="council")))[40:60]


def test_a_phrase_in_most_leaflets_is_paged_down_the_newest_index(scaled):
    page = scaled.explain(SearchQuery(text='"council budget"'))[-1]
    assert "document_newest_order" in page and "<->" in page  # positions checked row by row, in order
