"""In Chromium: the search words that led to a leaflet are boxed on its photo, in OCR text and corrected
text."""

from __future__ import annotations

from typing import Any

import pytest

from leaflets.extensions import db
from tests.factories import leaflet_with_words


def assert_boxed_where_potholes_was_read(page: Any, url: str) -> None:
    page.goto(url)
    box = page.locator(".ocr-box-hit")
    box.wait_for(state="visible")
    photo = page.locator("main img").first.bounding_box()
    drawn = box.bounding_box()
    scale = photo["width"] / 300
    assert abs(drawn["x"] - (photo["x"] + 110 * scale - 2)) < 3
    assert abs(drawn["width"] - (140 * scale + 4)) < 3


@pytest.mark.browser
def test_hit_is_boxed_on_the_photo(live_app, live_server, desktop_page):
    with live_app.app_context():
        leaflet_id = leaflet_with_words().id
    assert_boxed_where_potholes_was_read(
        desktop_page, f"{live_server.url}/leaflets/{leaflet_id}?highlight=potholes"
    )


@pytest.mark.browser
def test_a_corrected_word_is_boxed_where_the_word_it_replaced_was_read(live_app, live_server, desktop_page):
    with live_app.app_context():
        leaflet = leaflet_with_words()  # OCR read "Fix potholes" on line 1, garbage on line 2
        leaflet.images[0].corrected_text = "Fix roadworks"  # a volunteer changed a word, dropped the garbage
        db.session.commit()
        leaflet_id = leaflet.id
    page = desktop_page
    assert_boxed_where_potholes_was_read(page, f"{live_server.url}/leaflets/{leaflet_id}?highlight=roadworks")
    assert page.locator(".ocr-words mark.search-hit").inner_text() == "roadworks"
