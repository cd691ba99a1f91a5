"""In Chromium at 360 and 1280 px, with axe-core on every page: a moderator draws a rectangle on a photo to
black out a name (gone from every served size and from search), picks an area by name, merges a copy found by
a search after seeing both side by side, and accepts a volunteer's proposed fix; a volunteer's refused rating
keeps the choice with the error in view; the work page shows the photo beside the text; a visitor is invited
to help. Screenshots go to /tmp/shots/moderation-*.png (looked at by hand: they are not compared)."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any, Callable

import pytest
from flask import Flask
from PIL import Image, ImageStat
from sqlalchemy import select

from leaflets import runtime
from leaflets.extensions import db
from leaflets.models import Claim, DetailProposal, Leaflet, LeafletImage
from leaflets.ocr_queue.settings import QueueSettings
from leaflets.ocr_queue.worker import Worker
from leaflets.services import indexing
from tests.browser.helpers import log_in
from tests.factories import PASSWORD, add_leaflet, make_user
from tests.factories import pending_leaflet as add_pending_leaflet
from tests.support import ADDRESSED, DATABASES, PRIVATE, leaflet_image

# Every story on both databases, as the issue asks (the live app is made on the parametrised database_url).
pytestmark = [pytest.mark.browser, pytest.mark.parametrize("database_url", DATABASES, indirect=True)]
SHOTS = Path("/tmp/shots")


def shoot(page: Any, name: str, full_page: bool = True) -> None:
    SHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SHOTS / f"moderation-{name}.png"), full_page=full_page)


def _fetch(page: Any, url: str) -> tuple[int, bytes]:
    response = page.request.get(url)
    return response.status, response.body()


def test_a_moderator_blacks_out_a_name_drawn_on_the_photo(
    live_app: Flask,
    live_server: Any,
    desktop_page: Any,
    phone_page: Any,
    assert_accessible: Callable[[Any], None],
) -> None:
    with live_app.app_context():
        leaflet_id, [image_id] = add_pending_leaflet([leaflet_image(ADDRESSED, size=(620, 877))])
        assert Worker(live_app, QueueSettings.from_config(live_app.config), "w").run(max_jobs=1) == 1
        image = db.session.get(LeafletImage, image_id)
        boxes = [w for w in image.ocr_words if any(name in w["text"] for name in PRIVATE)]
        left, top = min(w["left"] for w in boxes) - 8, min(w["top"] for w in boxes) - 8
        right = max(w["left"] + w["width"] for w in boxes) + 8
        bottom = max(w["top"] + w["height"] for w in boxes) + 8
        moderator = make_user("moderator", name="Mo").email
        old = image.stored_sha256
    base = live_server.url
    old_bytes = {
        v: _fetch(desktop_page, f"{base}/images/{old}/{v}")[1] for v in ("master", "display", "thumb")
    }
    assert b"Marigold" not in b"".join(old_bytes.values())  # (pixels, not text: the check below decodes them)

    log_in(phone_page, base, moderator)
    phone_page.goto(f"{base}/moderate/images/{image_id}/edit")
    assert_accessible(phone_page)
    shoot(phone_page, "redact-360")
    phone_page.get_by_role("button", name="Black out the rectangles").click()  # nothing drawn or typed
    assert "Draw a rectangle on the photo" in phone_page.locator(".field-error").inner_text()
    assert_accessible(phone_page)
    shoot(phone_page, "redact-error-360")

    page = desktop_page
    log_in(page, base, moderator)
    page.goto(f"{base}/moderate/leaflets/{leaflet_id}")
    page.get_by_role("link", name="Blur, black out or crop photo 1").click()
    stage = page.locator("[data-redact-stage]").bounding_box()
    scale = stage["width"] / 620
    page.mouse.move(stage["x"] + left * scale, stage["y"] + top * scale)
    page.mouse.down()
    page.mouse.move(stage["x"] + (left + right) / 2 * scale, stage["y"] + (top + bottom) / 2 * scale, steps=4)
    page.mouse.move(stage["x"] + right * scale, stage["y"] + bottom * scale, steps=4)
    page.mouse.up()
    assert page.get_by_text("1 rectangle drawn.").is_visible()
    assert page.locator(".redact-box").count() == 1
    shoot(page, "redact-drawn-1280")
    assert_accessible(page)
    page.get_by_label("Reason (optional)").fill("A resident's name and address")
    page.get_by_role("button", name="Black out the rectangles").click()
    page.wait_for_load_state()
    assert "Photo 1 is redacted" in page.locator(".flashes").inner_text()
    assert_accessible(page)

    with live_app.app_context():
        new = db.session.get(LeafletImage, image_id).stored_sha256
    assert new != old and _fetch(page, f"{base}/images/{old}/display")[0] == 404
    for variant in ("master", "display", "thumb"):
        status, data = _fetch(page, f"{base}/images/{new}/{variant}")
        assert status == 200 and data != old_bytes[variant]
        with Image.open(io.BytesIO(data)) as picture:
            s = picture.width / 620
            # drawn by mouse, so allow a few pixels at the edges: the middle band of the rectangle is black
            region = picture.convert("L").crop(
                (int((left + 12) * s), int((top + 12) * s), int((right - 12) * s), int((bottom - 12) * s))
            )
            assert ImageStat.Stat(region).extrema[0][1] < 60, variant
    page.goto(f"{base}/search?q=Marigold")
    assert f"/leaflets/{leaflet_id}" not in page.content()
    page.goto(f"{base}/search?q=potholes")
    assert f"/leaflets/{leaflet_id}" in page.content()
    page.goto(f"{base}/leaflets/{leaflet_id}")
    assert not any(name in page.content() for name in PRIVATE)
    page.goto(f"{base}/moderate/audit?leaflet={leaflet_id}")
    assert "Redacted a photo" in page.content() and "blacked out" in page.content()
    assert_accessible(page)
    shoot(page, "audit-1280")


def test_merge_by_search_side_by_side_and_the_area_by_name(
    live_app: Flask,
    live_server: Any,
    desktop_page: Any,
    phone_page: Any,
    assert_accessible: Callable[[Any], None],
) -> None:
    with live_app.app_context():
        original = add_leaflet(title="Save Wexcombe cottage hospital")
        copy = add_leaflet(title="Wexcombe leaflet again", area="E14001064")
        auto = add_leaflet(title="Save Wexcombe cottage hospital", duplicate_of=original)
        for leaflet in (original, copy, auto):
            indexing.leaflet_changed(leaflet.id)
        runtime.search_backend().flush()
        ids = original.id, copy.id, auto.id
        moderator = make_user("moderator", name="Mo").email
    original_id, copy_id, auto_id = ids
    base = live_server.url

    page = phone_page
    log_in(page, base, moderator)
    page.goto(f"{base}/moderate/leaflets/{copy_id}")
    page.get_by_label("Find the original this leaflet copies").fill("cottage hospital")
    page.get_by_role("button", name="Search").click()
    assert_accessible(page)
    shoot(page, "merge-search-360")
    page.get_by_role("link", name=f"Compare side by side and merge into leaflet {original_id}").click()
    assert page.get_by_role("heading", name=f"Leaflet {copy_id}", exact=True).is_visible()
    assert page.get_by_role("heading", name=f"Leaflet {original_id}", exact=True).is_visible()
    assert_accessible(page)
    shoot(page, "merge-preview-360")

    desktop = desktop_page
    log_in(desktop, base, moderator)
    desktop.goto(page.url)
    left = desktop.get_by_role("heading", name=f"Leaflet {copy_id}", exact=True).bounding_box()
    right = desktop.get_by_role("heading", name=f"Leaflet {original_id}", exact=True).bounding_box()
    assert right["x"] > left["x"] + 300 and abs(right["y"] - left["y"]) < 5  # side by side on a desktop
    shoot(desktop, "merge-preview-1280")
    desktop.get_by_role("button", name=f"Merge leaflet {copy_id} into leaflet {original_id}").click()
    desktop.wait_for_load_state()
    assert desktop.url.endswith(f"/moderate/leaflets/{original_id}")
    assert desktop.get_by_role(
        "button", name=f"Merge leaflet {auto_id} into leaflet {original_id}"
    ).is_visible()
    assert_accessible(desktop)
    shoot(desktop, "leaflet-1280")
    desktop.get_by_role("button", name=f"Merge leaflet {auto_id} into leaflet {original_id}").click()
    desktop.wait_for_load_state()
    with live_app.app_context():
        assert db.session.get(Leaflet, copy_id).duplicate_of_id == original_id
        assert db.session.get(Leaflet, auto_id).status == "removed"

    # the area by name: type-ahead on a desktop
    area = desktop.get_by_label("Area (constituency)")
    area.fill("Bristol Cen")
    assert desktop.locator("datalist option[value='Bristol Central']").count() == 1
    area.fill("Bristol Central")
    desktop.get_by_role("button", name="Save details").click()
    desktop.wait_for_load_state()
    assert "The details are saved." in desktop.locator(".flashes").inner_text()
    with live_app.app_context():
        assert db.session.get(Leaflet, original_id).area.name == "Bristol Central"
    page.goto(f"{base}/moderate")
    assert_accessible(page)
    shoot(page, "dashboard-360")


def test_a_refused_rating_keeps_the_choice_and_shows_the_error_in_view(
    live_app: Flask,
    live_server: Any,
    phone_page: Any,
    desktop_page: Any,
    assert_accessible: Callable[[Any], None],
) -> None:
    with live_app.app_context():
        leaflet = add_leaflet(title="Crime down")
        claim = Claim(leaflet_id=leaflet.id, text="Crime fell by 50%.", state="accepted", origin="volunteer")
        for n in range(6):
            db.session.add(
                Claim(
                    leaflet_id=leaflet.id,
                    text=f"Another claim number {n}.",
                    state="accepted",
                    origin="volunteer",
                )
            )
        db.session.add(claim)
        db.session.commit()
        leaflet_id, claim_id = leaflet.id, claim.id
        volunteer = make_user("volunteer", name="Vee").email
    base, page = live_server.url, phone_page
    log_in(page, base, volunteer)
    page.goto(f"{base}/volunteer/leaflets/{leaflet_id}")
    photo = page.locator(".work-photo img").first.bounding_box()
    assert photo["width"] > 320  # full width on a phone
    card = page.locator(f"#claim-{claim_id}")
    card.get_by_label("Misleading").check()
    card.get_by_label("Explanation").fill("Only in one ward.")
    card.get_by_role("button", name="Save rating").click()
    page.wait_for_load_state()
    card = page.locator(f"#claim-{claim_id}")
    assert card.get_by_label("Misleading").is_checked()
    assert card.get_by_label("Explanation").input_value() == "Only in one ward."
    error = card.locator(f"#source-{claim_id}-error")
    assert error.inner_text() == "A misleading rating needs a source."
    page.wait_for_function(
        "(el) => { const r = el.getBoundingClientRect(); return r.top >= 0 && "
        "r.bottom <= window.innerHeight; }",
        arg=error.element_handle(),
    )  # in view, not at the top
    assert page.evaluate("document.activeElement.id") == f"source-{claim_id}"
    assert_accessible(page)
    shoot(page, "rating-error-360", full_page=False)  # what the volunteer sees on arrival
    card.get_by_label("Source (web address)").fill("https://www.ons.gov.uk/crime")
    card.get_by_role("button", name="Save rating").click()
    assert page.get_by_text("Your rating is saved.").is_visible()

    desktop = desktop_page
    log_in(desktop, base, volunteer)
    desktop.goto(f"{base}/volunteer/leaflets/{leaflet_id}#bias")
    photo = desktop.locator(".work-photo").first.bounding_box()
    text = desktop.locator("#bias").bounding_box()
    assert photo["x"] + photo["width"] <= text["x"] and photo["width"] > 400  # large, beside the text
    assert -1 <= photo["y"] < 900  # sticky: still in view far down the page
    desktop.get_by_role("button", name="Zoom in photo 1").click()
    zoomed = desktop.locator(".work-photo img").first.bounding_box()
    assert zoomed["width"] > photo["width"] * 1.3
    assert_accessible(desktop)
    shoot(desktop, "work-1280", full_page=False)


def test_a_proposed_fix_accepted_in_one_click_and_the_invitation_to_help(
    live_app: Flask,
    live_server: Any,
    phone_page: Any,
    desktop_page: Any,
    assert_accessible: Callable[[Any], None],
) -> None:
    with live_app.app_context():
        leaflet = add_leaflet(title="Buses")
        leaflet_id = leaflet.id
        moderator = make_user("moderator", name="Mo").email
    base, page = live_server.url, phone_page
    page.goto(f"{base}/leaflets/{leaflet_id}")
    assert_accessible(page)
    page.get_by_role("link", name="Help check this leaflet").click()
    page.get_by_label("Email").fill("newcomer@example.org")
    page.get_by_label("Display name").fill("Newcomer")
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_label("Password again").fill(PASSWORD)
    page.get_by_role("button", name="Create account").click()
    page.wait_for_load_state()
    assert page.url.endswith(f"/volunteer/leaflets/{leaflet_id}")  # straight to the leaflet's work page

    section = page.locator("#details-fix").locator("xpath=..")
    section.get_by_label("Party").select_option(label="Green Party")
    section.get_by_label("Area (constituency)").fill("Bristol Central")
    section.get_by_role("button", name="Send the fix to a moderator").click()
    assert page.get_by_text("a moderator will look at your proposed fix").is_visible()
    assert_accessible(page)
    shoot(page, "proposal-360")

    desktop = desktop_page
    log_in(desktop, base, moderator)
    desktop.goto(f"{base}/moderate")
    assert desktop.get_by_text("Labour Party → Green Party").is_visible()
    assert_accessible(desktop)
    shoot(desktop, "dashboard-1280")
    desktop.get_by_role(
        "button", name=f"Accept the fix proposed for leaflet {leaflet_id} by Newcomer"
    ).click()
    desktop.wait_for_load_state()
    assert f"The fix of leaflet {leaflet_id} is applied." in desktop.locator(".flashes").inner_text()
    with live_app.app_context():
        fixed = db.session.get(Leaflet, leaflet_id)
        assert (fixed.party.slug, fixed.area.name) == ("green", "Bristol Central")
        assert db.session.scalar(select(DetailProposal.state)) == "accepted"
