"""Post one upload from several threads or processes at the same moment (tests/test_duplicate_race.py).

Processes are started with `spawn`, so each builds its own app, engine and connections, as gunicorn workers
do.
"""

from __future__ import annotations

import multiprocessing
import threading
from concurrent.futures import ProcessPoolExecutor
from typing import Any

from flask import Flask

from tests.support import multipart, upload_fields

_start: Any = None  # the barrier of this worker process


def _post(client: Any, photo: bytes, area: str) -> tuple[int, dict[str, Any]]:
    data = multipart(upload_fields(area=area), [(photo, "same.jpg")])
    response = client.post("/api/v1/leaflets", data=data, content_type="multipart/form-data")
    return response.status_code, response.get_json()


def from_threads(app: Flask, photo: bytes, count: int, area: str) -> list[tuple[int, dict[str, Any]]]:
    barrier = threading.Barrier(count)
    results: list[tuple[int, dict[str, Any]]] = []

    def upload() -> None:
        client = app.test_client()
        barrier.wait()
        results.append(_post(client, photo, area))

    threads = [threading.Thread(target=upload) for _ in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results


def _remember_barrier(barrier: Any) -> None:
    global _start
    _start = barrier


def _upload_in_this_process(config: dict[str, Any], photo: bytes, area: str) -> tuple[int, dict[str, Any]]:
    from leaflets import create_app
    from leaflets.extensions import db

    app = create_app(config)
    client = app.test_client()
    client.get("/api/v1/parties")  # connect and warm up before the start line
    _start.wait()
    try:
        return _post(client, photo, area)
    finally:
        with app.app_context():
            db.engine.dispose()


def from_processes(
    config: dict[str, Any], photo: bytes, count: int, area: str
) -> list[tuple[int, dict[str, Any]]]:
    context = multiprocessing.get_context("spawn")
    barrier = context.Barrier(count)
    with ProcessPoolExecutor(
        count, mp_context=context, initializer=_remember_barrier, initargs=(barrier,)
    ) as pool:
        futures = [pool.submit(_upload_in_this_process, config, photo, area) for _ in range(count)]
        return [future.result(timeout=300) for future in futures]
