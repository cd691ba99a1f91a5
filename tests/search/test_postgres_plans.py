"""PostgresBackend at scale reads through its indexes (issue 13 item 6): the GIN index on tsv finds the
matches of a word, and a word most leaflets hold is paged by walking the newest-order index, so a page reads
about a page of tsvectors; a deep page of a word a third of them hold is sorted from a window of the newest
leaflets; a filter alone walks its value's own newest-order index (migration 0019). Checked with PostgreSQL's
own EXPLAIN of the statements a search runs."""

from __future__ import annotations

from dataclasses import replace
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
            + ("pothole " if i % 3 == 0 else "")
            + "word " * 200,
            delivered_on=date(2024, 1 + i % 12, 1 + i % 28),
            election="ge-2024" if i % 4 else "local-2025",
        )
        for i in range(1, 4001)
    )  # the rebuild ends with ANALYZE, so the planner knows how common each word is
    yield backend
    backend.rebuild([])
    backend.close()


def test_a_rare_word_is_found_through_the_gin_index(scaled):
    lexeme, *plans = scaled.explain(SearchQuery(text="hedgehog"))
    assert "lexeme_pkey" in lexeme, lexeme  # how many hold the word: too few to skip the count
    assert plans and all("document_tsv" in plan for plan in plans), plans
    assert not any("Seq Scan" in plan for plan in plans)
    results = scaled.search(SearchQuery(text="hedgehog"))
    assert results.total == 8 and not results.total_is_estimate
    assert results.facets["election"] == [("local-2025", 8)]  # counted exactly, in the page's statement
    past = scaled.search(SearchQuery(text="hedgehog", page=2, sort="newest"))  # no page: counted alone
    assert not past.hits and past.facets["election"] == [("local-2025", 8)]


def test_a_common_word_is_counted_from_the_lexeme_table_and_paged_down_the_newest_index(scaled):
    plans = scaled.explain(SearchQuery(text="council", page=3))
    count, page = plans[0], plans[-1]  # the count first, the page last
    assert "lexeme_pkey" in count and "document" not in count, count
    assert not any("document_tsv" in plan for plan in plans), plans  # no GIN bitmap of every match
    assert "document_newest_order" in page and "Sort" not in page  # rows come in order, no sort of all
    results = scaled.search(SearchQuery(text="council", page=3))
    assert results.total == 4000  # every leaflet holds it: the table's count is exact
    assert results.total_is_estimate and results.has_more and len(results.hits) == 20
    assert [h.leaflet_id for h in results.hits] == list(scaled.ids(SearchQuery(text="council")))[40:60]


def test_a_words_document_count_is_kept_until_this_process_writes(scaled, pg_dsn, make_doc, monkeypatch):
    """The lexeme table's count of a search's words, and a small filter's count, are kept LEXEME_TTL_S (a
    round trip fewer each): another process's new leaflet shows in a common word's total within that time,
    this process's own writes at once. A kept filter count only picks the plan: the total within it is
    counted by the page's statement, exact."""
    import search.postgres_backend as pg

    within = SearchQuery(text="council", election=["local-2025"])
    assert scaled.search(SearchQuery(text="council")).total == 4000
    assert scaled.search(within).total == 1000
    other = PostgresBackend(pg_dsn)  # another web worker
    try:
        other.index([make_doc(9001, text="council", election="local-2025")])
        assert scaled.search(SearchQuery(text="council")).total == 4000  # kept
        counted = scaled.search(within)
        assert counted.total == 1001 and not counted.total_is_estimate
        monkeypatch.setattr(pg, "LEXEME_TTL_S", 0.0)
        assert scaled.search(SearchQuery(text="council")).total == 4001  # read again past the TTL
        monkeypatch.undo()
        scaled.delete([9001])  # its own write: read again at once
        assert scaled.search(SearchQuery(text="council")).total == 4000
    finally:
        scaled.delete([9001])
        other.close()


def test_a_phrase_in_most_leaflets_is_paged_down_the_newest_index(scaled):
    page = scaled.explain(SearchQuery(text='"council budget"'))[-1]
    assert "document_newest_order" in page and "<->" in page  # positions checked row by row, in order


