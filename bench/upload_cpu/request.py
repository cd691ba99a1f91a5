"""The whole upload request as a web process runs it: gunicorn reads the request from a socket, Flask parses
the multipart body, the app checks the photos, writes the held bytes, commits the rows, runs the
"same leaflet?" check and answers, all through `POST /api/v1/leaflets`.

Each round runs the same uploads twice, once on the path as it was ("before": Werkzeug's own request, which
spools each photo over 500 kB to a temporary file and parses 64 kB at a time, and the check's JPEG decoder
fed 64 kB per call, and Python's 5 ms switch interval) and once as the app runs now,
each on a fresh copy of one migrated SQLite database and an empty upload folder (a photo the archive knows is
not checked again, so every round must start empty). The client is a separate process (forked before the
app starts any thread) that writes each request into a socket pair and reads the answer, so this process's
CPU time is the server's alone: the request thread's and those it wakes (the search index writer, flushed
before the clock stops). With `busy` threads running Python beside the requests, as a web process's other
requests do in a burst, the wall time shows what waiting to take the GIL back costs each path.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
from contextlib import contextmanager, nullcontext
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterator

from flask import Flask, Request

from bench.multipart import phone_upload
from leaflets.serve import WEB_SWITCH_INTERVAL_S

REPO = Path(__file__).resolve().parents[2]
FIELDS = {
    "party": "unknown",
    "area": "E14001063",
    "election": "ge-2024",
    "delivered_on": "2024-06-20",
    "title": "Bench leaflet",
}


def http_request(photos: list[bytes]) -> bytes:
    """One `POST /api/v1/leaflets` as a phone's browser or app would send it, headers and body."""
    body, content_type = phone_upload(FIELDS, photos)
    head = (
        "POST /api/v1/leaflets HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n"
        f"Content-Type: {content_type}\r\nContent-Length: {len(body)}\r\n\r\n"
    )
    return head.encode() + body


class Client:
    """A forked process that sends request `n` into each socket handed to it and reads the answer."""

    def __init__(self, requests: list[bytes]) -> None:
        self.control, theirs = socket.socketpair()
        self.pid = os.fork()
        if self.pid == 0:  # the client: no thread exists yet in this process, so forking is safe
            self.control.close()
            self._serve(theirs, requests)
            os._exit(0)
        theirs.close()

    @staticmethod
    def _serve(control: socket.socket, requests: list[bytes]) -> None:
        while True:
            message, fds, _flags, _address = socket.recv_fds(control, 32, 1)
            if not fds:
                return
            with socket.socket(fileno=fds[0]) as connection:
                connection.sendall(requests[int(message)])
                while connection.recv(1 << 16):
                    pass

    def connect(self, number: int) -> socket.socket:
        ours, theirs = socket.socketpair()
        socket.send_fds(self.control, [str(number).encode()], [theirs.fileno()])
        theirs.close()
        return ours

    def close(self) -> None:
        self.control.close()
        os.waitpid(self.pid, 0)


def serve_one(app: Flask, connection: socket.socket) -> int:
    """What gunicorn's gthread worker does with one request (handle_request, less its logging); the
    status."""
    from gunicorn.config import Config
    from gunicorn.http import wsgi
    from gunicorn.http.parser import RequestParser

    config = Config()
    client, server = ("127.0.0.1", 40000), ("127.0.0.1", 8000)
    request = next(RequestParser(config, connection, client))
    response, environ = wsgi.create(request, connection, client, server, config)
    environ["wsgi.multithread"] = True
    body = app(environ, response.start_response)
    try:
        for item in body:
            response.write(item)
        response.close()
    finally:
        if hasattr(body, "close"):
            body.close()
    connection.close()
    return int(response.status_code or 0)


