"""The /search page in Chromium: a query and a facet click at 360 px, axe-clean, no sideways scroll."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests.factories import uploaded_leaflet
from tests.support import flush

pytestmark = pytest.mark.browser
SHOTS = Path("/tmp/shots")


@pytest.fixture
def searchable(live_app):
    with live_app.app_context():
        uploaded_leaflet(
            "Reopen the railway station at Ash Vale and fix the level crossing",
            party="labour",
            title="Railway station campaign",
        )
        uploaded_leaflet(
            "Railway fares frozen for commuters; a longer word: supercalifragilisticexpialidocious",
            party="green",
            area="W07000089",
            title="Fares freeze",
            delivered_on="2024-05-30",
        )
        uploaded_leaflet(
            "Faster trains and a new railway footbridge", party="libdem", delivered_on="2024-06-28"
        )
        uploaded_leaflet("Nothing about trains", party="conservative")
        flush()
    return live_app


def _no_sideways_scroll(page, width: int) -> None:
    assert page.evaluate("document.scrollingElement.scrollWidth") <= width


def test_search_and_narrow_on_a_phone(searchable, live_server, phone_page, assert_accessible):
    SHOTS.mkdir(exist_ok=True)
    page = phone_page
    page.goto(f"{live_server.url}/search")
    page.fill("#q", "railway")
    page.click("form[role=search] button[type=submit]")
    page.wait_for_url(re.compile(r"/search\?q=railway"))
    assert page.locator("#results-heading").inner_text() == "3 leaflets match “railway”"
    assert page.locator(".hit mark").count() >= 3
    _no_sideways_scroll(page, 360)
    assert_accessible(page)
    page.screenshot(path=str(SHOTS / "search-360.png"), full_page=True)

    page.locator(".facet-party a", has_text="Green Party").click()
    page.wait_for_url(re.compile(r"party=green"))
    assert page.locator("#results-heading").inner_text() == "1 leaflet matches “railway”"
    assert page.locator(".hit-title").inner_text() == "Fares freeze"
    assert page.locator(".active-filters").inner_text().startswith("Party: Green Party")
    _no_sideways_scroll(page, 360)
    assert_accessible(page)
    page.screenshot(path=str(SHOTS / "search-360-filtered.png"), full_page=True)

    page.locator(".active-filters a").click()  # the chip takes the filter off again
    page.wait_for_url(re.compile(r"/search\?q=railway$"))
    assert page.locator(".hit").count() == 3
    page.locator(".hit-title a", has_text="Fares freeze").click()
    page.wait_for_url(re.compile(r"/leaflets/\d+\?highlight=railway$"))


def test_bad_query_and_desktop_layout(searchable, live_server, desktop_page, assert_accessible):
    SHOTS.mkdir(exist_ok=True)
    page = desktop_page
    response = page.goto(f"{live_server.url}/search?q=railway+OR+trains&sort=newest")
    assert response.status == 200
    assert page.locator(".hit-title").all_inner_texts() == [
        "LD leaflet, Aldershot",
        "Con leaflet, Aldershot",
        "Railway station campaign",
        "Fares freeze",
    ]
    assert_accessible(page)
    page.screenshot(path=str(SHOTS / "search-1280.png"), full_page=True)
    _no_sideways_scroll(page, 1280)

    response = page.goto(f"{live_server.url}/search?q=%22railway")
    assert response.status == 400
    assert "quotation mark" in page.locator(".error-message").inner_text()
    assert_accessible(page)
    page.screenshot(path=str(SHOTS / "search-1280-bad-query.png"))
