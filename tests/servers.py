"""Start the app under real gunicorn, as `make run` does, on a free port (for faults that are gunicorn's).

The command is the Makefile's: `gunicorn -c gunicorn.conf.py --workers 1 --threads 8 --timeout 120 wsgi:app`,
configured through the environment like a deployment; only the control socket is off, since every gunicorn on
this machine would otherwise share one in the home folder.
"""

from __future__ import annotations

import http.client
import os
import socket
import subprocess
import sys
import time
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

from tests.support import REPO

START_TIMEOUT_S = 60


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _answering(port: int) -> bool:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
    try:
        connection.request("GET", "/api/v1/parties")
        response = connection.getresponse()
        response.read()
        return response.status == 200
    except OSError:
        return False
    finally:
        connection.close()


@contextmanager
def gunicorn(env: dict[str, str], log_path: Path) -> Iterator[int]:
    """Serve wsgi:app with `env` added to this environment; yields the port, stops the server after."""
    port = free_port()
    command = [
        str(Path(sys.executable).with_name("gunicorn")),
        "-c",
        "gunicorn.conf.py",
        "--no-control-socket",
        "--bind",
        f"127.0.0.1:{port}",
        "--workers",
        "1",
        "--threads",
        "8",
        "--timeout",
        "120",
        "wsgi:app",
    ]
    with open(log_path, "wb") as log:
        server = subprocess.Popen(
            command,
            cwd=REPO,
            env={**os.environ, "LOG_LEVEL": "WARNING", **env},
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    try:
        deadline = time.monotonic() + START_TIMEOUT_S
        while not _answering(port):
            if server.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"gunicorn did not start: {log_path.read_text()[-3000:]}")
            time.sleep(0.2)
        yield port
    finally:
        server.terminate()
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()


def app_env(database_url: str, tmp_path: Path, **extra: str) -> dict[str, str]:
    """The environment a deployment would set, for this test's database and folders. Under `make test-scale`
    the server searches PostgreSQL, as the test's own app does (both must read the index the test wrote)."""
    scale = os.environ.get("TEST_SCALE_ENGINES") == "1" and database_url.startswith("postgresql")
    return {
        "DATABASE_URL": database_url,
        "SECRET_KEY": "test-secret",
        "UPLOAD_DIR": str(tmp_path / "uploads"),
        "INDEX_DIR": str(tmp_path / "index"),
        **({"SEARCH_BACKEND": "postgres"} if scale else {}),
        **extra,
    }
