"""The voter's upload stories in Chromium at 360 px and 1280 px, each page checked with axe-core: a full
postcode confirmed, a split sector chosen, Northern Ireland, "I don't know" (and a volunteer finding the
place), every error at once, the photo picker, and the guidance pages."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any, Callable

import pytest
from flask import Flask

from tests.browser.helpers import LOADED, log_in, shot
from tests.factories import make_user
from tests.support import DATABASES, leaflet_image, wait_until

pytestmark = pytest.mark.browser
LEAFLET_URL = re.compile(r"/leaflets/\d+$")


@pytest.fixture
def photos(tmp_path: Path) -> list[str]:
    paths = []
    for name, words in (("front.jpg", ["FRONT OF LEAFLET"]), ("back.jpg", ["BACK OF LEAFLET"])):
        path = tmp_path / name
        path.write_bytes(leaflet_image(words, size=(620, 877)))
        paths.append(str(path))
    return paths


def open_upload(page: Any, base: str, check: Callable[[Any], None]) -> None:
    page.goto(f"{base}/upload")
    assert page.evaluate("document.scrollingElement.scrollWidth") <= page.viewport_size["width"]
    check(page)


def fill_basics(page: Any, photos: list[str]) -> None:
    page.set_input_files("#images", photos[:1])
    page.locator("#previews li").first.wait_for()
    page.select_option("#party", "labour")


def upload_and_land(page: Any) -> str:
    page.click("#submit-upload")
    page.wait_for_url(LEAFLET_URL)
    return page.locator(".leaflet-summary").inner_text()


@pytest.mark.parametrize("database_url", DATABASES, indirect=True)
def test_full_postcode_gives_the_constituency_to_confirm(
    live_server, sized_page, assert_accessible, photos, tmp_path
):
    page = sized_page
    open_upload(page, live_server.url, assert_accessible)
    fill_basics(page, photos)
    page.fill("#postcode", "ng7 2rd")  # asked as soon as a whole postcode is typed
    legend = page.locator("#place-question legend")
    legend.wait_for()
    assert legend.inner_text() == "NG7 2RD is in Nottingham South: is that where it was delivered?"
    assert page.get_by_label("Yes, Nottingham South").is_checked()
    assert page.locator("#place input[type=radio]").count() == 2  # yes, or "I don't know"
    assert_accessible(page)
    shot(page, "upload-full-postcode", tmp_path)
    assert "Nottingham South" in upload_and_land(page)
    assert "2RD" not in page.content()


@pytest.mark.parametrize(
    ("postcode", "asked", "radios", "shown", "choice"),
    [
        ("B31 1", "B31 1 covers 2 constituencies", 3, "50% of its postcodes", "Birmingham Edgbaston"),
        ("BT1 5GS", "is in Northern Ireland", 19, "Upper Bann", "Belfast South and Mid Down"),
    ],
    ids=["split-sector", "northern-ireland"],
)
def test_a_split_sector_or_northern_ireland_offers_choices_with_none_chosen(
    live_server, sized_page, assert_accessible, photos, tmp_path, postcode, asked, radios, shown, choice
):
    page = sized_page
    open_upload(page, live_server.url, assert_accessible)
    fill_basics(page, photos)
    page.fill("#postcode", postcode)
    page.locator("#postcode").press("Enter")  # a part of a postcode is asked when the voter says so
    page.locator("#place-question legend").wait_for()
    assert asked in page.locator("#place-question legend").inner_text()
    assert page.locator("#place input[type=radio]").count() == radios
    assert page.locator("#place input[type=radio]:checked").count() == 0
    assert shown in page.locator("#place-question").inner_text()
    assert_accessible(page)
    shot(page, f"upload-{postcode.replace(' ', '')}", tmp_path)
    page.get_by_label(choice).check()
    assert choice in upload_and_land(page)


@pytest.mark.parametrize("database_url", DATABASES, indirect=True)
def test_i_dont_know_then_a_volunteer_finds_the_place(
    live_app: Flask, live_server, sized_page, assert_accessible, photos, tmp_path
):
    with live_app.app_context():
        volunteer = make_user("volunteer", name="Vee").email
    page = sized_page
    open_upload(page, live_server.url, assert_accessible)
    fill_basics(page, photos)
    page.select_option("#area", "unknown")
    assert "Place not known yet" in upload_and_land(page)
    log_in(page, live_server.url, volunteer)
    page.goto(f"{live_server.url}/volunteer")
    page.get_by_role("link", name=re.compile("1 leaflet\\s+needs a place")).click()
    page.wait_for_url(re.compile("/volunteer/places$"))
    assert_accessible(page)
    shot(page, "needs-a-place", tmp_path)
    page.locator(".place-card select").select_option(label="Woking")
    page.get_by_role("button", name=re.compile("Set the place")).click()
    page.wait_for_url(re.compile("/volunteer/places$"))
    assert "now placed in Woking" in page.content() and "Every leaflet has a place" in page.content()


def test_every_error_at_once_beside_its_field_and_in_the_summary(
    live_server, sized_page, assert_accessible, tmp_path
):
    page = sized_page
    open_upload(page, live_server.url, assert_accessible)
    page.fill("#postcode", "XX")
    page.click("#submit-upload")
    summary = page.locator("#error-summary")
    summary.wait_for()
    assert page.evaluate("document.activeElement.id") == "error-summary"
    links = summary.locator("a")
    assert links.count() == 3
    for field in ("images", "party", "postcode"):
        control = page.locator(f"#{field}")
        assert control.get_attribute("aria-invalid") == "true"
        assert f"{field}-error" in control.get_attribute("aria-describedby")
        assert page.locator(f"#{field}-error").is_visible()
    assert_accessible(page)
    shot(page, "upload-errors", tmp_path)
    links.nth(1).click()
    assert page.evaluate("document.activeElement.id") == "party"


def test_errors_after_sending_photos_keep_them_and_show_them(
    live_server, sized_page, assert_accessible, photos, tmp_path
):
    page = sized_page
    open_upload(page, live_server.url, assert_accessible)
    page.set_input_files("#images", photos)
    page.locator("#previews li").nth(1).wait_for()
    page.fill("#title", "x" * 300)
    page.evaluate("document.getElementById('title').removeAttribute('maxlength')")
    page.fill("#title", "x" * 301)
    page.click("#submit-upload")  # sent by the script with a progress bar; the errors come back in place
    page.locator("#error-summary").wait_for()
    assert page.locator("#error-summary li").count() == 3  # party, place, title
    # With the script, the kept photos join the picker's list, each marked "kept".
    assert page.locator("#previews li .kept-tag").count() == 2
    # Polled from Python: Playwright's in-page polling evaluates a string, which the site's CSP forbids.
    wait_until(lambda: page.evaluate(LOADED.format("#previews img")), what="the kept photos to load")
    assert_accessible(page)
    shot(page, "upload-errors-kept-photos", tmp_path)
    page.select_option("#party", "green")
    page.select_option("#area", "E14001063")
    page.fill("#title", "Fixed")
    assert "Aldershot" in upload_and_land(page)
    assert page.locator("main .gallery img").count() == 2


def test_the_picker_shows_what_was_chosen_and_hides_the_native_control(
    live_server, sized_page, assert_accessible, photos, tmp_path
):
    page = sized_page
    open_upload(page, live_server.url, assert_accessible)
    native = page.locator("#images").bounding_box()
    assert native["width"] <= 1 and native["height"] <= 1  # "No file chosen" never shows
    page.set_input_files("#images", photos)
    page.locator("#previews li").nth(1).wait_for()
    assert page.locator("#picked").inner_text() == "2 photos chosen."
    assert page.locator("#previews .file-name").all_inner_texts() == ["front.jpg", "back.jpg"]
    wait_until(lambda: page.evaluate(LOADED.format("#previews img")), what="the previews to load")
    assert_accessible(page)
    shot(page, "upload-picker", tmp_path)
    page.get_by_role("button", name="Remove photo 1").click()
    assert page.locator("#picked").inner_text() == "1 photo chosen."
    assert page.evaluate("document.activeElement.id") == "images"  # the keyboard stays on the picker
    outline = page.evaluate("getComputedStyle(document.querySelector('label[for=images]')).outlineStyle")
    assert outline == "solid"  # the focus shows on the button-like label


def test_without_javascript_a_full_postcode_comes_back_to_confirm(
    live_server, no_script_page, assert_accessible, photos, tmp_path
):
    page = no_script_page
    page.goto(f"{live_server.url}/upload")
    assert page.locator("#images").bounding_box()["width"] > 100  # a plain file input
    page.set_input_files("#images", photos[0])
    page.select_option("#party", "green")
    page.fill("#postcode", "NG7 2RD")
    page.click("#submit-upload")
    page.locator("#error-summary").wait_for()
    assert (
        page.locator("#error-summary li").inner_text()
        == "Confirm the constituency: NG7 2RD is in Nottingham South."
    )
    assert page.get_by_label("Yes, Nottingham South").is_checked()
    assert "We kept your 1 photo" in page.content()
    assert_accessible(page)
    shot(page, "upload-confirm", tmp_path)
    page.locator("#title").fill("Sent with the Enter key")
    page.locator("#title").press("Enter")  # the form's default button uploads; it does not look up again
    page.wait_for_url(LEAFLET_URL)
    assert "Nottingham South" in page.content() and "Sent with the Enter key" in page.content()


def test_without_javascript_find_answers_the_postcode(
    live_server, no_script_page, assert_accessible, photos, tmp_path
):
    page = no_script_page
    page.goto(f"{live_server.url}/upload")
    page.set_input_files("#images", photos[0])
    page.fill("#postcode", "B31 1")
    page.click("#find-place")
    page.get_by_label("Birmingham Edgbaston").wait_for()
    assert page.locator("#error-summary").count() == 0 and "We kept your 1 photo" in page.content()
    assert page.locator("#place input[type=radio]:checked").count() == 0
    assert_accessible(page)
    shot(page, "upload-find", tmp_path)


def test_guidance_pages_are_reachable_from_the_upload_page_and_the_footer(
    live_server, sized_page, assert_accessible, tmp_path
):
    page = sized_page
    open_upload(page, live_server.url, assert_accessible)
    shot(page, "upload-page", tmp_path)
    page.locator(".guidance").get_by_role("link", name="Privacy").click()
    page.wait_for_url(re.compile("/privacy$"))
    assert_accessible(page)
    shot(page, "privacy", tmp_path)
    for name, path in (("About", "/about"), ("Licence and data", "/licence")):
        page.locator("footer").get_by_role("link", name=name).click()
        page.wait_for_url(re.compile(f"{path}$"))
        assert page.evaluate("document.scrollingElement.scrollWidth") <= page.viewport_size["width"]
        assert_accessible(page)
        shot(page, path.strip("/"), tmp_path)
