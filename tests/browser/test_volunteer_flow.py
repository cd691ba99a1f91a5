"""The volunteer path in Chromium at 360 px: log in, take a leaflet from the queue, mark a claim by selecting
its words, rate it; then a moderator's dashboard. Every page is checked with axe-core."""

from __future__ import annotations

from typing import Any, Callable

import pytest
from flask import Flask

from leaflets import runtime
from tests.browser.helpers import log_in
from tests.factories import make_leaflet, make_user
from tests.support import leaflet_image

pytestmark = pytest.mark.browser
CLAIM = "We will cut bus fares by 20%."


@pytest.fixture
def people(live_app: Flask) -> dict[str, Any]:
    with live_app.app_context():
        leaflet = make_leaflet()
        image = leaflet.images[0]
        runtime.storage().put(image.sha256, "thumb", leaflet_image(size=(300, 400)), "image/jpeg")
        volunteer, moderator = make_user("volunteer", name="Vee"), make_user("moderator", name="Mo")
        return {"leaflet_id": leaflet.id, "volunteer": volunteer.email, "moderator": moderator.email}


def _select_words(page: Any, words: str) -> None:
    page.evaluate(
        """(words) => {
        const source = document.querySelector('[data-claim-source]');
        const node = source.firstChild;
        const start = node.textContent.indexOf(words);
        const range = document.createRange();
        range.setStart(node, start);
        range.setEnd(node, start + words.length);
        const selection = window.getSelection();
        selection.removeAllRanges();
        selection.addRange(range);
        source.dispatchEvent(new MouseEvent('mouseup', {bubbles: true}));
    }""",
        words,
    )


def test_volunteer_marks_and_rates_a_claim_on_a_phone(
    live_server: Any, phone_page: Any, people: dict[str, Any], assert_accessible: Callable[[Any], None]
) -> None:
    page, base = phone_page, live_server.url
    page.goto(f"{base}/login")
    assert_accessible(page)
    log_in(page, base, people["volunteer"])
    assert page.url.endswith("/volunteer")
    assert_accessible(page)
    page.get_by_role("link", name="Work on this leaflet").click()
    assert page.url.endswith(f"/volunteer/leaflets/{people['leaflet_id']}")
    assert_accessible(page)
    assert page.evaluate("document.documentElement.scrollWidth") <= 360

    _select_words(page, CLAIM)
    assert page.get_by_label("Claim text", exact=True).input_value() == CLAIM
    assert page.locator("#span_start").input_value() != ""
    page.get_by_role("button", name="Add claim").click()
    assert page.get_by_text("Claim added: now rate it.").is_visible()

    card = page.locator("article.claim-card", has_text=CLAIM).first
    card.get_by_label("Misleading").check()
    card.get_by_label("Source (web address)").fill("https://www.ons.gov.uk/fares")
    card.get_by_label("Explanation").fill("Fares fall only for under-18s.")
    card.get_by_role("button", name="Save rating").click()
    assert page.get_by_text("Your rating is saved.").is_visible()
    card = page.locator("article.claim-card", has_text=CLAIM).first
    assert "1 rating" in card.inner_text() and "misleading 100%" in card.inner_text()
    assert_accessible(page)

    page.goto(f"{base}/leaflets/{people['leaflet_id']}")  # the public page's review panel
    panel = page.locator("section.review-panel")
    assert CLAIM in panel.inner_text() and "1 rating" in panel.inner_text()
    assert_accessible(page)

    page.get_by_role("button", name="Log out").click()  # a POST with the CSRF token, from the header
    page.wait_for_url(f"{base}/")
    assert page.get_by_role("link", name="Log in").is_visible()
    log_in(page, base, people["moderator"])
    page.goto(f"{base}/moderate")
    assert page.get_by_role("heading", name="Moderate", exact=True).is_visible()
    assert_accessible(page)
    page.goto(f"{base}/moderate/leaflets/{people['leaflet_id']}")
    assert_accessible(page)


def test_keyboard_reaches_the_rating_form_with_visible_focus(
    live_server: Any, desktop_page: Any, people: dict[str, Any]
) -> None:
    page, base = desktop_page, live_server.url
    log_in(page, base, people["volunteer"])
    page.goto(f"{base}/volunteer/leaflets/{people['leaflet_id']}")
    page.get_by_label("Claim text", exact=True).fill(CLAIM)
    page.get_by_label("Claim text", exact=True).press("Tab")  # to the photo select
    page.keyboard.press("Tab")
    focused = page.evaluate("document.activeElement.textContent")
    assert focused.strip() == "Add claim"
    outline = page.evaluate("getComputedStyle(document.activeElement).outlineStyle")
    assert outline != "none"
    page.keyboard.press("Enter")
    from playwright.sync_api import expect

    expect(page.get_by_text("Claim added: now rate it.")).to_be_visible()
