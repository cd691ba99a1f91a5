"""Browsing pages in headless Chromium: no sideways scroll at 360 px, no serious axe-core findings, skip link.

Screenshots go to /tmp/shots/browse-*.png for a person to look at.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import select

from leaflets.extensions import db
from leaflets.models import Leaflet
from leaflets.services import demo_data

pytestmark = pytest.mark.browser
SHOTS = Path("/tmp/shots")


@pytest.fixture
def archive(live_app) -> dict[str, str]:
    """A few demo leaflets (real upload service, real images); returns the pages to visit."""
    with live_app.app_context():
        demo_data.create_demo_leaflets(7, seed=7)
        copy = db.session.scalar(select(Leaflet).where(Leaflet.duplicate_of_id.is_not(None)))
        leaflet = db.session.get(Leaflet, copy.duplicate_of_id if copy else 1)
        pages = {
            "home": "/",
            "leaflet": f"/leaflets/{leaflet.id}",
            "areas": "/areas",
            "parties": "/parties",
            "area": f"/areas/{leaflet.area.gss}",
            "party": f"/parties/{leaflet.party.slug}",
            "stats": "/stats",
            "all": "/leaflets",
        }  # scale: the whole archive, page by page
        db.session.remove()
    return pages


def check_pages(page, base: str, pages: dict[str, str], assert_accessible, width: int, label: str) -> None:
    SHOTS.mkdir(exist_ok=True)
    for name, path in pages.items():
        response = page.goto(base + path)
        assert response.status == 200, path
        page.evaluate("window.scrollTo(0, document.body.scrollHeight)")  # let lazy thumbnails load
        page.wait_for_load_state("networkidle")
        page.evaluate("window.scrollTo(0, 0)")
        assert page.evaluate("document.scrollingElement.scrollWidth") <= width, f"{path} scrolls sideways"
        page.wait_for_function("[...document.images].every(img => img.complete)")
        assert page.evaluate("[...document.images].every(img => img.naturalWidth > 0)"), path
        assert_accessible(page)
        page.screenshot(path=str(SHOTS / f"browse-{name}-{label}.png"), full_page=name != "areas")


def test_browse_pages_fit_a_phone_and_pass_axe(live_server, archive, phone_page, assert_accessible):
    check_pages(phone_page, live_server.url, archive, assert_accessible, 360, "phone")


def test_browse_pages_on_a_desktop(live_server, archive, desktop_page, assert_accessible):
    check_pages(desktop_page, live_server.url, archive, assert_accessible, 1280, "desktop")


def test_skip_link_is_the_first_tab_stop_and_works(live_server, phone_page):
    page = phone_page
    page.goto(f"{live_server.url}/")
    page.keyboard.press("Tab")
    focused = page.evaluate(
        "({text: document.activeElement.textContent.trim(), "
        "href: document.activeElement.getAttribute('href')})"
    )
    assert focused == {"text": "Skip to content", "href": "#main"}
    assert page.evaluate("getComputedStyle(document.activeElement).left") == "0px"  # visible when focused
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main"
    assert page.url.endswith("#main")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.closest('main') !== null")
