"""Which OCR job runs next: voters before background work, turns between uploaders, several at once, and no
photo that can hold the queue for minutes."""

from __future__ import annotations

import io
import os
import threading
from datetime import datetime
from pathlib import Path
from typing import Callable

import numpy as np
from flask import Flask
from PIL import Image
from sqlalchemy import select

from leaflets import runtime
from leaflets.extensions import db
from leaflets.models import LeafletImage, OcrPriority
from leaflets.ocr_queue import jobs
from leaflets.ocr_queue.worker import Worker
from leaflets.services import demo_data
from tests.factories import image_row, pending_leaflet
from tests.support import (
    FAST,
    PAGE,
    SIZE,
    both_databases,
    leaflet_image,
    multipart,
    settings_of,
    upload_fields,
    wait_until,
)


def queued(submitter: str, priority: OcrPriority, count: int) -> list[int]:
    """`count` pending jobs (sharing one tiny picture: nothing is read) queued by `submitter`."""
    image_ids = pending_leaflet([leaflet_image(["x"], size=(64, 64))] * count)[1]
    for image_id in image_ids:
        image = db.session.get(LeafletImage, image_id)
        image.ocr_priority, image.ocr_submitter = priority, submitter
    db.session.commit()
    return image_ids


def claim_order(app: Flask) -> list[int]:
    order = []
    while (job := jobs.claim_next("w", settings_of(app))) is not None:
        order.append(job.image_id)
    return order


@both_databases
def test_claims_go_by_priority_then_in_turns_between_submitters(app: Flask) -> None:
    demo = queued("system", OcrPriority.BULK, 3)
    burst = queued("addr:burst", OcrPriority.INTERACTIVE, 4)  # one voter sends four photos first
    requeued = queued("system", OcrPriority.REQUEUED, 1)
    alice = queued("user:7", OcrPriority.INTERACTIVE, 1)  # then two other voters send one each
    bob = queued("addr:bob", OcrPriority.INTERACTIVE, 1)
    assert claim_order(app) == [burst[0], alice[0], bob[0], *burst[1:], *requeued, *demo]


@both_databases
def test_uploads_from_two_addresses_take_turns(app: Flask) -> None:
    client = app.test_client()

    def upload(address: str, words: str) -> int:
        fields = multipart(upload_fields(), [(leaflet_image([words], size=(200, 280)), "a.jpg")])
        response = client.post(
            "/api/v1/leaflets",
            data=fields,
            content_type="multipart/form-data",
            environ_base={"REMOTE_ADDR": address},
        )
        assert response.status_code == 201, response.get_json()
        return response.get_json()["images"][0]["id"]

    first = [upload("192.0.2.1", f"BURST {n}") for n in range(3)]
    other = upload("198.51.100.2", "PATIENT VOTER")
    assert claim_order(app) == [first[0], other, first[1], first[2]]
    submitters = {image.ocr_submitter for image in db.session.scalars(select(LeafletImage))}
    assert len(submitters) == 2 and not any("192.0.2.1" in key for key in submitters)  # addresses are hashed


def _started(image_id: int) -> datetime:
    started = image_row(image_id).ocr_started_at
    assert started is not None
    return started


@both_databases
def test_a_voters_upload_is_read_before_a_backlog_of_demo_jobs(make_app: Callable[..., Flask]) -> None:
    app = make_app(**FAST, OCR_START_WORKERS=True, OCR_WORKERS=1)
    with app.app_context():
        demo = [image.id for leaflet in demo_data.create_demo_leaflets(4, seed=3) for image in leaflet.images]
        assert {image_row(image_id).ocr_priority for image_id in demo} == {OcrPriority.BULK}
        queue = runtime.ocr_queue()
        queue.start()  # the backlog is being worked off ...
        wait_until(lambda: any(image_row(image_id).ocr_status != "pending" for image_id in demo))
        fields = multipart(upload_fields(), [(leaflet_image(PAGE, size=SIZE), "front.jpg")])
        response = app.test_client().post("/api/v1/leaflets", data=fields, content_type="multipart/form-data")
        assert response.status_code == 201  # ... when a voter uploads
        voter = response.get_json()["images"][0]["id"]
        wait_until(lambda: image_row(voter).ocr_status == "done", timeout_s=120)
        assert "POTHOLES" in image_row(voter).ocr_text.upper()
        # Only the demo job already in hand when the voter uploaded ran before the voter's.
        ahead = [
            image_id
            for image_id in demo
            if image_row(image_id).ocr_started_at is not None and _started(image_id) < _started(voter)
        ]
        assert len(ahead) == 1 and len(demo) >= 4
        wait_until(lambda: all(image_row(image_id).ocr_status == "done" for image_id in demo), timeout_s=300)
        queue.close()