def test_a_deep_page_of_a_word_a_third_hold_is_sorted_from_a_window_of_the_newest(scaled):
    query = SearchQuery(text="pothole", page=30)
    start, page = scaled.explain(query)[-2:]
    assert "Index Only Scan using document_newest_order" in start, start  # where the window begins
    assert "document_tsv" in page and "delivered_on >= " in page, page  # the matches delivered since then
    results = scaled.search(query)
    assert results.total == 1333  # the GIN bitmap's count: exact for a plain word, though not yet certain
    assert results.total_is_estimate and results.has_more
    assert [h.leaflet_id for h in results.hits] == list(scaled.ids(SearchQuery(text="pothole")))[580:600]


def test_a_kept_window_start_still_gives_the_exports_page_after_another_process_writes(
    scaled, pg_dsn, make_doc
):
    """Where a window of the newest leaflets begins is kept a minute (searches with windows alike share one
    read): newer leaflets written since by another process fall inside it, and the page is still the
    export's slice."""
    query = SearchQuery(text="pothole", page=30)
    first = list(scaled.ids(SearchQuery(text="pothole")))[580:600]
    assert [h.leaflet_id for h in scaled.search(query).hits] == first
    other = PostgresBackend(pg_dsn)  # another web worker
    newer = [make_doc(9100 + i, text="pothole", delivered_on=date(2025, 1, 1 + i)) for i in range(30)]
    try:
        other.index(newer)
        every = list(scaled.ids(SearchQuery(text="pothole")))
        assert every[:30] == [doc.leaflet_id for doc in reversed(newer)]
        assert [h.leaflet_id for h in scaled.search(query).hits] == every[580:600]
    finally:
        other.delete([doc.leaflet_id for doc in newer])
        other.close()
        scaled.delete([])  # this process's kept counts dropped, as after any write


def test_a_window_too_narrow_is_read_again_in_full(scaled, monkeypatch):
    import search.postgres_backend as pg

    monkeypatch.setattr(pg, "WINDOW_MARGIN", 0.01)  # a window far too narrow to hold the page
    results = scaled.search(SearchQuery(text="pothole", page=30))
    assert [h.leaflet_id for h in results.hits] == list(scaled.ids(SearchQuery(text="pothole")))[580:600]


def test_a_filter_alone_walks_its_values_newest_order_index(scaled):
    query = SearchQuery(election=["ge-2024"], page=40)
    page = scaled.explain(query)[-1]
    assert "document_election_newest" in page and "Sort" not in page, page
    results = scaled.search(query)
    assert results.total_is_estimate and results.has_more and len(results.hits) == 20
    every = list(scaled.ids(SearchQuery(election=["ge-2024"])))
    assert [h.leaflet_id for h in results.hits] == every[780:800]
    last = scaled.search(SearchQuery(election=["ge-2024"], page=150))  # 3,000 of them: the last page is exact
    assert last.total == 3000 and not last.total_is_estimate and not last.has_more


def test_facets_of_a_large_search_are_scaled_from_a_sample(scaled):
    """About FACET_SAMPLE matches, at the start of each of 8 id ranges, counted and scaled to the total."""
    facets = scaled.search(SearchQuery(text="pothole")).facets  # 1,333 of them: past RANK_LIMIT
    elections = dict(facets["election"])
    assert set(elections) == {"ge-2024", "local-2025"}
    assert 1000 * 0.8 <= elections["ge-2024"] <= 1000 * 1.2, elections  # a third of 3,000
    assert 333 * 0.7 <= elections["local-2025"] <= 333 * 1.3, elections
    within = dict(scaled.search(SearchQuery(text="council", election=["ge-2024"])).facets["election"])
    assert set(within) == {"ge-2024"} and 3000 * 0.8 <= within["ge-2024"] <= 3000 * 1.2, within


