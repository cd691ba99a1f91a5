"""The scale setup's upload path end to end: IMAGE_VARIANTS=background, OCR queued by Celery on Redis.

`flask ocr celery-worker` runs as a deployment runs it (its own process, prefork pool, real Redis broker): an
upload is answered before its photo's copies exist, the worker's variant thread makes them, the sweep it
wakes sends the OCR task the image could not run before, and the text lands.
"""

from __future__ import annotations

import io
import os
import signal
import subprocess
import sys
import uuid
from pathlib import Path
from typing import Callable, Iterator

import pytest
from flask import Flask
from PIL import Image

from leaflets import runtime
from leaflets.extensions import db
from leaflets.models import LeafletImage, PendingPhoto
from tests.support import (
    FAST,
    PAGE,
    REPO,
    both_databases,
    leaflet_image,
    multipart,
    upload_fields,
    wait_until,
)

pytestmark = pytest.mark.slow
BROKER = os.environ.get("TEST_CELERY_BROKER_URL", "redis://127.0.0.1:6379/15")


@pytest.fixture
def celery_app(make_app: Callable[..., Flask]) -> Flask:
    return make_app(
        **FAST,
        IMAGE_VARIANTS="background",
        OCR_QUEUE="celery",
        CELERY_BROKER_URL=BROKER,
        OCR_CELERY_QUEUE=f"ocr-test-{uuid.uuid4().hex[:8]}",
        VARIANT_POLL_S=0.2,
    )


@pytest.fixture
def celery_worker(celery_app: Flask, tmp_path: Path) -> Iterator[subprocess.Popen[bytes]]:
    """`flask ocr celery-worker` on the test's database, upload folder and queue; stopped after the test."""
    config = celery_app.config
    env = {
        **os.environ,
        "DATABASE_URL": config["SQLALCHEMY_DATABASE_URI"],
        "UPLOAD_DIR": config["UPLOAD_DIR"],
        "INDEX_DIR": config["INDEX_DIR"],
        "SECRET_KEY": config["SECRET_KEY"],
        "OCR_QUEUE": "celery",
        "CELERY_BROKER_URL": BROKER,
        "OCR_CELERY_QUEUE": config["OCR_CELERY_QUEUE"],
        "IMAGE_VARIANTS": "background",
        "VARIANT_POLL_S": "0.2",
        "OCR_TIMEOUT_S": str(FAST["OCR_TIMEOUT_S"]),
        "OCR_BACKOFF_S": str(FAST["OCR_BACKOFF_S"]),
        "OCR_POLL_S": str(FAST["OCR_POLL_S"]),
        "LOG_LEVEL": "INFO",
    }
    log = open(tmp_path / "celery-worker.log", "wb")
    flask = str(Path(sys.executable).with_name("flask"))
    worker = subprocess.Popen(
        [flask, "--app", "wsgi", "ocr", "celery-worker", "--concurrency", "1", "--without-heartbeat"],
        cwd=REPO,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    try:
        yield worker
    finally:
        os.killpg(worker.pid, signal.SIGTERM)
        try:
            worker.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(worker.pid, signal.SIGKILL)
            worker.wait()
        log.close()


def _image(image_id: int) -> LeafletImage:
    db.session.expire_all()
    image = db.session.get(LeafletImage, image_id)
    assert image is not None
    return image


@both_databases
def test_an_uploads_copies_land_and_its_ocr_completes_with_celery(
    celery_app: Flask, celery_worker: subprocess.Popen[bytes], tmp_path: Path
) -> None:
    photo = leaflet_image(PAGE, size=(1400, 1000))
    response = celery_app.test_client().post(
        "/api/v1/leaflets",
        content_type="multipart/form-data",
        data=multipart(upload_fields(), [(photo, "front.jpg")]),
    )
    assert response.status_code == 201, response.get_data(as_text=True)
    created = response.get_json()
    [answered] = created["images"]
    with celery_app.app_context():
        image = _image(answered["id"])
        # answered before its copies: the bytes are held, nothing is stored yet
        assert not image.variants_ready and db.session.get(PendingPhoto, image.stored_sha256) is not None

        def finished() -> bool:
            assert celery_worker.poll() is None, (tmp_path / "celery-worker.log").read_text()[-3000:]
            return _image(answered["id"]).ocr_status in ("done", "failed")

        wait_until(finished, 180, "the Celery worker to make the copies and read the photo")
        image = _image(answered["id"])
        log = (tmp_path / "celery-worker.log").read_text()
        assert image.ocr_status == "done", (image.ocr_error, log[-3000:])
        assert image.variants_ready and image.variants_error is None
        assert db.session.get(PendingPhoto, image.stored_sha256) is None
        assert "POTHOLES" in (image.ocr_text or "").upper()
        display = runtime.storage().read(image.stored_sha256, "display")
        assert display is not None
        with Image.open(io.BytesIO(display[0])) as shown:
            assert max(shown.size) <= celery_app.config["DISPLAY_LONG_EDGE"]
        page = celery_app.test_client().get(f"/leaflets/{created['id']}")
        assert f"/images/{image.stored_sha256}/display" in page.get_data(as_text=True)