def _tesseracts_of(pid: int) -> int:
    """How many `tesseract` processes this process has started that are running now (from /proc)."""
    count = 0
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            text = stat.read_text()
        except OSError:  # the process ended while we looked
            continue
        name, rest = text[text.index("(") + 1 : text.rindex(")")], text[text.rindex(")") + 2 :].split()
        if name == "tesseract" and int(rest[1]) == pid:
            count += 1
    return count


def test_two_ocr_threads_run_two_tesseracts_at_once(make_app: Callable[..., Flask]) -> None:
    app = make_app(**FAST, OCR_START_WORKERS=True, OCR_WORKERS=2)
    with app.app_context():
        pages = [leaflet_image([f"Page {n} about buses", *PAGE], size=(1240, 1754)) for n in range(4)]
        image_ids = pending_leaflet(pages)[1]
        runtime.ocr_queue().start()
        most = 0

        def all_done() -> bool:
            nonlocal most
            most = max(most, _tesseracts_of(os.getpid()))
            return most >= 2 and all(image_row(image_id).ocr_status == "done" for image_id in image_ids)

        wait_until(all_done, timeout_s=240)
        runtime.ocr_queue().close()
        db.session.expire_all()
        rows = list(db.session.scalars(select(LeafletImage).where(LeafletImage.id.in_(image_ids))))
        assert most >= 2  # two Tesseract processes were alive at the same moment
        assert all(row.lease_owner is None and "PAGE" in row.text.upper() for row in rows)
        intervals = sorted((row.ocr_started_at, row.ocr_finished_at) for row in rows)
        # and the jobs' own start and end times overlap
        assert any(later[0] < earlier[1] for earlier, later in zip(intervals, intervals[1:]))


def noise_photo(size: tuple[int, int] = (640, 480)) -> bytes:
    """Pure noise: no text at all, and the kind of picture Tesseract can grind on for minutes."""
    pixels = np.random.default_rng(7).integers(0, 256, (size[1], size[0], 3), dtype=np.uint8)
    buffer = io.BytesIO()
    Image.fromarray(pixels).save(buffer, "JPEG", quality=95)
    return buffer.getvalue()


@both_databases
def test_a_noise_photo_ends_unreadable_after_one_attempt_and_the_next_leaflet_is_read(
    make_app: Callable[..., Flask],
) -> None:
    app = make_app(**FAST, OCR_MAX_ATTEMPTS=3)
    with app.app_context():
        noise, leaflet = pending_leaflet([noise_photo(), leaflet_image(PAGE, size=SIZE)])[1]
        worker = Worker(app, settings_of(app), "w")
        thread = threading.Thread(target=worker.run, kwargs={"max_jobs": 3, "stop_when_idle": True})
        thread.start()
        thread.join(300)
        assert not thread.is_alive()
        db.session.expire_all()
        noisy, read = db.session.get(LeafletImage, noise), db.session.get(LeafletImage, leaflet)
        assert (noisy.ocr_status, noisy.ocr_attempts, noisy.ocr_readable) == ("done", 1, False)
        assert noisy.text == "" and noisy.needs_transcription
        assert read.ocr_status == "done" and read.ocr_readable and "POTHOLES" in read.text.upper()
        assert read.ocr_started_at >= noisy.ocr_finished_at  # it waited for one bounded attempt only
