"""The /search page and the index kept true: facets that narrow, escaping, hidden leaflets, 503 and repair.

Helpers here (add_leaflet, moderator, flush) are shared by the other search test files.
"""

from __future__ import annotations

import gc
import re
import shutil
from datetime import date
from pathlib import Path

import pytest
from flask import Flask
from sqlalchemy import select

from leaflets import runtime
from leaflets.extensions import db
from leaflets.models import Leaflet, LeafletTag, Tag
from leaflets.services import indexing, moderation, review
from tests.factories import moderator, uploaded_leaflet
from tests.support import each_backend, flush, hit_ids, wait_until


# Storage-sensitive tests also run in the scale configuration: PostgreSQL holds the data and the index.
@each_backend
def test_search_page_finds_narrows_and_names_facets(configured):
    client = configured.test_client()
    bins = uploaded_leaflet("Weekly bin collections restored", party="labour", title="Bins")
    uploaded_leaflet("More bins for the high street", party="green", area="W07000089", title="Street bins")
    uploaded_leaflet("Potholes everywhere", party="green")
    flush()

    page = client.get("/search?q=bin")
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert sorted(hit_ids(html)) == sorted([bins, bins + 1])
    assert '<label for="q">' in html
    assert "2 leaflets match" in html
    assert "<mark>bin</mark>" in html or "<mark>bins</mark>" in html
    assert "Labour Party" in html and "Cardiff East" in html  # names, not slugs or GSS codes, in the facets
    assert 'href="/search?q=bin&amp;party=labour"' in html
    assert f"/leaflets/{bins}?highlight=bin" in html
    assert "/feeds/search.atom?q=bin" in html

    narrowed = client.get("/search?q=bin&party=labour").get_data(as_text=True)
    assert hit_ids(narrowed) == [bins]
    assert "(remove this filter)" in narrowed
    assert 'href="/search?q=bin"' in narrowed  # the chip and the chosen facet link take the filter off again
    assert hit_ids(client.get("/search?q=bin&party=conservative").get_data(as_text=True)) == []
    newest = client.get("/search?party=green&sort=newest").get_data(as_text=True)
    assert hit_ids(newest) == [bins + 2, bins + 1]


def test_ocr_text_with_markup_is_escaped_in_the_page(client):
    uploaded_leaflet('Vote <script>alert("x")</script> for <b>potholes</b> & "buses"', title="<i>Title</i>")
    flush()
    html = client.get("/search?q=potholes").get_data(as_text=True)
    assert "<script>alert" not in html and "<b>" not in html and "<i>Title" not in html
    assert "&lt;script&gt;alert" in html
    assert "<mark>potholes</mark>" in html
    assert "&lt;i&gt;Title&lt;/i&gt;" in html


@pytest.mark.parametrize(
    "query, message",
    [
        ("q=%22unclosed", "quote"),
        ("q=(bins", "bracket"),
        ("q=*ins", "wildcard"),
        ("from=yesterday", "2024-06-01"),
        ("page=0", "Page"),
        ("page=x", "Page"),
        ("sort=best", "Sort"),
        ("from=2024-06-02&to=2024-06-01", "start date"),
    ],
)
def test_bad_queries_are_400_with_a_readable_message(client, query, message):
    response = client.get(f"/search?{query}")
    html = response.get_data(as_text=True)
    assert response.status_code == 400
    assert 'class="error-message"' in html and message.lower() in html.lower()
    assert '<label for="q">' in html  # the form is still there to try again


def test_did_you_mean_pagination_and_estimate_wording(app, client):
    for n in range(23):
        uploaded_leaflet(f"Council housing plan number {n}")
    flush()
    first = client.get("/search?q=housing").get_data(as_text=True)
    assert "23 leaflets match" in first and "Page 1 of 2" in first and 'rel="next"' in first
    second = client.get("/search?q=housing&page=2").get_data(as_text=True)
    assert len(hit_ids(second)) == 3 and 'rel="prev"' in second
    typo = client.get("/search?q=housng").get_data(as_text=True)
    assert "Did you mean" in typo and 'href="/search?q=housing"' in typo


