"""Schemathesis against the live app (real gunicorn, tests/servers.py): requests generated from
leaflets/api/openapi.json, valid and not, for every documented operation; none may get a server error.
Bounded (a few examples per operation, fixed seed) so the suite stays quick and repeatable."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from flask import Flask

from leaflets.services import accounts, indexing
from tests import servers
from tests.factories import add_leaflet, make_user
from tests.support import REPO, both_databases, flush

EXAMPLES_PER_OPERATION = 8


@pytest.mark.slow
@both_databases
def test_generated_requests_never_get_a_server_error(app: Flask, database_url: str, tmp_path: Path) -> None:
    leaflet = add_leaflet(title="Better buses")  # so leaflet ids that exist are among those tried
    indexing.leaflet_changed(leaflet.id)  # and the search index exists (the server shares INDEX_DIR)
    flush()
    token = accounts.issue_api_token(make_user("volunteer"))
    env = servers.app_env(database_url, tmp_path, RATELIMIT_ENABLED="false", OCR_START_WORKERS="false")
    with servers.gunicorn(env, tmp_path / "gunicorn.log") as port:
        result = subprocess.run(
            [
                str(Path(sys.executable).with_name("schemathesis")),
                "run",
                str(REPO / "leaflets/api/openapi.json"),
                "--url",
                f"http://127.0.0.1:{port}/api/v1",
                "--checks",
                "not_a_server_error",
                "--phases",
                "examples,fuzzing",
                "--max-examples",
                str(EXAMPLES_PER_OPERATION),
                "--seed",
                "14",
                "--workers",
                "2",
                "--request-timeout",
                "60",
                "--suppress-health-check",
                "all",
                "--header",
                f"Authorization: Bearer {token}",
            ],
            cwd=tmp_path,
            capture_output=True,
            text=True,
            timeout=900,
        )
    assert result.returncode == 0, (
        result.stdout[-6000:] + result.stderr[-2000:] + (tmp_path / "gunicorn.log").read_text()[-3000:]
    )
    assert "No issues found" in result.stdout or "passed" in result.stdout, result.stdout[-3000:]