@dataclass
class Site:
    """A migrated SQLite database with the reference data, copied fresh for each measured pass."""

    folder: Path

    @classmethod
    def prepared(cls) -> Site:
        site = cls(Path(tempfile.mkdtemp(prefix="bench-upload-request-")))
        env = {**os.environ, **site.environ(site.folder / "template")}
        for command in (("db", "upgrade"), ("load-reference-data",)):
            subprocess.run(
                [str(Path(sys.executable).with_name("flask")), "--app", "wsgi", *command],
                cwd=REPO,
                env=env,
                check=True,
                stdout=subprocess.DEVNULL,
            )
        return site

    @staticmethod
    def environ(where: Path) -> dict[str, str]:
        where.mkdir(parents=True, exist_ok=True)
        return {
            "DATABASE_URL": f"sqlite:///{where / 'bench.sqlite3'}",
            "UPLOAD_DIR": str(where / "uploads"),
            "INDEX_DIR": str(where / "index"),
            "SECRET_KEY": "bench-upload-request",
            "LOG_LEVEL": "WARNING",
            "RATELIMIT_ENABLED": "0",
            "OCR_START_WORKERS": "0",
            "IMAGE_VARIANTS": "background",
        }

    @contextmanager
    def app(self, name: str) -> Iterator[Flask]:
        """A fresh copy of the database, an app on it (configured as `make run` configures the web)."""
        from leaflets import create_app
        from leaflets.services_setup import shutdown

        where = self.folder / name
        shutil.rmtree(where, ignore_errors=True)
        settings = self.environ(where)
        shutil.copy(self.folder / "template" / "bench.sqlite3", where / "bench.sqlite3")
        saved = {key: os.environ.get(key) for key in settings}
        os.environ.update(settings)
        try:
            app = create_app()
        finally:
            for key, value in saved.items():
                if value is None:
                    os.environ.pop(key, None)
                else:
                    os.environ[key] = value
        try:
            yield app
        finally:
            shutdown(app)

    def close(self) -> None:
        shutil.rmtree(self.folder, ignore_errors=True)


def measure(site: Site, client: Client, count: int, before: bool, busy: int = 0) -> tuple[float, float]:
    """CPU ms and wall ms per request of `count` requests, one after another, on the path before upload6 or
    now; with `busy` threads running Python beside them (the CPU figure then counts theirs too)."""
    from leaflets import runtime

    name = "before" if before else "now"
    interval = sys.getswitchinterval()
    with site.app(name) as app, decoder_fed_in_blocks() if before else nullcontext(), busy_threads(busy):
        if before:
            werkzeug_request(app)
        else:  # as gunicorn.conf.py sets it in a web process
            sys.setswitchinterval(WEB_SWITCH_INTERVAL_S)
        cpu, wall = time.process_time(), time.perf_counter()
        for number in range(count):
            status = serve_one(app, client.connect(number))
            if status != 201:
                raise SystemExit(f"{name}: upload {number} answered {status}, not 201")
        with app.app_context():
            runtime.search_backend().flush()
        cpu, wall = time.process_time() - cpu, time.perf_counter() - wall
        sys.setswitchinterval(interval)
    return 1000 * cpu / count, 1000 * wall / count


def werkzeug_request(app: Flask) -> None:
    """The path before upload6: Werkzeug's own request parsing (temporary files, 64 kB steps)."""
    app.request_class = Request


@contextmanager
def decoder_fed_in_blocks() -> Iterator[None]:
    """The check's decode as before upload6: Pillow's decoder fed 64 kB at a time (it lets go of the GIL and
    takes it back for each)."""
    from leaflets.services import images

    current = images._open_bounded

    def opened(*args: Any, **kwargs: Any) -> Any:
        image = current(*args, **kwargs)
        image.decodermaxblock = 65536  # type: ignore[attr-defined]
        return image

    images._open_bounded = opened
    try:
        yield
    finally:
        images._open_bounded = current


@contextmanager
def busy_threads(count: int) -> Iterator[None]:
    """`count` threads running Python the whole time, as a web process's other requests do in a burst:
    whatever lets go of the GIL must then wait to take it back."""
    stop = threading.Event()

    def spin() -> None:
        while not stop.is_set():
            sum(range(1000))

    threads = [threading.Thread(target=spin, daemon=True) for _ in range(count)]
    for thread in threads:
        thread.start()
    try:
        yield
    finally:
        stop.set()
        for thread in threads:
            thread.join()