@each_backend
def test_index_follows_tags_claims_corrections_and_metadata(configured):
    client = configured.test_client()
    leaflet_id = uploaded_leaflet("Save our library", party="labour")
    user = moderator()
    leaflet = db.session.get(Leaflet, leaflet_id)
    review.add_tag(leaflet, user, "education")
    flush()
    assert hit_ids(client.get("/search?tag=education").get_data(as_text=True)) == [leaflet_id]

    review.add_claim(leaflet, user, "Library visits doubled since 2019")
    image_id = db.session.get(Leaflet, leaflet_id).images[0].id
    review.correct_ocr(db.session.get(Leaflet, leaflet_id), image_id, user, "Save our swimming pool")
    moderation.edit_details(
        leaflet_id,
        user,
        party="green",
        area="W07000089",
        election="ge-2024",
        delivered_on=date(2024, 6, 20),
        reason="wrong party",
    )
    flush()
    assert hit_ids(client.get("/search?q=doubled").get_data(as_text=True)) == [leaflet_id]

    def found(query: str) -> list[int]:
        return hit_ids(client.get(f"/search?{query}").get_data(as_text=True))

    assert found("q=swimming&party=green&area=W07000089") == [leaflet_id]
    assert found("q=library&party=labour") == []
    assert found("q=library") == [leaflet_id]  # the claim still says it


@each_backend
def test_hidden_leaflets_leave_results_facets_and_counts(configured):
    client = configured.test_client()
    kept = uploaded_leaflet("Cleaner rivers now", party="labour")
    hidden = uploaded_leaflet("Cleaner rivers soon", party="green")
    flush()
    assert "Green Party" in client.get("/search?q=rivers").get_data(as_text=True)
    user = moderator()
    moderation.set_status(hidden, user, "hide", "duplicate photo")
    flush()
    html = client.get("/search?q=rivers").get_data(as_text=True)
    assert hit_ids(html) == [kept] and "1 leaflet matches" in html and "Green Party" not in html
    moderation.set_status(hidden, user, "restore")
    flush()
    assert sorted(hit_ids(client.get("/search?q=rivers").get_data(as_text=True))) == [kept, hidden]


def test_leaflet_changed_never_raises_and_logs_the_leaflet(app, caplog, monkeypatch):
    leaflet_id = uploaded_leaflet("Fine words")

    def broken(docs):
        raise OSError("disk full")

    monkeypatch.setattr(runtime.search_backend(), "index", broken)
    indexing.leaflet_changed(leaflet_id)  # does not raise
    failures = [r for r in caplog.records if r.getMessage() == "search index update failed"]
    assert failures and failures[0].leaflet_id == leaflet_id
    assert db.session.get(Leaflet, leaflet_id).title == ""  # the session still works for the caller


def test_missing_index_is_503_for_search_only_and_rebuild_repairs_it(app, client, runner):
    leaflet_id = uploaded_leaflet("Affordable homes for local families")
    flush()
    assert client.get("/search?q=homes").status_code == 200
    shutil.rmtree(app.config["INDEX_DIR"])
    # the Whoosh backend looks at its files again at most every 0.25 s
    page = wait_until(lambda: (answer := client.get("/search?q=homes")).status_code == 503 and answer)
    assert page.status_code == 503 and "Search is unavailable right now" in page.get_data(as_text=True)
    api = client.get("/api/v1/search?q=homes")
    assert api.status_code == 503 and api.get_json()["error"]["code"] == "search_unavailable"
    assert client.get("/").status_code == 200
    assert client.get(f"/leaflets/{leaflet_id}").status_code == 200
    uploaded_leaflet(
        "Uploads keep working while search is down"
    )  # leaflet_changed logs, never fails the upload

    result = runner.invoke(args=["search", "rebuild"])
    assert result.exit_code == 0, result.output
    page = client.get("/search?q=homes")
    assert page.status_code == 200 and hit_ids(page.get_data(as_text=True)) == [leaflet_id]
    assert runner.invoke(args=["search", "check"]).exit_code == 0


