"""In Chromium: a leaflet uploaded with IMAGE_VARIANTS=background shows a placeholder, then its photo as soon
as the variant worker has made it, without a reload; no broken image at any moment. Its uploader's "is this
the same leaflet?" question, asked after the worker's look-alike check, arrives the same way."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any, Callable

import pytest
from flask import Flask
from sqlalchemy import select

from leaflets import runtime
from leaflets.extensions import db
from leaflets.models import PendingPhoto
from leaflets.ocr_queue.variants import VariantWorker
from leaflets.ocr_queue.worker import Wakeup
from leaflets.storage import HELD
from tests.browser.helpers import fill_upload
from tests.near_duplicate_images import encode, rephotograph, template_leaflet
from tests.support import leaflet_image, multipart, upload_fields, wait_until

pytestmark = pytest.mark.browser
SHOTS = Path("/tmp/straight-choice-screens")


@pytest.fixture
def live_app(make_app: Callable[..., Flask]) -> Flask:
    return make_app(WTF_CSRF_ENABLED=True, SERVER_NAME=None, IMAGE_VARIANTS="background")


def _all_loaded(page: Any) -> None:
    # polled from here: the site's Content-Security-Policy refuses wait_for_function's evaluated strings
    wait_until(lambda: page.evaluate("[...document.images].every(i => i.complete)"), 20, "images to load")


def _broken_images(page: Any) -> int:
    return page.evaluate("[...document.images].filter(i => i.complete && i.naturalWidth === 0).length")


@pytest.mark.parametrize("width", [360, 1280])
def test_the_placeholder_gives_way_to_the_photo_without_a_reload(
    live_app: Flask, live_server: Any, browser: Any, width: int, assert_accessible: Callable[[Any], None]
) -> None:
    response = live_app.test_client().post(
        "/api/v1/leaflets",
        content_type="multipart/form-data",
        data=multipart(upload_fields(), [(leaflet_image(), "front.jpg")]),
    )
    assert response.status_code == 201
    leaflet_id = response.get_json()["id"]
    context = browser.new_context(viewport={"width": width, "height": 900})
    page = context.new_page()
    try:
        page.goto(f"{live_server.url}/leaflets/{leaflet_id}")
        photo = page.locator("img[data-ocr-photo]").first
        assert photo.get_attribute("src").endswith("/static/img/photo-pending.svg")
        _all_loaded(page)
        assert _broken_images(page) == 0
        SHOTS.mkdir(exist_ok=True)
        page.screenshot(path=str(SHOTS / f"photo-pending-{width}.png"), full_page=False)
        assert_accessible(page)
        page.evaluate("window.__notReloaded = true")

        assert VariantWorker(live_app, "browser", Wakeup()).run(stop_when_idle=True) == 1

        source = "document.querySelector('img[data-ocr-photo]').src"
        wait_until(lambda: "/images/" in page.evaluate(source), 30, "the photo to replace the placeholder")
        _all_loaded(page)
        assert page.evaluate("window.__notReloaded") is True
        assert _broken_images(page) == 0
        assert page.evaluate("document.querySelector('img[data-ocr-photo]').naturalWidth") > 400
        page.screenshot(path=str(SHOTS / f"photo-landed-{width}.png"), full_page=False)
    finally:
        context.close()


def test_a_photo_that_cannot_be_prepared_says_so_without_a_reload(
    live_app: Flask, live_server: Any, desktop_page: Any, assert_accessible: Callable[[Any], None]
) -> None:
    """The held upload turns out undecodable: the placeholder becomes "could not be prepared", never a
    broken image and never "being prepared" for ever."""
    response = live_app.test_client().post(
        "/api/v1/leaflets",
        content_type="multipart/form-data",
        data=multipart(upload_fields(), [(leaflet_image(["Damaged later"]), "front.jpg")]),
    )
    assert response.status_code == 201
    leaflet_id = response.get_json()["id"]
    page = desktop_page
    page.goto(f"{live_server.url}/leaflets/{leaflet_id}")
    photo = page.locator("img[data-ocr-photo]").first
    assert photo.get_attribute("src").endswith("/static/img/photo-pending.svg")
    page.evaluate("window.__notReloaded = true")
    with live_app.app_context():
        held = db.session.scalar(select(PendingPhoto.held_key))
        damaged = b"\xff\xd8\xff" + b"\x00" * 500  # damaged since
        runtime.storage().put(held, HELD, damaged, "application/octet-stream")
    assert VariantWorker(live_app, "browser", Wakeup()).run(stop_when_idle=True) == 1

    source = "document.querySelector('img[data-ocr-photo]').getAttribute('src')"
    wait_until(lambda: page.evaluate(source).endswith("/photo-failed.svg"), 30, "the failed placeholder")
    _all_loaded(page)
    assert page.evaluate("window.__notReloaded") is True
    assert _broken_images(page) == 0
    assert photo.get_attribute("alt").startswith("This photo could not be prepared")
    assert "could not be prepared" in page.locator("[role=status]").inner_text()
    SHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SHOTS / "photo-failed.png"), full_page=False)
    assert_accessible(page)
    page.reload()
    assert page.locator("p.photo-failed").inner_text() == "This photo could not be prepared."


def test_the_uploaders_question_arrives_without_a_reload(
    live_app: Flask,
    live_server: Any,
    desktop_page: Any,
    assert_accessible: Callable[[Any], None],
    tmp_path: Path,
) -> None:
    """The look-alike check runs in the variant worker after the upload is published: the uploader's leaflet
    page, already open, shows "Is this the same leaflet as this one?" when the poll brings it."""
    first = live_app.test_client().post(
        "/api/v1/leaflets",
        content_type="multipart/form-data",
        data=multipart(upload_fields(), [(encode(template_leaflet("Jane Smith", 1), quality=92), "a.jpg")]),
    )
    assert first.status_code == 201
    VariantWorker(live_app, "browser", Wakeup()).run(stop_when_idle=True)
    photo = tmp_path / "again.jpg"
    photo.write_bytes(encode(rephotograph(template_leaflet("Jane Smith", 1), 2), quality=85))
    page = desktop_page
    fill_upload(page, live_server.url, photo, "labour")
    page.click("#submit-upload")
    page.wait_for_url(re.compile(r"/leaflets/\d+$"))
    assert page.locator("#same-question[data-same-checking]").count() == 1
    assert page.locator("section.same-question").count() == 0
    page.evaluate("window.__notReloaded = true")

    # the check (on the small picture the upload kept), then the copies
    assert VariantWorker(live_app, "browser", Wakeup()).run(stop_when_idle=True) == 1

    question = "document.querySelectorAll('section.same-question').length"
    wait_until(lambda: page.evaluate(question) == 1, 30, "the question to arrive")
    assert page.evaluate("window.__notReloaded") is True
    _all_loaded(page)
    assert _broken_images(page) == 0
    assert_accessible(page)
    page.get_by_role("button", name="No, it is different").click()
    page.wait_for_url(re.compile(r"/leaflets/\d+$"))
    assert "stays online as a leaflet of its own" in page.content()
