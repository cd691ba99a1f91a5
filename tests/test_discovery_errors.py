"""The elections index, /random, the 404 page with a search box, the site's own 414 (also under gunicorn)."""

from __future__ import annotations

import os
import subprocess
import sys
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from tests.factories import add_leaflet
from tests.support import REPO, both_databases, free_port, wait_until


@both_databases
def test_elections_index_lists_every_election_newest_first_with_live_counts(client):
    add_leaflet(election="ge-2024")
    add_leaflet(election="ge-2024", status="hidden")
    add_leaflet(election="local-2025")
    page = client.get("/elections").get_data(as_text=True)
    assert (
        page.index("Senedd election 2026")
        < page.index("Local elections 2025")
        < page.index("UK general election 2024")
    )
    row = page[page.index("UK general election 2024") :]
    assert row[: row.index("</tr>")].rstrip().endswith("<td>1</td>")
    assert 'href="/elections/ge-2024"' in page
    assert '<a href="/elections">Elections</a>' in client.get("/").get_data(as_text=True)  # in the nav


@both_databases
def test_random_goes_to_live_leaflets_only(client):
    live = add_leaflet()
    for _ in range(5):
        add_leaflet(status="hidden")
    add_leaflet(status="removed")
    for _ in range(15):
        response = client.get("/random")
        assert response.status_code == 302 and response.headers["Location"].endswith(f"/leaflets/{live.id}")
        assert response.headers["Cache-Control"] == "no-store"


def test_random_with_nothing_live_is_the_404_page(client):
    assert client.get("/random").status_code == 404
    add_leaflet(status="hidden")
    response = client.get("/random")
    assert response.status_code == 404 and 'name="q"' in response.get_data(as_text=True)


def test_404_is_a_page_with_a_search_box_or_json_for_the_api(client):
    response = client.get("/no/such/page")
    page = response.get_data(as_text=True)
    assert response.status_code == 404 and response.mimetype == "text/html"
    assert "We could not find that page" in page and '<form class="search-form" role="search"' in page
    assert '<label for="error-search">' in page and 'action="/search"' in page
    api = client.get("/api/v1/no-such-thing")
    assert api.status_code == 404 and api.get_json()["error"]["code"] == "not_found"


def test_a_too_long_address_gets_the_site_414_page(client):
    response = client.get("/search?q=" + "pothole+" * 600)
    assert response.status_code == 414
    page = response.get_data(as_text=True)
    assert (
        "That web address is too long" in page and 'name="q"' in page and "at most 4,096 characters" in page
    )
    api = client.get("/api/v1/search?q=" + "x" * 5000)
    assert api.status_code == 414 and api.get_json()["error"]["code"] == "uri_too_long"
    assert client.get("/elections?ref=" + "x" * 4000).status_code == 200  # long but allowed


@pytest.mark.slow
def test_gunicorn_passes_long_addresses_to_the_app(tmp_path: Path, database_url: str):
    """Under `make run`'s gunicorn settings, a 5,000-character address reaches Flask and gets our page."""
    port = free_port()
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "UPLOAD_DIR": str(tmp_path / "uploads"),
        "INDEX_DIR": str(tmp_path / "index"),
        "SECRET_KEY": "gunicorn-test",
        "LOG_LEVEL": "WARNING",
    }
    server = subprocess.Popen(
        [
            str(Path(sys.executable).parent / "gunicorn"),
            "-c",
            "gunicorn.conf.py",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            "1",
            "--threads",
            "2",
            "wsgi:app",
        ],
        cwd=REPO,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:

        def fetch(path: str) -> tuple[int, str]:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}{path}", timeout=10) as response:
                    return response.status, response.read().decode()
            except urllib.error.HTTPError as error:
                return error.code, error.read().decode()
            except OSError:
                return 0, ""

        wait_until(lambda: fetch("/elections")[0] == 200, 60, "gunicorn to serve")
        status, body = fetch("/search?q=" + "pothole+" * 625)  # 5,010 characters: gunicorn's default refuses
        assert status == 414 and "That web address is too long" in body and "Straight Choice" in body
    finally:
        server.terminate()
        server.wait(timeout=30)
