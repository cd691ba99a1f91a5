"""The /compare page in headless Chromium at phone size, with local and national leaflets to compare."""
from __future__ import annotations

from pathlib import Path

import pytest

from tests.test_compare import ALDERSHOT, ASHFORD, BANBURY, BARKING, COMMON, NATIONAL, TEMPLATE, add

pytestmark = pytest.mark.browser
SHOTS = Path("/tmp/shots")
XSS = "<script>alert('claim')</script>"


def _fill(app) -> None:
    with app.app_context():
        add(TEMPLATE + " Alex Baker will save the Aldershot Gurkha community centre and the Princes Hall.",
            title="Alex Baker: a fresh start for Aldershot",
            claims=(("Alex Baker saved the Aldershot maternity unit from closure", "accepted"),
                    (f"{XSS} Potholes on Ash Hill Road fixed in a week", "accepted")))
        add(COMMON + "Aldershot deserves better buses. The Gurkha community centre must stay open.",
            title="Aldershot deserves better")
        add(TEMPLATE + " Sean Woodcock lives in Banbury.", area=BANBURY, title="A fresh start for Banbury")
        add(TEMPLATE, area=BARKING, title="A fresh start for Barking")
        add(COMMON + NATIONAL + NATIONAL, area=ASHFORD, title="Change: vote Labour",
            claims=(("Labour will recruit 6,500 new teachers", "accepted"),))


def test_compare_on_a_phone(live_app, live_server, phone_page, assert_accessible):
    _fill(live_app)
    page = phone_page
    dialogs: list[str] = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    page.goto(f"{live_server.url}/compare")
    assert_accessible(page)
    page.select_option("#party", "labour")
    page.select_option("#area", ALDERSHOT)
    page.click("button[type=submit]")
    page.wait_for_selector(".compare-results")
    assert f"area={ALDERSHOT}" in page.url
    top_term = page.locator(".term-list-local .term").first.inner_text()
    assert top_term in {"gurkha", "aldershot", "community centre"}
    assert page.locator(".template-card").count() == 1
    assert page.locator(".claim-list li").count() == 2
    assert page.evaluate("document.scrollingElement.scrollWidth") <= 360
    assert dialogs == [] and f"{XSS} Potholes" in page.locator(".claim-list").inner_text()
    assert_accessible(page)
    widths = page.eval_on_selector_all(".term-list-local .term-fill",
                                       "els => els.map(e => e.getBoundingClientRect().width)")
    assert widths[0] > 0 and widths == sorted(widths, reverse=True)
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / "compare-phone.png"), full_page=True)


def test_compare_form_works_without_javascript(live_app, live_server, browser):
    _fill(live_app)
    context = browser.new_context(java_script_enabled=False, viewport={"width": 360, "height": 740})
    page = context.new_page()
    page.goto(f"{live_server.url}/compare")
    page.select_option("#party", "labour")
    page.select_option("#area", BANBURY)
    page.click("button[type=submit]")
    page.wait_for_selector(".compare-results")
    assert "Used more in Banbury" in page.content()
    context.close()


def test_term_lists_sit_side_by_side_on_a_desktop(live_app, live_server, desktop_page):
    _fill(live_app)
    page = desktop_page
    page.goto(f"{live_server.url}/compare?party=labour&area={ALDERSHOT}")
    local, national = (page.locator(f"section[aria-labelledby={side}-terms]").bounding_box()
                       for side in ("local", "national"))
    assert local["y"] == national["y"] and local["x"] + local["width"] <= national["x"]
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / "compare-desktop.png"))
