"""In Chromium: a moderator's turn shows the photo turned; OCR that turns a photo upright, or finds it
unreadable, updates the open page without a reload. Screenshots at 360 and 1280 px go to /tmp/shots (looked at
by hand: they are not compared)."""

from __future__ import annotations

from pathlib import Path
from typing import Any, Callable

import pytest
from flask import Flask

from leaflets.ocr_queue.settings import QueueSettings
from leaflets.ocr_queue.worker import Worker
from tests.browser.helpers import log_in
from tests.factories import make_user, pending_leaflet
from tests.support import ASK, GIBBERISH, PAGE, SIZE, leaflet_image
from tests.support import sideways as turned_anticlockwise

pytestmark = pytest.mark.browser
SHOTS = Path("/tmp/shots")
SPREAD = ["VOTE FOR BETTER BUSES", "Fix our potholes now", "Save the library"]  # a landscape tri-fold spread


def natural_size(page: Any, image_id: int) -> tuple[int, int]:
    img = page.locator(f'img[data-ocr-photo="{image_id}"]')
    page.wait_for_function("(img) => img.complete && img.naturalWidth > 0", arg=img.element_handle())
    return tuple(img.evaluate("(img) => [img.naturalWidth, img.naturalHeight]"))  # type: ignore[return-value]


def run_one_job(app: Flask, name: str) -> None:
    assert Worker(app, QueueSettings.from_config(app.config), name).run(max_jobs=1) == 1


def shoot(page: Any, name: str) -> None:
    SHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


def test_a_moderators_turn_shows_the_spread_landscape(
    live_app: Flask,
    live_server: Any,
    desktop_page: Any,
    phone_page: Any,
    assert_accessible: Callable[[Any], None],
) -> None:
    spread = turned_anticlockwise(leaflet_image(SPREAD, size=(877, 620)))  # photographed the wrong way up
    with live_app.app_context():
        leaflet_id, [image_id] = pending_leaflet([spread])
        moderator = make_user("moderator", name="Mo").email
    page = desktop_page
    page.goto(f"{live_server.url}/leaflets/{leaflet_id}")
    assert natural_size(page, image_id) == (620, 877)  # portrait: sideways
    before = page.locator(f'img[data-ocr-photo="{image_id}"]').get_attribute("src")

    log_in(page, live_server.url, moderator)
    page.goto(f"{live_server.url}/moderate/leaflets/{leaflet_id}")
    page.get_by_role("button", name="Turn photo 1 a quarter clockwise").click()
    page.wait_for_load_state()
    assert "is turned a quarter clockwise (now 877 × 620)" in page.locator(".flashes").inner_text()
    assert_accessible(page)

    page.goto(f"{live_server.url}/leaflets/{leaflet_id}")
    assert natural_size(page, image_id) == (877, 620)  # landscape, as the spread is
    assert page.locator(f'img[data-ocr-photo="{image_id}"]').get_attribute("src") != before
    run_one_job(live_app, "after-turn")  # the text is read again from the turned photo
    page.wait_for_selector(f'#ocr-{image_id}[data-ocr-status="done"]', timeout=30_000)
    assert "POTHOLES" in page.locator(f"#ocr-{image_id}").inner_text().upper()
    assert_accessible(page)
    shoot(page, "turned-1280")
    phone_page.goto(f"{live_server.url}/leaflets/{leaflet_id}")
    assert natural_size(phone_page, image_id) == (877, 620)
    assert_accessible(phone_page)
    shoot(phone_page, "turned-360")


def test_ocr_turns_a_sideways_photo_upright_and_the_open_page_follows(
    live_app: Flask, live_server: Any, phone_page: Any
) -> None:
    with live_app.app_context():
        leaflet_id, [image_id] = pending_leaflet([turned_anticlockwise(leaflet_image(PAGE, size=SIZE))])
    page = phone_page
    page.goto(f"{live_server.url}/leaflets/{leaflet_id}")
    assert natural_size(page, image_id) == (SIZE[1], SIZE[0])  # landscape: the page lies on its side
    page.evaluate("window.__notReloaded = true")
    run_one_job(live_app, "upright")
    page.wait_for_selector(f'#ocr-{image_id}[data-ocr-status="done"]', timeout=30_000)
    page.wait_for_function(f"""() => {{
        const img = document.querySelector('img[data-ocr-photo="{image_id}"]');
        return img.complete && img.naturalHeight > img.naturalWidth; }}""")
    assert natural_size(page, image_id) == SIZE  # upright, without a reload
    assert page.evaluate("window.__notReloaded") is True
    assert page.locator(f'[data-ocr-photo-size="{image_id}"]').inner_text() == f"{SIZE[0]} × {SIZE[1]}"
    word = page.locator(f"#ocr-{image_id} .w", has_text="BUSES").first
    word.scroll_into_view_if_needed()
    word.tap()
    box = page.locator(".ocr-box").bounding_box()
    photo = page.locator(f'img[data-ocr-photo="{image_id}"]').bounding_box()
    assert box is not None and photo is not None and box["width"] > box["height"]  # across the upright page
    assert photo["y"] - 3 <= box["y"] <= photo["y"] + photo["height"] * 0.5


def test_an_unreadable_photo_asks_for_help_without_a_reload(
    live_app: Flask,
    live_server: Any,
    phone_page: Any,
    desktop_page: Any,
    assert_accessible: Callable[[Any], None],
) -> None:
    with live_app.app_context():
        leaflet_id, [image_id] = pending_leaflet([leaflet_image(GIBBERISH, size=SIZE)])
        volunteer = make_user("volunteer", name="Typist").email
    page = phone_page
    page.goto(f"{live_server.url}/leaflets/{leaflet_id}")
    page.evaluate("window.__notReloaded = true")
    run_one_job(live_app, "gibberish")
    section = page.locator(f'#ocr-{image_id}[data-ocr-status="done"]')
    section.wait_for(timeout=30_000)
    assert ASK in section.inner_text() and "PLORQ" not in section.inner_text().upper()
    assert page.evaluate("window.__notReloaded") is True
    assert "you can help type it" in page.locator('[role="status"]').last.inner_text()
    assert section.get_by_role("link", name="Log in").is_visible()
    assert_accessible(page)
    shoot(page, "unreadable-360")

    desk = desktop_page
    log_in(desk, live_server.url, volunteer)
    desk.goto(f"{live_server.url}/volunteer?queue=transcribe")
    assert "(1 waiting)" in desk.locator(".queue-tabs").inner_text()
    assert_accessible(desk)
    shoot(desk, "transcribe-queue-1280")
    desk.goto(f"{live_server.url}/leaflets/{leaflet_id}")
    box = desk.get_by_label("Text of photo 1, as printed")
    assert_accessible(desk)
    shoot(desk, "unreadable-1280")
    box.fill("Save the harbour ferry")
    desk.get_by_role("button", name="Save the text").click()
    desk.wait_for_load_state()
    assert desk.url.endswith(f"/leaflets/{leaflet_id}#ocr-{image_id}")
    assert "Save the harbour ferry" in desk.locator(f"#ocr-{image_id}").inner_text()
