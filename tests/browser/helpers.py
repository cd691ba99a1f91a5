"""Helpers for the browser tests: window sizes, logging in and filling the upload form as a voter would."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from tests.support import PASSWORD


def log_in(page: Any, base: str, email: str) -> None:
    page.goto(f"{base}/login")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_load_state()


PHONE = {"width": 360, "height": 740}


DESKTOP = {"width": 1280, "height": 900}

# True once every image the selector finds has loaded.
LOADED = "Array.from(document.querySelectorAll('{}')).every(i => i.complete && i.naturalWidth > 0)"


def fill_upload(page: Any, base: str, photo: Path, party: str) -> None:
    """Open the upload form with one photo, a party and an Aberdeen South postcode, its constituency shown to
    confirm; the caller fills the rest and sends it."""
    page.goto(f"{base}/upload")
    page.set_input_files("#images", str(photo))
    page.locator("#previews li").first.wait_for()
    page.select_option("#party", party)
    page.fill("#postcode", "AB11 5QN")
    page.get_by_label("Yes, Aberdeen South").wait_for()


def shot(page: Any, name: str, tmp_path: Path) -> None:
    """Keep a screenshot to look at (SCREENSHOT_DIR keeps them after the run)."""
    folder = Path(os.environ.get("SCREENSHOT_DIR") or tmp_path)
    folder.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(folder / f"{name}-{page.size_name}.png"), full_page=True)
