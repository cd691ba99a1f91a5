"""A real local S3 server for the tests: moto's server mode (HTTP on a free port, one per test run).

Import the `s3_server` fixture into a test module; `s3_config(server, bucket)` gives the app settings a
deployment would set (STORAGE=s3, S3_BUCKET, S3_ENDPOINT_URL, keys); each test uses its own bucket.
"""

from __future__ import annotations

import uuid
from typing import Any, Iterator

import pytest

from tests.support import free_port


@pytest.fixture(scope="session")
def s3_server() -> Iterator[str]:
    from moto.server import ThreadedMotoServer

    port = free_port()
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.stop()


def new_bucket() -> str:
    return f"sc-test-{uuid.uuid4().hex[:12]}"


def s3_config(endpoint: str, bucket: str | None = None) -> dict[str, Any]:
    return {
        "STORAGE": "s3",
        "S3_BUCKET": bucket or new_bucket(),
        "S3_ENDPOINT_URL": endpoint,
        "S3_ACCESS_KEY_ID": "testing",
        "S3_SECRET_ACCESS_KEY": "testing",
        "S3_REGION": "us-east-1",
    }


def s3_storage(endpoint: str, bucket: str | None = None):  # type: ignore[no-untyped-def]
    """An S3Storage on a new (created) bucket of the local server."""
    from leaflets.storage import create_storage

    storage = create_storage(s3_config(endpoint, bucket))
    storage.ensure_bucket()  # type: ignore[attr-defined]
    return storage