def test_a_common_word_within_a_filter_is_estimated_without_counting(scaled):
    """Its lexeme count times the filter's share (common words together: the product of their shares): no
    GIN bitmap of every match, no tsvector read to count."""
    query = SearchQuery(text="council", election=["ge-2024"], page=2)
    plans = scaled.explain(query)
    assert "lexeme_pkey" in plans[0] and not any("document_tsv" in plan for plan in plans), plans
    assert "document_election_newest" in plans[-1] and "Sort" not in plans[-1], plans[-1]
    results = scaled.search(query)
    assert results.total_is_estimate and 3000 * 0.9 <= results.total <= 3000 * 1.1, results.total
    every = list(scaled.ids(SearchQuery(text="council", election=["ge-2024"])))
    assert len(every) == 3000 and [h.leaflet_id for h in results.hits] == every[20:40]
    near = scaled.search(SearchQuery(text="pothole", election=["ge-2024"]))  # about 1,000: counted, ranked
    assert near.total == 1000 and not near.total_is_estimate
    both = scaled.explain(SearchQuery(text="council budget"))  # words that must all be present: the same
    assert "lexeme_pkey" in both[0] and not any("document_tsv" in plan for plan in both), both
    assert scaled.search(SearchQuery(text="council budget")).total == 4000


def test_a_word_within_a_filter_of_at_most_rank_limit_leaflets_is_counted_by_its_page(scaled):
    """local-2025 holds 1,000 leaflets: the page's statement reads them through the election's index, ranks
    and counts the matches; no count of its own builds the common word's GIN bitmap."""
    query = SearchQuery(text="council", election=["local-2025"])
    plans = scaled.explain(query)
    assert not any("document_tsv" in plan for plan in plans), plans
    assert any("Index Only Scan using document_election_newest" in plan for plan in plans), plans
    results = scaled.search(query)
    assert results.total == 1000 and not results.total_is_estimate and results.has_more
    assert all(hit.score > 0 for hit in results.hits)  # ranked by ts_rank, as any search within RANK_LIMIT
    assert results.facets["election"] == [("local-2025", 1000)]


def test_a_ranked_word_within_a_small_filter_reads_each_tsvector_once(scaled):
    """A word every leaflet holds, ranked within local-2025 (1,000 leaflets): `@@` and ts_rank both use one
    copy of each row's tsvector (a subquery of its own), with the same scores and order as the export's
    ts_rank over `tsv` itself. A rare word there is found through the GIN index instead."""
    query = SearchQuery(text="council", election=["local-2025"])
    plans = scaled.explain(query)
    assert any("Subquery Scan on once" in plan and "once.tsv @@" in plan for plan in plans), plans
    results = scaled.search(query)
    assert results.total == 1000 and not results.total_is_estimate
    assert [h.leaflet_id for h in results.hits] == list(scaled.ids(query))[:20]
    with scaled._conn().cursor() as cur:
        cur.execute(
            "SELECT leaflet_id, ts_rank(tsv, to_tsquery('english', 'council')) FROM search.document "
            "WHERE leaflet_id = ANY(%s)",
            ([h.leaflet_id for h in results.hits],),
        )
        direct = dict(cur.fetchall())
    assert all(h.score > 0 for h in results.hits)
    assert {h.leaflet_id: h.score for h in results.hits} == pytest.approx(direct)
    rare = scaled.explain(SearchQuery(text="hedgehog", election=["local-2025"]))
    assert not any("once" in plan for plan in rare) and any("document_tsv" in plan for plan in rare), rare
    assert scaled.search(SearchQuery(text="hedgehog", election=["local-2025"])).total == 8


def test_words_that_must_all_be_present_are_one_tsquery_and_newest_first_ranks_the_page(scaled):
    """One `tsv @@` (a tsvector read per row, not one per word); newest first, ts_rank reads only the page's
    rows, and gives each the score it has in a relevance search."""
    plans = scaled.explain(SearchQuery(text="hedgehog crossing", sort="newest"))
    assert any("@@ '''hedgehog'' & ''cross'''" in plan for plan in plans), plans
    best = scaled.search(SearchQuery(text="hedgehog crossing"))
    newest = scaled.search(SearchQuery(text="hedgehog crossing", sort="newest"))
    assert newest.total == best.total == 8
    assert [h.leaflet_id for h in newest.hits] == list(
        scaled.ids(SearchQuery(text="hedgehog crossing", sort="newest"))
    )
    scores = {h.leaflet_id: h.score for h in best.hits}
    assert all(h.score > 0 for h in newest.hits)
    assert {h.leaflet_id: h.score for h in newest.hits} == pytest.approx(scores)


