"""Browser fixtures: the real app served on a free port, Debian's Chromium driven by Playwright, axe-core."""

from __future__ import annotations

import json
import threading
from pathlib import Path
from typing import Any, Callable, Iterator

import pytest
from flask import Flask
from werkzeug.serving import make_server

from tests.browser.helpers import DESKTOP, PHONE

AXE = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-gpu",
    "--no-first-run",
    "--disable-sync",
]


class LiveServer:
    def __init__(self, app: Flask) -> None:
        self.app = app
        self._server = make_server("127.0.0.1", 0, app, threaded=True)
        self.url = f"http://127.0.0.1:{self._server.server_port}"
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    def start(self) -> "LiveServer":
        self._thread.start()
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._thread.join(timeout=5)


@pytest.fixture
def live_app(make_app: Callable[..., Flask]) -> Flask:
    """A browser-facing app: CSRF on, as in production. Tests may build their own with make_app(...)."""
    return make_app(WTF_CSRF_ENABLED=True, SERVER_NAME=None)


@pytest.fixture
def live_server(live_app: Flask) -> Iterator[LiveServer]:
    server = LiveServer(live_app).start()
    yield server
    server.stop()


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path="/usr/bin/chromium", headless=True, args=CHROMIUM_ARGS
        )
        yield chromium
        chromium.close()


@pytest.fixture
def phone_page(browser: Any) -> Iterator[Any]:
    context = browser.new_context(
        viewport=PHONE, device_scale_factor=2, is_mobile=True, has_touch=True, bypass_csp=False
    )
    page = context.new_page()
    yield page
    context.close()


@pytest.fixture
def desktop_page(browser: Any) -> Iterator[Any]:
    context = browser.new_context(viewport=DESKTOP)
    page = context.new_page()
    yield page
    context.close()


@pytest.fixture(params=["phone", "desktop"])
def sized_page(request: pytest.FixtureRequest, browser: Any) -> Iterator[Any]:
    """A page at 360 px (a phone: touch, 2x pixels) and at 1280 px."""
    phone = request.param == "phone"
    touch = {"device_scale_factor": 2, "is_mobile": True, "has_touch": True} if phone else {}
    context = browser.new_context(viewport=PHONE if phone else DESKTOP, **touch)
    page = context.new_page()
    page.size_name = request.param
    yield page
    context.close()


@pytest.fixture
def no_script_page(browser: Any) -> Iterator[Any]:
    """The site's scripts never arrive (blocked), so the page is what a browser without JavaScript gets; the
    browser itself can still run axe-core (with JavaScript off, axe's promise never settles)."""
    context = browser.new_context(viewport=PHONE)
    context.route("**/static/js/**", lambda route: route.abort())
    page = context.new_page()
    page.size_name = "phone-nojs"
    yield page
    context.close()


def axe_violations(page: Any, impacts: tuple[str, ...] = ("serious", "critical")) -> list[dict[str, Any]]:
    """Run axe-core on the current page (evaluated over CDP, so the page's CSP does not apply)."""
    page.evaluate(AXE.read_text())
    result = page.evaluate(
        "async () => JSON.stringify(await axe.run(document, {resultTypes: ['violations']}))"
    )
    violations = json.loads(result)["violations"]
    return [
        {
            "id": v["id"],
            "impact": v["impact"],
            "help": v["help"],
            "nodes": [n["target"] for n in v["nodes"]][:5],
        }
        for v in violations
        if v["impact"] in impacts
    ]


@pytest.fixture
def assert_accessible() -> Callable[[Any], None]:
    def check(page: Any) -> None:
        problems = axe_violations(page)
        assert problems == [], json.dumps(problems, indent=1)

    return check
