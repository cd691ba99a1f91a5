"""Helpers for the browser tests: window sizes and logging in through the real form."""

from __future__ import annotations

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