def test_a_word_within_filters_estimated_near_rank_limit_is_counted_by_its_page(scaled, monkeypatch):
    """pothole within ge-2024 is estimated at 1,000 (at most COUNTED_ESTIMATE): the page's statement reads
    every match once, counts and ranks them, with no count of its own (one GIN bitmap). With a higher
    COUNTED_ESTIMATE, or within filters keeping at most COUNTED_FILTER leaflets (a big area; here both
    elections, 4,000), pothole (1,333) is counted there too: past RANK_LIMIT it is listed newest first (as
    the export lists it), and the total is exact on every page. Within a bigger filter (a big party) it is
    counted to RANK_LIMIT + 1 alone and its total estimated."""
    import search.postgres_backend as pg

    near = SearchQuery(text="pothole", election=["ge-2024"])
    assert sum("document_tsv" in plan for plan in scaled.explain(near)) == 1
    results = scaled.search(near)
    assert results.total == 1000 and not results.total_is_estimate and results.hits[0].score > 0
    past = replace(near, page=60)  # past the last page: the same statement still says how many
    assert sum("document_tsv" in plan for plan in scaled.explain(past)) == 1
    beyond = scaled.search(past)
    assert not beyond.hits and beyond.total == 1000 and not beyond.total_is_estimate
    assert dict(beyond.facets["election"]) == {"ge-2024": 1000}
    query = SearchQuery(text="pothole", election=["ge-2024", "local-2025"], page=2)
    monkeypatch.setattr(pg, "COUNTED_FILTER", 3999)  # one leaflet fewer than the two elections hold
    assert sum("document_tsv" in plan for plan in scaled.explain(query)) > 1
    assert scaled.search(query).total_is_estimate
    for name, value in (("COUNTED_FILTER", 4000), ("COUNTED_ESTIMATE", 2 * pg.RANK_LIMIT)):
        monkeypatch.setattr(pg, "COUNTED_FILTER", 0)
        monkeypatch.setattr(pg, name, value)
        plans = scaled.explain(query)
        assert sum("document_tsv" in plan for plan in plans) == 1, (name, plans)
    results = scaled.search(query)
    assert results.total == 1333 and not results.total_is_estimate and results.has_more
    every = list(scaled.ids(SearchQuery(text="pothole", election=["ge-2024", "local-2025"])))
    assert len(every) == 1333 and [h.leaflet_id for h in results.hits] == every[20:40]
    assert all(h.score == 0 for h in results.hits)  # past RANK_LIMIT: newest first, as a large search
    newest = scaled.search(replace(query, sort="newest"))
    assert [h.leaflet_id for h in newest.hits] == every[20:40]
    assert dict(results.facets["election"]) == {"ge-2024": 1000, "local-2025": 333}  # counted, not sampled


def test_the_facet_sample_of_a_common_word_in_a_large_filter_reads_neither_index(scaled):
    """council within ge-2024 (3,000 leaflets, past RANK_LIMIT): the sample's ids are the only bitmap; the
    election is checked before the tsvector is read (`IS TRUE` keeps it as cheap), and the word, which
    every leaflet holds, is not looked up in the GIN index (its bitmap would hold every leaflet)."""
    plans = scaled.explain(SearchQuery(text="council", election=["ge-2024"]), facets=True)
    sample = plans[-1]
    assert "document_pkey" in sample and "document_tsv" not in sample, sample
    assert "document_election_newest" not in sample, sample
    election, word = sample.index("(election = 'ge-2024'::text) IS TRUE"), sample.index("(tsv @@ ")
    assert election < word, sample  # conditions are checked in the order shown
    results = scaled.search(SearchQuery(text="council", election=["ge-2024"]))
    assert 3000 * 0.8 <= dict(results.facets["election"])["ge-2024"] <= 3000 * 1.2


