"""In Chromium: the search words that led to a leaflet are boxed on its photo."""
from __future__ import annotations

import pytest

from tests.test_leaflet_highlight import leaflet_with_words


@pytest.mark.browser
def test_hit_is_boxed_on_the_photo(live_app, live_server, desktop_page):
    with live_app.app_context():
        leaflet_id = leaflet_with_words().id
    page = desktop_page
    page.goto(f"{live_server.url}/leaflets/{leaflet_id}?highlight=potholes")
    box = page.locator(".ocr-box-hit")
    box.wait_for(state="visible")
    photo = page.locator("main img").first.bounding_box()
    drawn = box.bounding_box()
    scale = photo["width"] / 300
    assert abs(drawn["x"] - (photo["x"] + 110 * scale - 2)) < 3
    assert abs(drawn["width"] - (140 * scale + 4)) < 3
