"""Issue 5's whole story in Chromium: a voter uploads a leaflet, real OCR reads it, two volunteers tag it,
mark three claims (two accepted from the app's suggestions, one typed), rate every claim and the leaflet's
bias; the public page shows the consensus; a moderator hides and restores it; every action is in the audit
log."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any, Callable

import pytest
from flask import Flask

from leaflets.ocr_queue.settings import QueueSettings
from leaflets.ocr_queue.worker import Worker
from tests.browser.helpers import fill_upload, log_in
from tests.factories import make_user
from tests.support import both_databases, leaflet_image

pytestmark = pytest.mark.browser

# Short lines: each is a sentence Tesseract reads whole at this size. The first two are the kind of claim the
# app suggests (a percentage, "will cut"); the third is typed by the volunteer.
LINES = ["Crime is down 12% here.", "We will cut bus fares.", "Our town deserves a say.", "Vote Thursday."]
SUGGESTED = LINES[:2]
TYPED = LINES[2]


@pytest.fixture
def scenario_app(make_app: Callable[..., Flask]) -> Flask:
    # two ratings make a claim "rated" here, so two volunteers reach a consensus
    return make_app(WTF_CSRF_ENABLED=True, SERVER_NAME=None, CLAIM_RATED_THRESHOLD=2)


@pytest.fixture
def live_app(scenario_app: Flask) -> Flask:
    return scenario_app


@pytest.fixture
def people(scenario_app: Flask) -> dict[str, str]:
    with scenario_app.app_context():
        return {
            "ann": make_user("volunteer", name="Ann").email,
            "bob": make_user("volunteer", name="Bob").email,
            "mo": make_user("moderator", name="Mo").email,
        }


def _upload(page: Any, base: str, photo: Path) -> int:
    fill_upload(page, base, photo, "green")
    page.select_option("#election", "ge-2024")
    page.fill("#delivered_on", "2024-06-21")
    page.fill("#title", "Safer streets")
    page.click("#submit-upload")
    page.wait_for_url(re.compile(r"/leaflets/\d+$"))
    return int(page.url.rsplit("/", 1)[1])


def _rate(page: Any, claim: str, verdict: str, source: str = "", note: str = "") -> None:
    card = page.locator("article.claim-card", has_text=claim).first
    card.get_by_label(verdict, exact=True).check()
    if source:
        card.get_by_label("Source (web address)").fill(source)
        card.get_by_label("Explanation").fill(note)
    card.get_by_role("button", name="Save rating").click()
    assert page.get_by_text("Your rating is saved.").is_visible()


def _rate_bias(page: Any, tone: str, fairness: str) -> None:
    page.get_by_label(tone, exact=True).check()
    page.get_by_label(fairness, exact=True).check()
    page.get_by_role("button", name="Save bias rating").click()


def _rate_all(page: Any) -> None:
    _rate(page, SUGGESTED[0], "Misleading", "https://www.ons.gov.uk/crime", "Down only in one ward.")
    _rate(page, SUGGESTED[1], "Unverifiable")
    _rate(page, TYPED, "Unverifiable")


@both_databases
def test_two_volunteers_and_a_moderator_take_a_leaflet_from_upload_to_audit(
    scenario_app: Flask,
    live_server: Any,
    browser: Any,
    people: dict[str, str],
    tmp_path: Path,
    assert_accessible: Callable[[Any], None],
) -> None:
    base = live_server.url
    photo = tmp_path / "leaflet.jpg"
    photo.write_bytes(leaflet_image(LINES))
    contexts = {
        name: browser.new_context(viewport={"width": 1280, "height": 900})
        for name in ("voter", "ann", "bob", "mo")
    }
    voter, ann, bob, mo = (contexts[name].new_page() for name in ("voter", "ann", "bob", "mo"))
    try:
        leaflet_id = _upload(voter, base, photo)
        assert (
            Worker(scenario_app, QueueSettings.from_config(scenario_app.config), "scenario").run(max_jobs=1)
            == 1
        )

        # Ann: from the queue, two suggested claims accepted, one typed; tags; ratings; bias
        log_in(ann, base, people["ann"])
        ann.get_by_role("link", name="Work on this leaflet").click()
        assert ann.url.endswith(f"/volunteer/leaflets/{leaflet_id}")
        for claim in SUGGESTED:
            ann.locator("li.suggestion", has_text=claim).get_by_role(
                "button", name=re.compile(r"^Accept")
            ).click()
        ann.get_by_label("Claim text", exact=True).fill(TYPED)
        ann.get_by_role("button", name="Add claim").click()
        assert ann.get_by_text("Claim added: now rate it.").is_visible()
        assert ann.locator("article.claim-card").count() == 3
        ann.get_by_label("Crime and policing").check()
        ann.get_by_label("Transport").check()
        ann.get_by_role("button", name="Save my tags").click()
        _rate_all(ann)
        _rate_bias(ann, "-1 mostly about opponents", "-1 somewhat misleading")
        assert_accessible(ann)

        # Bob: the same leaflet, the same verdicts on the claims, a harsher view of its bias
        log_in(bob, base, people["bob"])
        bob.goto(f"{base}/volunteer/leaflets/{leaflet_id}")
        bob.get_by_label("Crime and policing").check()
        bob.get_by_role("button", name="Save my tags").click()
        _rate_all(bob)
        _rate_bias(bob, "-2 attacks opponents", "-2 misleading presentation")

        # anyone: the consensus on the public page
        voter.goto(f"{base}/leaflets/{leaflet_id}")
        panel = voter.locator("section.review-panel")
        text = panel.inner_text()
        assert "Crime and policing (2)" in text and "Transport (1)" in text
        assert text.count("2 ratings") >= 3
        assert "Consensus: misleading" in text and text.count("Consensus: unverifiable") == 2
        assert "tone -1.5" in text.replace("−", "-") and "fairness -1.5" in text.replace("−", "-")
        assert_accessible(voter)

        # the moderator hides it (gone for the public), then restores it
        log_in(mo, base, people["mo"])
        mo.goto(f"{base}/moderate/leaflets/{leaflet_id}")
        mo.get_by_label("Reason", exact=True).fill("Checking a complaint")
        mo.get_by_role("button", name="Hide").click()
        assert voter.goto(f"{base}/leaflets/{leaflet_id}").status == 404
        assert voter.request.get(f"{base}/api/v1/leaflets/{leaflet_id}").status == 404
        mo.get_by_label("Reason", exact=True).fill("Complaint checked: fine")
        mo.get_by_role("button", name="Restore").click()
        assert voter.goto(f"{base}/leaflets/{leaflet_id}").status == 200

        # every action, by whom, in the audit log of this leaflet
        mo.get_by_role("link", name="its history in the audit log").click()
        rows = [" ".join(row.split()) for row in mo.locator("tbody tr").all_inner_texts()]
        # "DD Mon YYYY HH:MM Who <what, in words> (action, target id) ..."
        actions = [(row.split(" ")[4], re.search(r"\(([a-z-]+), ", row).group(1)) for row in rows]
        expected = {
            ("Mo", "restore"): 1,
            ("Mo", "hide"): 1,
            ("Ann", "accept-suggestion"): 2,
            ("Ann", "add-claim"): 1,
            ("Ann", "set-tags"): 1,
            ("Ann", "rate-claim"): 3,
            ("Ann", "rate-bias"): 1,
            ("Bob", "set-tags"): 1,
            ("Bob", "rate-claim"): 3,
            ("Bob", "rate-bias"): 1,
        }
        assert {key: actions.count(key) for key in set(actions)} == expected
        assert "Checking a complaint" in " ".join(rows)
        assert_accessible(mo)
        mo.set_viewport_size(
            {"width": 360, "height": 740}
        )  # the table scrolls inside its region, not the page
        assert mo.evaluate("document.scrollingElement.scrollWidth") <= 360
        mo.screenshot(path=str(tmp_path / "audit-phone.png"), full_page=True)
    finally:
        for context in contexts.values():
            context.close()
