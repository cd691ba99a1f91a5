"""The real /upload page in headless Chromium at phone size: two photos in, the leaflet page out."""

from __future__ import annotations

import re

import pytest

from tests.support import leaflet_image

pytestmark = pytest.mark.browser


def test_voter_uploads_two_photos_on_a_phone(live_server, phone_page, assert_accessible, tmp_path):
    front, back = tmp_path / "front.jpg", tmp_path / "back.jpg"
    front.write_bytes(leaflet_image(["FRONT OF LEAFLET"]))
    back.write_bytes(leaflet_image(["BACK OF LEAFLET"]))
    page = phone_page
    page.goto(f"{live_server.url}/upload")
    assert page.evaluate("document.scrollingElement.scrollWidth") <= 360
    assert_accessible(page)

    page.set_input_files("#images", [str(front), str(back)])
    previews = page.locator("#previews li")
    previews.first.wait_for()
    assert previews.count() == 2
    page.select_option("#role-1", "back")
    page.select_option("#party", "libdem")
    page.fill("#postcode", "AB11 5QN")
    assert page.get_by_label("Yes, Aberdeen South").is_checked()  # shown to confirm as soon as it is typed
    page.select_option("#election", "ge-2024")
    page.fill("#delivered_on", "2024-06-21")
    page.fill("#title", "Potholes on Union Street")
    page.screenshot(path=str(tmp_path / "upload-phone.png"), full_page=True)
    page.click("#submit-upload")

    page.wait_for_url(re.compile(r"/leaflets/\d+$"))
    assert "your leaflet is online" in page.content()
    images = page.locator("main img")
    images.first.wait_for()
    sources = {images.nth(n).get_attribute("src") for n in range(images.count())}
    assert len({src.split("/")[2] for src in sources if src.startswith("/images/")}) == 2
    assert page.evaluate(
        "Array.from(document.querySelectorAll('main img')).every(i => i.complete && i.naturalWidth > 0)"
    )
    assert "Aberdeen South" in page.content()


def test_upload_form_works_without_javascript(live_server, browser, tmp_path):
    context = browser.new_context(java_script_enabled=False, viewport={"width": 360, "height": 740})
    page = context.new_page()
    photo = tmp_path / "one.jpg"
    photo.write_bytes(leaflet_image(["NO SCRIPT LEAFLET"]))
    page.goto(f"{live_server.url}/upload")
    page.set_input_files("#images", str(photo))
    page.select_option("#party", "green")
    page.select_option("#area", "E14001063")
    page.click("#submit-upload")
    page.wait_for_url(re.compile(r"/leaflets/\d+$"))
    assert "your leaflet is online" in page.content()
    context.close()