# Whoosh 2.7 leaves the table-of-contents file of a corrupt index open when it fails to read it.
@pytest.mark.filterwarnings("ignore::ResourceWarning", "ignore::pytest.PytestUnraisableExceptionWarning")
def test_corrupt_index_at_startup_is_503_until_rebuilt(make_app, tmp_path: Path):
    first = make_app()
    with first.app_context():
        leaflet_id = uploaded_leaflet("Free school meals for every child")
        flush()
    from leaflets.services_setup import shutdown

    shutdown(first)
    for path in Path(first.config["INDEX_DIR"]).rglob("*"):
        if path.is_file():
            path.write_bytes(b"not a whoosh segment")

    second: Flask = make_app()  # creating the app does not fail on a broken index
    with second.app_context():
        client = second.test_client()
        assert client.get("/search?q=meals").status_code == 503
        assert client.get("/").status_code == 200
        assert second.test_cli_runner().invoke(args=["search", "rebuild"]).exit_code == 0
        page = client.get("/search?q=meals")
        assert page.status_code == 200 and hit_ids(page.get_data(as_text=True)) == [leaflet_id]
    gc.collect()  # close the leaked file inside this test, where the warning is expected


def test_index_files_deleted_before_startup_answer_503_not_empty_results(make_app):
    first = make_app()
    with first.app_context():
        uploaded_leaflet("Longer opening hours at the surgery")
        flush()
    from leaflets.services_setup import shutdown

    shutdown(first)
    shutil.rmtree(first.config["INDEX_DIR"])
    second = make_app()
    with second.app_context():
        client = second.test_client()
        response = client.get("/search?q=surgery")
        assert response.status_code == 503
        assert second.config["INDEX_DIR"] not in response.get_data(as_text=True)  # no file paths shown
        second.test_cli_runner().invoke(args=["search", "rebuild"])
        assert client.get("/search?q=surgery").status_code == 200


def test_a_fresh_site_searches_without_a_rebuild(client):
    assert client.get("/search?q=anything").status_code == 200
    leaflet_id = uploaded_leaflet("First leaflet on a new site")
    flush()
    assert hit_ids(client.get("/search?q=leaflet").get_data(as_text=True)) == [leaflet_id]


def test_tag_rows_written_directly_show_after_leaflet_changed(app, client):
    leaflet_id = uploaded_leaflet("Tagged later")
    tag = db.session.scalar(select(Tag).where(Tag.slug == "housing"))
    db.session.add(LeafletTag(leaflet_id=leaflet_id, tag_id=tag.id))
    db.session.commit()
    indexing.leaflet_changed(leaflet_id)
    flush()
    html = client.get("/search?q=tagged").get_data(as_text=True)
    assert "Housing" in html and "tag=housing" in html


def test_atom_feed_of_a_search(client):
    newer = uploaded_leaflet("Night buses <every> hour", party="green", delivered_on="2024-06-22")
    older = uploaded_leaflet("Night buses at weekends", party="green", delivered_on="2024-06-02")
    uploaded_leaflet("Night buses for all", party="labour")
    flush()
    response = client.get("/feeds/search.atom?q=buses&party=green&sort=relevance&page=3")
    xml = response.get_data(as_text=True)
    assert response.status_code == 200 and response.content_type.startswith("application/atom+xml")
    assert re.findall(r"<id>http://localhost/leaflets/(\d+)</id>", xml) == [str(newer), str(older)]
    assert "<title>Leaflets matching “buses”, Green Party · Straight Choice</title>" in xml
    assert "&lt;mark&gt;" not in xml and "Night buses &lt;every&gt; hour" in xml  # plain text, escaped once
    assert 'href="http://localhost/feeds/search.atom?q=buses&amp;party=green"' in xml
    assert client.get("/feeds/search.atom?q=(buses").status_code == 400


def test_estimated_totals_read_about(app, client, monkeypatch):
    leaflet_id = uploaded_leaflet("Estimated totals")
    flush()
    backend = runtime.search_backend()
    real = backend.search

    def estimating(query):
        results = real(query)
        results.total, results.total_is_estimate = 12_300, True
        return results

    monkeypatch.setattr(backend, "search", estimating)
    html = client.get("/search?q=estimated").get_data(as_text=True)
    assert "About 12,300 leaflets match" in html
    assert hit_ids(html) == [leaflet_id]
    assert 'rel="next"' not in html and "Page 1" not in html  # the pager offers only pages that hold hits
    body = client.get("/api/v1/search?q=estimated").get_json()
    assert body["total"] == 12_300 and body["total_is_estimate"] is True
