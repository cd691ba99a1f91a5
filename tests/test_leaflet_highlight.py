"""A search hit opens the leaflet with the matching words marked in the text and boxed on the photo."""
from __future__ import annotations

from leaflets.extensions import db
from tests.test_browse import add_leaflet

WORDS = [
    {"text": "Fix", "confidence": 95, "left": 40, "top": 50, "width": 60, "height": 30, "block": 1, "paragraph": 1,
     "line": 1},
    {"text": "potholes", "confidence": 93, "left": 110, "top": 50, "width": 140, "height": 30, "block": 1,
     "paragraph": 1, "line": 1},
    {"text": "<script>alert(1)</script>", "confidence": 40, "left": 40, "top": 100, "width": 200, "height": 30,
     "block": 1, "paragraph": 1, "line": 2},
]


def leaflet_with_words():
    leaflet = add_leaflet(title="Roads")
    image = leaflet.images[0]
    image.ocr_status, image.ocr_words, image.ocr_confidence = "done", WORDS, 76.0
    image.ocr_text = "Fix potholes\n<script>alert(1)</script>"
    db.session.commit()
    return leaflet


def test_stemmed_search_terms_are_marked_in_the_text(app, client):
    leaflet = leaflet_with_words()
    page = client.get(f"/leaflets/{leaflet.id}?highlight=pothole").get_data(as_text=True)
    assert '<mark class="w search-hit" data-box="110,50,140,30" title="Matches your search">potholes</mark>' in page
    assert page.count("search-hit") == 1
    assert "<script>alert(1)</script>" not in page and "&lt;script&gt;" in page


def test_no_highlight_without_a_search(app, client):
    leaflet = leaflet_with_words()
    page = client.get(f"/leaflets/{leaflet.id}").get_data(as_text=True)
    assert "search-hit" not in page and '<span class="w" data-box="110,50,140,30">potholes</span>' in page
