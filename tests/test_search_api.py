"""GET /api/v1/search: hits with escaped snippets, totals, named facets, suggestions, filters, JSON errors."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import event

from leaflets.extensions import db
from leaflets.models import LeafletImage
from leaflets.services import indexing
from tests.factories import uploaded_leaflet
from tests.support import both_databases, flush


@both_databases
def test_search_shape_hits_facets_and_filters(client):
    first = uploaded_leaflet("Protect our green belt <b>now</b>", party="green", area="W07000089")
    second = uploaded_leaflet("Green belt housing plans", party="labour", delivered_on="2024-05-01")
    uploaded_leaflet("Nothing about that here", party="labour")
    flush()

    body = client.get("/api/v1/search?q=%22green+belt%22").get_json()
    assert body["total"] == 2 and body["total_is_estimate"] is False and body["page"] == 1
    assert {hit["leaflet"]["id"] for hit in body["hits"]} == {first, second}
    hit = next(h for h in body["hits"] if h["leaflet"]["id"] == first)
    expected = "Protect our <mark>green</mark> <mark>belt</mark> &lt;b&gt;now&lt;/b&gt;"
    assert hit["highlights"] == [expected]  # both backends make snippets with search/snippets.py
    assert hit["url"].endswith(f"/leaflets/{first}?highlight=green+belt")
    assert hit["leaflet"]["party"]["slug"] == "green" and hit["leaflet"]["images"][0]["urls"]["thumb"]
    assert set(body["facets"]) == {"party", "area", "region", "election", "tag", "verdict", "bias", "year"}
    assert {"value": "green", "label": "Green Party", "count": 1} in body["facets"]["party"]
    assert {"value": "W07000089", "label": "Cardiff East", "count": 1} in body["facets"]["area"]
    assert body["facets"]["year"] == [{"value": "2024", "label": "2024", "count": 2}]

    def ids(query: str) -> list[int]:
        return [h["leaflet"]["id"] for h in client.get(f"/api/v1/search?{query}").get_json()["hits"]]

    assert ids("q=belt&party=green") == [first]
    assert sorted(ids("q=belt&party=green&party=labour")) == sorted([first, second])
    assert ids("q=belt&area=w07000089") == [first]  # GSS codes are not case-sensitive
    assert ids("q=belt&region=Wales") == [first]
    assert ids("q=belt&to=2024-05-31") == [second]
    assert ids("q=belt&party=conservative") == []
    assert ids("party=labour&sort=newest") == [first + 2, second]


def test_paging_and_next_link(client):
    for n in range(5):
        uploaded_leaflet(f"Broadband for village {n}")
    flush()
    body = client.get("/api/v1/search?q=broadband&per_page=2").get_json()
    assert body["total"] == 5 and body["pages"] == 3 and len(body["hits"]) == 2
    assert "page=2" in body["next"] and "per_page=2" in body["next"]
    seen = []
    url = "/api/v1/search?q=broadband&per_page=2"
    while url:
        page = client.get(url).get_json()
        seen += [h["leaflet"]["id"] for h in page["hits"]]
        url = page["next"] and page["next"].replace("http://localhost", "")
    assert sorted(seen) == sorted(set(seen)) and len(seen) == 5


def test_suggestion_for_a_misspelling(client):
    uploaded_leaflet("Hospital parking charges scrapped")
    flush()
    body = client.get("/api/v1/search?q=hospitl").get_json()
    assert body["total"] == 0 and body["suggestion"] == "hospital"


@pytest.mark.parametrize(
    "query",
    [
        "q=%22open",
        "q=(a",
        "q=title:",
        "q=*ward",
        "q=%3Cscript%3E",
        "page=0",
        "per_page=500",
        "from=2024-13-01",
        "sort=popular",
        "q=" + "x" * 600,
    ],
)
def test_bad_queries_are_json_400(client, query):
    response = client.get(f"/api/v1/search?{query}")
    assert response.status_code == 400
    error = response.get_json()["error"]
    assert error["code"] == "bad_query" and error["message"] and "Traceback" not in error["message"]


def test_hidden_leaflet_is_dropped_from_the_api(client):
    from leaflets.extensions import db
    from leaflets.models import Leaflet

    leaflet_id = uploaded_leaflet("Secret tunnel plans")
    flush()
    assert client.get("/api/v1/search?q=tunnel").get_json()["total"] == 1
    db.session.get(Leaflet, leaflet_id).status = "hidden"
    db.session.commit()
    indexing.leaflet_changed(leaflet_id)
    flush()
    body = client.get("/api/v1/search?q=tunnel").get_json()
    assert body["total"] == 0 and body["hits"] == [] and body["facets"]["party"] == []


@both_databases
def test_hits_count_each_photos_word_boxes_without_reading_them(client):
    """A hit's `words` per photo is counted by the database: a page of hits no longer decodes every photo's
    word boxes (JSON, often hundreds a photo) only to count them. One leaflet read alone still counts its
    loaded boxes."""
    leaflet_id = uploaded_leaflet("Count the boxes on this leaflet")
    image = db.session.scalar(db.select(LeafletImage).where(LeafletImage.leaflet_id == leaflet_id))
    image.ocr_words = [
        {"text": word, "left": n, "top": 0, "width": 5, "height": 5}
        for n, word in enumerate(["Count", "the", "boxes"])
    ]
    db.session.commit()
    flush()
    statements: list[str] = []

    def executed(_connection: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        statements.append(statement)

    event.listen(db.engine, "before_cursor_execute", executed)
    try:
        hits = client.get("/api/v1/search?q=boxes").get_json()["hits"]
        listed = client.get("/api/v1/leaflets").get_json()["leaflets"]
    finally:
        event.remove(db.engine, "before_cursor_execute", executed)
    assert [hit["leaflet"]["images"][0]["words"] for hit in hits] == [3]
    assert [leaflet["images"][0]["words"] for leaflet in listed] == [3]
    assert statements and not [s for s in statements if "leaflet_image.ocr_words AS" in s]
    assert client.get(f"/api/v1/leaflets/{leaflet_id}").get_json()["images"][0]["words"] == 3
