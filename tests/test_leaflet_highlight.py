"""A search hit opens the leaflet with the matching words marked in the text and boxed on the photo."""

from __future__ import annotations

from tests.factories import leaflet_with_words


def test_stemmed_search_terms_are_marked_in_the_text(app, client):
    leaflet = leaflet_with_words()
    page = client.get(f"/leaflets/{leaflet.id}?highlight=pothole").get_data(as_text=True)
    assert (
        '<mark class="w search-hit" data-box="110,50,140,30" title="Matches your search">potholes</mark>'
        in page
    )
    assert page.count("search-hit") == 1
    assert "<script>alert(1)</script>" not in page and "&lt;script&gt;" in page


def test_no_highlight_without_a_search(app, client):
    leaflet = leaflet_with_words()
    page = client.get(f"/leaflets/{leaflet.id}").get_data(as_text=True)
    assert "search-hit" not in page and '<span class="w" data-box="110,50,140,30">potholes</span>' in page
