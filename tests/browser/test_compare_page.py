"""A journalist's story in headless Chromium, on demo leaflets read by real Tesseract: open compare from the
nav, find the national template and its map, a figure that changes between places, and follow it to the
photo."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests.compare_support import ALDERSHOT, BANBURY, demo_template_leaflets

pytestmark = pytest.mark.browser
SHOTS = Path("/tmp/shots-compare")  # other branches write /tmp/shots too


def _fill(app) -> None:
    with app.app_context():
        demo_template_leaflets(app)


@pytest.mark.parametrize("size", ["phone", "desktop"])
def test_a_journalist_finds_the_template_a_changing_figure_and_its_photo(
    live_app, live_server, phone_page, desktop_page, assert_accessible, size
):
    _fill(live_app)
    page = phone_page if size == "phone" else desktop_page
    page.goto(live_server.url)
    if size == "phone":
        assert page.locator("nav a", has_text="Compare").is_visible()
    page.click("nav >> text=Compare")
    page.wait_for_selector("h1:has-text('What changes between places')")
    assert_accessible(page)
    widest = page.locator(".template-summaries li").first.inner_text()
    assert "delivered in 4 constituencies" in widest

    page.select_option("#party", "labour")
    page.select_option("#area", ALDERSHOT)
    page.click("button[type=submit]")
    card = page.locator(".template-card").first
    card.wait_for()
    assert "national template, also delivered in 3 constituencies" in card.locator("h3").inner_text()
    hexes = card.locator("svg.hexmap-svg a.hex")
    assert hexes.count() == 650 and card.locator("svg.hexmap-svg a.hex-some").count() == 3
    assert card.locator(".swap-list li").count() >= 3
    assert page.evaluate("document.scrollingElement.scrollWidth") <= page.viewport_size["width"]
    assert_accessible(page)
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"compare-{size}.png"), full_page=True)

    number = page.locator(".number-card", has_text="more a year for their weekly shop")
    figure = number.locator("strong.figure-big").inner_text()
    elsewhere = number.locator(".figure-list li").all_inner_texts()
    assert re.fullmatch(r"£\d+", figure) and len(elsewhere) == 3 and any("Banbury" in x for x in elsewhere)
    crop = number.locator("img.crop")
    crop.scroll_into_view_if_needed()
    page.wait_for_function("img => img.complete && img.naturalWidth > 0", arg=crop.element_handle())
    number.locator("a.crop-link").click()
    page.wait_for_selector("mark.search-hit")
    assert "#ocr-" in page.url and figure.lstrip("£") in page.locator("mark.search-hit").first.inner_text()
    page.wait_for_selector(".ocr-box-hit")  # the words are boxed on the photo
    assert_accessible(page)


def test_the_template_page_and_the_map_on_a_desktop(live_app, live_server, desktop_page, assert_accessible):
    _fill(live_app)
    page = desktop_page
    page.goto(f"{live_server.url}/compare?party=labour&area={ALDERSHOT}")
    page.click("text=Every copy, where it went and what changed")
    page.wait_for_selector("table.copies-table")
    assert page.locator("table.copies-table tbody tr").count() == 4
    assert page.locator("#template-map a.hex-some").count() == 4
    assert_accessible(page)
    page.screenshot(path=str(SHOTS / "template-desktop.png"), full_page=True)
    page.goto(f"{live_server.url}/map?party=labour")
    hex_link = page.locator(f'svg.hexmap-svg a[href="/areas/{BANBURY}"]')
    assert hex_link.locator("title").text_content() == "Banbury: 1 Lab leaflet"
    hex_link.focus()
    page.keyboard.press("Enter")
    page.wait_for_url(f"**/areas/{BANBURY}")
    page.goto(f"{live_server.url}/map?view=results&party=labour")
    assert page.locator("svg.hexmap-svg .marker").count() > 400
    assert_accessible(page)
    page.screenshot(path=str(SHOTS / "map-results-desktop.png"), full_page=True)


def test_the_map_and_compare_work_without_javascript_on_a_phone(
    live_app, live_server, browser, assert_accessible
):
    _fill(live_app)
    context = browser.new_context(java_script_enabled=False, viewport={"width": 360, "height": 740})
    page = context.new_page()
    page.goto(f"{live_server.url}/map")
    page.select_option("#party", "labour")
    page.check("input[value=results]")
    page.click("button[type=submit]")
    page.wait_for_selector("#results-heading")
    assert "party=labour" in page.url and "view=results" in page.url
    assert page.evaluate("document.scrollingElement.scrollWidth") <= 360
    page.screenshot(path=str(SHOTS / "map-phone.png"), full_page=True)
    page.goto(f"{live_server.url}/compare")
    page.select_option("#area", ALDERSHOT)
    page.click("button[type=submit]")
    page.wait_for_selector("#seat-heading")
    assert page.locator(".seat-party").count() == 1
    context.close()
