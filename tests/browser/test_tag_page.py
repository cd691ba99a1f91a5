"""Tag chips on a leaflet page lead to the tag's page, which lists its leaflets; the verdict and bias filters
on /search; axe-clean at 360 and 1280 px (issue 10 item 6)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from leaflets.extensions import db
from leaflets.models import Leaflet
from leaflets.services import review
from tests.factories import moderator
from tests.factories import uploaded_leaflet as add_leaflet
from tests.support import flush

pytestmark = pytest.mark.browser
SHOTS = Path("/tmp/shots")


@pytest.fixture
def tagged(live_app):
    with live_app.app_context():
        user = moderator()
        ids = [
            add_leaflet(f"Bus routes cut in the valley, leaflet {n}", title=f"Buses {n}") for n in range(3)
        ]
        add_leaflet("Nothing about buses", title="Other")
        for leaflet_id in ids:
            review.add_tag(db.session.get(Leaflet, leaflet_id), user, "education")
        flush()
    return ids


@pytest.mark.parametrize("width", [360, 1280])
def test_tag_chip_leads_to_the_tag_page(
    tagged, live_server, phone_page, desktop_page, assert_accessible, width
):
    SHOTS.mkdir(exist_ok=True)
    page = phone_page if width == 360 else desktop_page
    page.goto(f"{live_server.url}/leaflets/{tagged[0]}")
    chip = page.locator(".tag-list a.tag", has_text="Education")
    assert chip.get_attribute("href") == "/tags/education"
    chip.click()
    page.wait_for_url(re.compile(r"/tags/education$"))
    assert page.locator("h1").inner_text() == "Education"
    assert "3 leaflets tagged “Education”" in page.locator("main").inner_text()
    titles = page.locator(".leaflet-grid h3").all_inner_texts()
    assert sum("Buses" in t for t in titles) == 3 and not any("Other" in t for t in titles)
    assert page.evaluate("document.scrollingElement.scrollWidth") <= width
    assert_accessible(page)
    page.screenshot(path=str(SHOTS / f"tag-page-{width}.png"), full_page=True)
    page.locator("a", has_text="Search within these leaflets").click()
    page.wait_for_url(re.compile(r"/search\?tag=education&sort=newest$"))
    assert page.locator(".hit").count() == 3

    page.goto(f"{live_server.url}/search?q=bus")
    page.locator("label.choice", has_text="False").locator("input").check()  # reachable by its label
    page.click("form[role=search] button[type=submit]")
    page.wait_for_url(re.compile(r"verdict=false"))
    assert page.locator("#results-heading").inner_text().startswith("0 leaflets")
    assert page.locator("label.choice", has_text="False").locator("input").is_checked()
    assert page.locator(".active-filters").inner_text().startswith("Claims rated: False")
    assert page.evaluate("document.scrollingElement.scrollWidth") <= width
    assert_accessible(page)
    page.screenshot(path=str(SHOTS / f"search-filters-{width}.png"), full_page=True)


def test_unknown_tag_is_404(live_server, phone_page):
    assert phone_page.goto(f"{live_server.url}/tags/no-such-tag").status == 404
