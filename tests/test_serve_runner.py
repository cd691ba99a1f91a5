"""`make run`'s runner (leaflets.serve): web and OCR processes start together, do the work, stop together.

Started exactly as the Makefile starts it (`python -m leaflets.serve`, configured by the environment) against
this test's database; an upload through the API gets its photo's variants and text from the OCR processes
(the web processes run no OCR), and a signal to the runner leaves no process behind.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import urllib.request
from pathlib import Path

import pytest

from tests.servers import app_env, free_port
from tests.support import REPO, leaflet_image, upload_fields, wait_until


def _children(pid: int) -> set[int]:
    """Every process descended from `pid` (read from /proc)."""
    parents: dict[int, int] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            parents[int(entry.name)] = int(fields[1])
    found, frontier = set(), {pid}
    while frontier:
        frontier = {child for child, parent in parents.items() if parent in frontier} - found
        found |= frontier
    return found


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


def _get(port: int, path: str) -> tuple[int, bytes, dict[str, str]]:
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}{path}", timeout=10) as response:
            return response.status, response.read(), dict(response.headers)
    except OSError:
        return 0, b"", {}


def _post_leaflet(port: int, photo: bytes) -> dict:
    boundary = "----load-test-boundary"
    parts = []
    for name, value in upload_fields(title="Runner test").items():
        parts.append(
            f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'.encode()
        )
    parts.append(
        f'--{boundary}\r\nContent-Disposition: form-data; name="images"; filename="front.jpg"\r\n'
        f"Content-Type: image/jpeg\r\n\r\n".encode()
        + photo
        + b"\r\n"
    )
    body = b"".join(parts) + f"--{boundary}--\r\n".encode()
    request = urllib.request.Request(
        f"http://127.0.0.1:{port}/api/v1/leaflets",
        data=body,
        method="POST",
        headers={"Content-Type": f"multipart/form-data; boundary={boundary}"},
    )
    with urllib.request.urlopen(request, timeout=60) as response:
        assert response.status == 201
        return json.loads(response.read())


def _start(database_url: str, tmp_path: Path, log_path: Path) -> tuple[subprocess.Popen[bytes], int]:
    port = free_port()
    env = {
        **os.environ,
        **app_env(
            database_url,
            tmp_path,
            RATELIMIT_ENABLED="0",
            LOG_LEVEL="WARNING",
            WEB_WORKERS="2",
            OCR_WORKERS="1",
            OCR_POLL_S="0.5",
            VARIANT_POLL_S="0.3",
        ),
    }
    with open(log_path, "wb") as log:
        runner = subprocess.Popen(
            [sys.executable, "-m", "leaflets.serve", "--port", str(port)],
            cwd=REPO,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    wait_until(lambda: _get(port, "/api/v1/parties")[0] == 200 or runner.poll() is not None, 90, "the site")
    assert runner.poll() is None, log_path.read_text()[-3000:]
    return runner, port


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_the_runner_serves_reads_photos_in_its_own_processes_and_stops_everything(
    database_url: str, tmp_path: Path
) -> None:
    log_path = tmp_path / "serve.log"
    runner, port = _start(database_url, tmp_path, log_path)
    try:
        processes = _children(runner.pid)
        commands = [
            Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ") for pid in processes if _alive(pid)
        ]
        assert sum(b"gunicorn" in c for c in commands) == 3  # the arbiter and WEB_WORKERS=2 processes
        assert sum(b"ocr work" in c for c in commands) == 1  # OCR_WORKERS=1

        leaflet = _post_leaflet(port, leaflet_image(["VOTE FOR BETTER BUSES", "Fix our potholes now"]))

        def text() -> str:
            status, body, _ = _get(port, f"/leaflets/{leaflet['id']}/ocr.json")
            image = json.loads(body)["images"][0] if status == 200 else {}
            return image.get("text") or "" if image.get("status") == "done" else ""

        assert "POTHOLES" in wait_until(text, 180, "the OCR text").upper()
        status, body, _ = _get(port, f"/leaflets/{leaflet['id']}/ocr.json")
        photo = json.loads(body)["images"][0]["photo"]
        assert "/images/" in photo["display"]  # the variants were made: the real photo, not the placeholder
        assert _get(port, photo["display"].split(f":{port}", 1)[-1])[0] == 200
        assert "Traceback" not in log_path.read_text()
    finally:
        runner.send_signal(signal.SIGTERM)
        assert runner.wait(timeout=60) == 0
    assert not [pid for pid in processes if _alive(pid)], "a process outlived the runner"


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_ctrl_c_stops_every_process(database_url: str, tmp_path: Path) -> None:
    runner, _port = _start(database_url, tmp_path, tmp_path / "serve.log")
    processes = _children(runner.pid)
    assert len(processes) >= 4
    runner.send_signal(signal.SIGINT)
    assert runner.wait(timeout=60) == 0
    assert not [pid for pid in processes if _alive(pid)]


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_when_one_process_dies_the_runner_stops_the_rest_and_says_so(
    database_url: str, tmp_path: Path
) -> None:
    log_path = tmp_path / "serve.log"
    runner, _port = _start(database_url, tmp_path, log_path)
    processes = _children(runner.pid)
    ocr_worker = next(pid for pid in processes if b"ocr\0work" in Path(f"/proc/{pid}/cmdline").read_bytes())
    os.kill(ocr_worker, signal.SIGKILL)
    assert runner.wait(timeout=60) == 1
    assert not [pid for pid in processes if _alive(pid)]
    assert "ocr-0 exited" in log_path.read_text()
