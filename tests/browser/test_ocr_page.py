"""In Chromium: the leaflet page fills in the OCR text without a reload, and a word shows its box on the
photo."""

from __future__ import annotations

from typing import Any, Callable

import pytest
from flask import Flask

from leaflets.ocr_queue.settings import QueueSettings
from leaflets.ocr_queue.worker import Worker
from tests.factories import pending_leaflet
from tests.support import PAGE, SIZE, leaflet_image

pytestmark = pytest.mark.browser


def test_text_appears_without_reload_and_words_point_at_the_photo(
    live_app: Flask, live_server: Any, phone_page: Any, assert_accessible: Callable[[Any], None]
) -> None:
    with live_app.app_context():
        leaflet_id, [image_id] = pending_leaflet([leaflet_image(PAGE, size=SIZE)])
    page = phone_page
    page.goto(f"{live_server.url}/leaflets/{leaflet_id}")
    section = page.locator(f"#ocr-{image_id}")
    assert section.get_attribute("data-ocr-status") == "pending"
    assert "being read" in section.inner_text()
    page.evaluate("window.__notReloaded = true")

    assert Worker(live_app, QueueSettings.from_config(live_app.config), "browser-test").run(max_jobs=1) == 1

    page.wait_for_selector(f'#ocr-{image_id}[data-ocr-status="done"]', timeout=20_000)
    assert page.evaluate("window.__notReloaded") is True  # updated in place
    words = page.locator(f"#ocr-{image_id} .ocr-words")
    assert "POTHOLES" in words.inner_text().upper()
    assert page.locator('[role="status"]').last.inner_text().startswith("The text of photo 1 is ready")

    word = page.locator(f"#ocr-{image_id} .w", has_text="BETTER").first
    word.scroll_into_view_if_needed()
    word.tap()
    overlay = page.locator(".ocr-box")
    overlay.wait_for(state="visible")
    photo = page.locator("img[src*='/display']").first.bounding_box()
    box = overlay.bounding_box()
    assert box is not None and photo is not None
    assert photo["x"] - 3 <= box["x"] and box["x"] + box["width"] <= photo["x"] + photo["width"] + 3
    assert photo["y"] - 3 <= box["y"] and box["y"] + box["height"] <= photo["y"] + photo["height"] * 0.5
    assert box["width"] > box["height"]  # a word on a line, in the top half of the page

    page.keyboard.press("ArrowRight")  # focus moves along the words; the box follows
    assert page.evaluate("document.activeElement.classList.contains('w')")
    assert overlay.bounding_box()["x"] > box["x"]
    page.keyboard.press("Escape")
    assert overlay.is_hidden()
    assert_accessible(page)


def test_the_text_is_there_without_javascript(live_app: Flask, live_server: Any, browser: Any) -> None:
    with live_app.app_context():
        leaflet_id, [image_id] = pending_leaflet([leaflet_image(PAGE, size=SIZE)])
    assert Worker(live_app, QueueSettings.from_config(live_app.config), "no-js").run(max_jobs=1) == 1
    context = browser.new_context(java_script_enabled=False)
    try:
        page = context.new_page()
        page.goto(f"{live_server.url}/leaflets/{leaflet_id}")
        text = page.locator(f"#ocr-{image_id} .ocr-words").inner_text()
        assert "POTHOLES" in text.upper()
        assert page.locator(f"#ocr-{image_id} .ocr-hint").is_hidden()  # the hover hint needs the script
    finally:
        context.close()