def test_a_word_within_a_filter_is_one_scan_of_the_gin_index_holding_the_filters_as_keys(scaled):
    """Migration 0022: the words' GIN index also holds each leaflet's party, area, region, nation and
    election as keys, so a word within an election is one index scan (no BitmapAnd with the election's own
    index, which held every leaflet of it), and its matches are the same."""
    query = SearchQuery(text="pothole", election=["ge-2024"])
    plans = scaled.explain(query)
    scans = [plan for plan in plans if "document_tsv_filters" in plan]
    assert scans and all("filter_keys @> '{e:ge-2024}'" in plan for plan in scans), plans
    assert not any("BitmapAnd" in plan for plan in scans), scans
    results = scaled.search(query)
    assert results.total == 1000 and not results.total_is_estimate
    assert all(h.fields["election"] == "ge-2024" for h in results.hits)


def test_a_word_within_keyed_filters_near_rank_limit_is_counted_in_one_gin_scan(scaled, monkeypatch):
    """pothole within ge-2024 (1,000 of its 3,000 leaflets), with the limits set so that it is counted to
    RANK_LIMIT + 1 before its page: through the GIN index alone, the election as its key, not ANDed with
    the election's own index (the planner, counting the filter twice, would)."""
    import search.postgres_backend as pg

    monkeypatch.setattr(pg, "COUNTED_ESTIMATE", 500)
    monkeypatch.setattr(pg, "COUNTED_FILTER", 0)
    query = SearchQuery(text="pothole", election=["ge-2024"])
    plans = scaled.explain(query)
    counts = [plan for plan in plans if plan.startswith("Limit")]  # SELECT 1 ... LIMIT 1001
    assert counts and "filter_keys @> '{e:ge-2024}'" in counts[0], plans
    assert "BitmapAnd" not in counts[0] and "document_election_newest" not in counts[0], counts[0]
    results = scaled.search(query)
    assert results.total == 1000 and not results.total_is_estimate and all(h.score > 0 for h in results.hits)
    assert [h.leaflet_id for h in results.hits] == list(scaled.ids(query))[:20]


def test_a_searchs_lookups_are_read_in_one_round_trip(pg_dsn, scaled, monkeypatch):
    """A fresh process's search of a word within a filter needs the word's document count, the planner's
    estimate of the filter and the filter's count: read together in one pipeline, not as statements of
    their own, and the search finds what it found before."""
    expected = scaled.search(SearchQuery(text="pothole", election=["local-2025"]))
    fresh = PostgresBackend(pg_dsn)
    statements: list[str] = []
    execute = PostgresBackend._execute

    def recorded(self, sql, params, off=()):
        statements.append(sql)
        return execute(self, sql, params, off)

    monkeypatch.setattr(PostgresBackend, "_execute", recorded)
    try:
        results = fresh.search(SearchQuery(text="pothole", election=["local-2025"]))
    finally:
        fresh.close()
    assert not any("search.lexeme" in sql or sql.startswith("EXPLAIN (FORMAT JSON)") for sql in statements)
    assert not any("count(*) FROM (SELECT 1" in sql for sql in statements), statements
    assert results.total == expected.total == 333
    assert [h.leaflet_id for h in results.hits] == [h.leaflet_id for h in expected.hits]


def test_a_large_searchs_facet_sample_is_sent_with_its_page(scaled, monkeypatch):
    """council (every leaflet, past RANK_LIMIT): its page, walked down the newest-order index with the
    bitmap scans switched off, and its facet sample, read with them on, go in one pipeline with the
    switches between them, not as statements of their own; the sample is scaled to the total as before."""
    statements: list[str] = []
    execute = PostgresBackend._execute

    def recorded(self, sql, params, off=()):
        statements.append(sql)
        return execute(self, sql, params, off)

    scaled._facet_cache.clear()
    monkeypatch.setattr(PostgresBackend, "_execute", recorded)
    results = scaled.search(SearchQuery(text="council"))
    assert not any("FROM m UNION ALL" in sql or "JOIN search.document" in sql for sql in statements)
    elections = dict(results.facets["election"])
    assert 3000 * 0.8 <= elections["ge-2024"] <= 3000 * 1.2, elections
    monkeypatch.undo()
    assert [h.leaflet_id for h in results.hits] == list(scaled.ids(SearchQuery(text="council")))[:20]
    assert [h.leaflet_id for h in scaled.search(SearchQuery(text="council", page=3)).hits] == list(
        scaled.ids(SearchQuery(text="council"))
    )[40:60]  # the switches the pipeline left are known: the next page is walked as before
