"""In Chromium at 360 px (and 1280 px): a voter whose photo is refused fixes only that one. The others stay in
the picker's list, a kept photo is removed and new ones are added to the rest (up to the photo limit), with
JavaScript and without it; each page checked with axe-core, screenshots kept (SCREENSHOT_DIR)."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any, Callable

import pytest
from flask import Flask
from sqlalchemy import select

from leaflets.extensions import db
from leaflets.models import Leaflet
from leaflets.services.images import sha256_of
from tests.browser.helpers import LOADED, shot
from tests.support import SIZE, leaflet_image, wait_until

pytestmark = pytest.mark.browser
LEAFLET_URL = re.compile(r"/leaflets/\d+$")
LIMIT = 3


@pytest.fixture
def live_app(make_app: Callable[..., Flask]) -> Flask:
    """As the other browser tests' app, with a photo limit low enough to reach."""
    return make_app(WTF_CSRF_ENABLED=True, SERVER_NAME=None, MAX_IMAGES=LIMIT)


@pytest.fixture
def files(tmp_path: Path) -> dict[str, Path]:
    made = {"notes.pdf": b"%PDF-1.4 minutes of the meeting"}
    for name in ("front", "back", "sharp-front", "inside", "extra"):
        made[f"{name}.jpg"] = leaflet_image([name.upper()], size=SIZE)
    for name, data in made.items():
        (tmp_path / name).write_bytes(data)
    return {name: tmp_path / name for name in made}


def published(app: Flask, files: dict[str, Path]) -> list[tuple[str, str]]:
    """The leaflet's photos as (file, role), in order."""
    names = {sha256_of(path.read_bytes()): name for name, path in files.items()}
    with app.app_context():
        leaflet = db.session.scalar(select(Leaflet))
        return [(names[image.sha256], image.role) for image in leaflet.images]


def names_and_roles(page: Any) -> list[tuple[str, str]]:
    items = page.locator("#previews li")
    return [
        (items.nth(n).locator(".file-name").inner_text(), items.nth(n).locator("select").input_value())
        for n in range(items.count())
    ]


def test_with_javascript_only_the_refused_photo_is_asked_for_again(
    live_app, live_server, sized_page, assert_accessible, files, tmp_path
):
    page = sized_page
    page.goto(f"{live_server.url}/upload")
    page.set_input_files("#images", [str(files[n]) for n in ("front.jpg", "notes.pdf", "back.jpg")])
    page.locator("#previews li").nth(2).wait_for()
    page.select_option("#party", "labour")
    page.select_option("#area", "E14001063")
    page.click("#submit-upload")
    page.locator("#error-summary").wait_for()
    assert page.locator("#error-summary li").all_inner_texts() == [
        "Photo 2 of the 3 you chose (notes.pdf) looks like a PDF document, not a photo; send a JPEG, PNG, "
        "WebP or HEIC image. It was not added: choose it again or another photo."
    ]
    assert page.locator("#staged-note").inner_text().startswith("We kept your 2 photos")
    assert names_and_roles(page) == [("front.jpg kept", "front"), ("back.jpg kept", "back")]
    assert page.locator('#kept-photos input[type="checkbox"]').count() == 0  # the list below replaces them
    wait_until(lambda: page.evaluate(LOADED.format("#previews img")), what="the kept photos to load")
    assert page.evaluate("document.scrollingElement.scrollWidth") <= page.viewport_size["width"]
    assert_accessible(page)
    shot(page, "upload-kept-after-a-refusal", tmp_path)

    page.get_by_role("button", name="Remove photo 1").click()  # a blurred front: another one replaces it
    assert page.locator("#picked").inner_text() == "1 photo: 1 kept."
    assert page.evaluate("document.activeElement.id") == "images"
    page.set_input_files("#images", [str(files["sharp-front.jpg"]), str(files["inside.jpg"])])
    page.set_input_files("#images", str(files["extra.jpg"]))  # one past the limit
    assert page.locator("#picked").inner_text() == (
        f"3 photos: 1 kept, 2 new. A leaflet can have at most {LIMIT} photos: 1 was not added."
    )
    assert names_and_roles(page) == [
        ("sharp-front.jpg", "front"),  # it takes the removed one's role, and the first place
        ("back.jpg kept", "back"),
        ("inside.jpg", "inside"),
    ]
    assert page.locator("#staged-note").inner_text().startswith("We kept your 1 photo:")
    wait_until(lambda: page.evaluate(LOADED.format("#previews img")), what="the photos to load")
    assert_accessible(page)
    shot(page, "upload-kept-removed-and-added", tmp_path)

    page.click("#submit-upload")
    page.wait_for_url(LEAFLET_URL)
    assert published(live_app, files) == [
        ("sharp-front.jpg", "front"),
        ("back.jpg", "back"),
        ("inside.jpg", "inside"),
    ]


def test_without_javascript_a_kept_photo_is_removed_with_its_checkbox(
    live_app, live_server, no_script_page, assert_accessible, files, tmp_path
):
    page = no_script_page
    page.goto(f"{live_server.url}/upload")
    page.set_input_files("#images", [str(files["front.jpg"]), str(files["back.jpg"])])
    page.click("#submit-upload")  # no party, no place: the form comes back holding both photos
    page.locator("#error-summary").wait_for()
    kept = page.locator("#kept-list li")
    assert kept.count() == 2 and kept.nth(0).locator("select").input_value() == "front"
    wait_until(lambda: page.evaluate(LOADED.format("#kept-list img")), what="the kept photos to load")
    assert page.evaluate("document.scrollingElement.scrollWidth") <= page.viewport_size["width"]
    assert_accessible(page)
    shot(page, "upload-kept-without-javascript", tmp_path)
    page.get_by_label("Remove photo 1").check()
    page.set_input_files("#images", str(files["sharp-front.jpg"]))
    page.select_option("#party", "green")
    page.select_option("#area", "E14001063")
    page.click("#submit-upload")
    page.wait_for_url(LEAFLET_URL)
    assert published(live_app, files) == [("sharp-front.jpg", "front"), ("back.jpg", "back")]
