"""Findings, alerts and error pages in headless Chromium at 360 and 1280 px: axe-core, no sideways scroll,
and a journalist's alert from the party page to the digest in a real SMTP server.
Screenshots: /tmp/shots/findings-*."""

from __future__ import annotations

from pathlib import Path

import pytest

from leaflets.extensions import db
from leaflets.models._types import utcnow
from leaflets.services import review
from tests.factories import SOURCE, add_leaflet, raters
from tests.smtp_support import body, link

pytestmark = pytest.mark.browser
SHOTS = Path("/tmp/shots")
PAGES = {
    "stats": "/stats",
    "alerts": "/alerts",
    "subscribe": "/alerts/subscribe?party=labour",
    "elections": "/elections",
    "not-found": "/no/such/page",
}


@pytest.fixture
def live_app(make_app, smtp_server):  # noqa: F811  (overrides the browser conftest's app: mail on)
    _, port = smtp_server
    app = make_app(
        WTF_CSRF_ENABLED=True,
        SERVER_NAME=None,
        MAIL_SERVER="127.0.0.1",
        MAIL_PORT=port,
        ALERT_SETTLE_MINUTES=0,
        STATS_MIN_RATED_CLAIMS=3,
    )
    with app.app_context():
        users = raters(3)
        for party, verdicts in (
            ("labour", ("accurate", "false", "misleading", "accurate")),
            ("green", ("false",)),
        ):
            leaflet = add_leaflet(party, title=f"{party.title()} leaflet")
            for n, verdict in enumerate(verdicts):
                claim = review.add_claim(leaflet, users[0], f"Claim {n} of {party}")
                for user in users:
                    review.rate_claim(claim, user, verdict, SOURCE, "Because.")
            review.rate_bias(leaflet, users[0], 1, -1, "")
        add_leaflet("libdem", title="Unrated leaflet")
        db.session.remove()
    return app


def visit(page, url: str, width: int, assert_accessible, name: str) -> None:
    response = page.goto(url)
    assert response.status == (404 if name == "not-found" else 200), url
    assert page.evaluate("document.scrollingElement.scrollWidth") <= width, f"{url} scrolls sideways"
    assert_accessible(page)
    SHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SHOTS / f"findings-{name}-{width}.png"), full_page=True)


@pytest.mark.parametrize("viewport", ["phone_page", "desktop_page"])
def test_pages_pass_axe_and_fit(live_server, request, viewport, assert_accessible):
    page = request.getfixturevalue(viewport)
    width = 360 if viewport == "phone_page" else 1280
    for name, path in PAGES.items():
        visit(page, live_server.url + path, width, assert_accessible, name)
    page.goto(live_server.url + "/stats")
    table = page.locator(".findings-table")
    assert table.locator("tbody tr").count() == 2  # rated parties; the unrated one is listed in a sentence
    labour = table.locator("tbody tr", has_text="Labour").inner_text()
    assert "50%" in labour and "2 claims" in labour
    assert "Not rated yet: Liberal Democrats (1 leaflet)" in page.locator(".findings").inner_text()


def test_not_found_page_searches(live_server, phone_page):
    page = phone_page
    page.goto(live_server.url + "/leaflets/999999")
    page.get_by_label("Search leaflets").fill("potholes")
    page.keyboard.press("Enter")
    page.wait_for_url("**/search?q=potholes")
    assert page.locator("h1").first.inner_text()


def test_an_alert_from_the_party_page_to_the_digest(live_server, live_app, phone_page, smtp_server):  # noqa: F811
    inbox, _ = smtp_server
    page = phone_page
    page.goto(live_server.url + "/parties/labour")
    page.get_by_role("link", name="E-mail me new leaflets").click()
    page.get_by_label("Your e-mail address").fill("journalist@example.org")
    page.get_by_label("Daily: one e-mail a day").check()
    page.get_by_role("button", name="Send me a confirmation e-mail").click()
    assert "Check your inbox" in page.locator("main").inner_text()
    page.screenshot(path=str(SHOTS / "findings-subscribed-360.png"), full_page=True)
    [confirmation] = inbox.wait_for("journalist@example.org")
    page.goto(live_server.url + link(confirmation, "/alerts/confirm/"))
    page.get_by_role("button", name="Yes, start my alerts").click()
    assert "Your alert is on" in page.locator("h1").inner_text()
    with live_app.app_context():
        add_leaflet("labour", title="New Labour leaflet", uploaded_at=utcnow())
        result = live_app.test_cli_runner().invoke(args=["alerts", "send", "--frequency", "daily"])
        db.session.remove()
    assert result.exit_code == 0 and "1 sent" in result.output, result.output
    digest = inbox.wait_for("journalist@example.org", 2)[1]
    assert "New Labour leaflet" in body(digest)
    page.goto(live_server.url + link(digest, "/leaflets/"))
    assert "New Labour leaflet" in page.locator("h1").inner_text()
