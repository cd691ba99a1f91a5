"""Log out is a small header form (a POST with the CSRF token), usable by keyboard at 360 and 1280 px."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any, Callable

import pytest
from flask import Flask

from tests.browser.helpers import log_in
from tests.factories import make_user

pytestmark = pytest.mark.browser


@pytest.fixture
def volunteer(live_app: Flask) -> str:
    with live_app.app_context():
        return make_user("volunteer").email


@pytest.mark.parametrize("page_fixture", ["phone_page", "desktop_page"])
def test_the_header_logs_out_by_keyboard(
    request: pytest.FixtureRequest,
    live_server: Any,
    volunteer: str,
    page_fixture: str,
    assert_accessible: Callable[[Any], None],
    tmp_path: Path,
) -> None:
    page, base = request.getfixturevalue(page_fixture), live_server.url
    log_in(page, base, volunteer)
    page.goto(f"{base}/volunteer")
    button = page.get_by_role("button", name="Log out")
    assert button.is_visible()
    button.focus()
    outline = button.evaluate("element => getComputedStyle(element).outlineStyle")
    assert outline == "solid"  # the site's visible focus ring
    assert_accessible(page)
    page.screenshot(path=str(Path(os.environ.get("SCREENSHOT_DIR", tmp_path)) / f"logout-{page_fixture}.png"))
    page.keyboard.press("Enter")
    page.wait_for_url(f"{base}/")
    assert page.get_by_text("You are logged out.").is_visible()
    assert page.get_by_role("link", name="Log in").is_visible()
    page.goto(f"{base}/volunteer")
    assert page.url.startswith(f"{base}/login")
