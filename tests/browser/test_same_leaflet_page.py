"""A photo of a leaflet already in the archive, uploaded in Chromium at 360 px and 1280 px: the upload is
published, and its page asks the uploader "Is this the same leaflet as this one?" (checked with axe-core);
"yes" turns it into a delivery of the original while "no" keeps it, which a moderator then sees as "possibly
the same as" the original. Another browser sees the page without the question."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest
from flask import Flask

from tests.browser.helpers import fill_upload, log_in
from tests.factories import make_user
from tests.near_duplicate_images import encode, rephotograph, template_leaflet
from tests.support import DATABASES, multipart, upload_fields, wait_until

pytestmark = pytest.mark.browser
LEAFLET_URL = re.compile(r"/leaflets/\d+$")


def original_in_archive(app: Flask) -> int:
    page = template_leaflet("Jane Smith", 1)
    with app.app_context():
        response = app.test_client().post(
            "/api/v1/leaflets",
            data=multipart(upload_fields(), [(encode(page, quality=92), "first.jpg")]),
            content_type="multipart/form-data",
        )
    assert response.status_code == 201, response.get_json()
    return response.get_json()["id"]


@pytest.mark.parametrize("database_url", DATABASES, indirect=True)
def test_a_photo_we_have_is_asked_about_then_recorded_or_published(
    live_app: Flask, live_server, sized_page, assert_accessible, tmp_path
):
    original_id = original_in_archive(live_app)
    photo = tmp_path / "again.jpg"
    photo.write_bytes(encode(rephotograph(template_leaflet("Jane Smith", 1), 2), quality=85))
    page = sized_page
    fill_upload(page, live_server.url, photo, "labour")
    page.fill("#delivered_on", "2024-06-24")
    page.click("#submit-upload")

    page.wait_for_url(LEAFLET_URL)
    new_id = int(page.url.rsplit("/", 1)[1])
    assert new_id != original_id and "your leaflet is online" in page.content()
    question = page.locator("section.same-question")
    assert question.locator("h2").inner_text() == "Is this the same leaflet as this one?"
    wait_until(  # both thumbnails load (no broken image)
        lambda: page.evaluate(
            "Array.from(document.querySelectorAll('main img')).every(i => i.complete && i.naturalWidth > 0)"
        ),
        timeout_s=20,
        what="both thumbnails to load",
    )
    assert page.locator(f"main a[href='/leaflets/{original_id}']").count() == 1
    assert page.evaluate("document.scrollingElement.scrollWidth") <= page.viewport_size["width"]
    assert_accessible(page)
    folder = Path(os.environ.get("SCREENSHOT_DIR") or tmp_path)
    folder.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(folder / f"same-leaflet-{page.size_name}.png"), full_page=True)

    stranger = page.context.browser.new_page()
    stranger.goto(f"{live_server.url}/leaflets/{new_id}")
    assert stranger.locator("section.same-question").count() == 0  # asked of the uploader only
    stranger.close()

    page.get_by_role("button", name="No, it is different").focus()  # the answers are reachable by keyboard
    if page.size_name == "phone":
        page.get_by_role("button", name="Yes, it came through my door too").click()
        page.wait_for_url(re.compile(rf"/leaflets/{original_id}$"))
        assert "your delivery is recorded" in page.content()
        assert "Aberdeen South" in page.locator(".copies").inner_text()
    else:
        page.get_by_role("button", name="No, it is different").click()
        page.wait_for_url(re.compile(rf"/leaflets/{new_id}$"))
        assert "stays online as a leaflet of its own" in page.content()
        assert page.locator("section.same-question").count() == 0
        assert "Aberdeen South" in page.locator(".leaflet-summary").inner_text()
        with live_app.app_context():
            moderator = make_user("moderator")
        log_in(page, live_server.url, moderator.email)
        page.goto(f"{live_server.url}/moderate/leaflets/{new_id}")
        similar = page.locator("section[aria-labelledby=similar-heading]")
        assert "Possibly the same as" in similar.inner_text() and "same photo" in similar.inner_text()
        assert similar.locator(f"a[href='/moderate/leaflets/{original_id}']").count() == 1
        page.screenshot(path=str(folder / f"moderation-possibly-same-{page.size_name}.png"), full_page=True)
    assert_accessible(page)
