"""The OCR job queue: safe claims, leases, retries with backoff, requeue, the local and Celery backends."""

from __future__ import annotations

import io
import threading
import time
import uuid
from datetime import timedelta
from typing import Any, Callable

import pytest
from flask import Flask
from PIL import Image
from sqlalchemy import select

from leaflets import runtime
from leaflets.extensions import db
from leaflets.models import Area, Election, LeafletImage, OcrPriority
from leaflets.models._types import utcnow
from leaflets.ocr_queue import jobs, runner
from leaflets.ocr_queue.jobs import OcrOutcome
from leaflets.ocr_queue.settings import QueueSettings
from leaflets.ocr_queue.worker import Worker
from leaflets.services import image_turns
from tests.factories import image_row, pending_leaflet
from tests.support import FAST, PAGE, SIZE, both_databases, leaflet_image, settings_of, sideways, wait_until


def add_blank_jobs(count: int) -> list[int]:
    """Many pending rows sharing one small image: enough to race claims without running OCR."""
    return pending_leaflet([leaflet_image(["x"], size=(64, 64))] * count)[1]


# --- claims -------------------------------------------------------------------------------------------------


@both_databases
def test_two_workers_never_take_the_same_job(app: Flask) -> None:
    image_ids = add_blank_jobs(60)
    settings = settings_of(app)
    claimed: dict[str, list[int]] = {"a": [], "b": []}
    start = threading.Barrier(2)

    def claim_all(name: str) -> None:
        with app.app_context():
            start.wait()
            while (job := jobs.claim_next(f"worker-{name}", settings)) is not None:
                claimed[name].append(job.image_id)
            db.session.remove()

    threads = [threading.Thread(target=claim_all, args=(name,)) for name in claimed]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    everything = claimed["a"] + claimed["b"]
    assert sorted(everything) == sorted(image_ids)  # each job exactly once
    assert claimed["a"] and claimed["b"]
    owners = {image.lease_owner for image in db.session.scalars(select(LeafletImage))}
    assert owners == {"worker-a", "worker-b"}


@both_databases
def test_claim_respects_backoff_and_live_leases(app: Flask) -> None:
    [image_id] = pending_leaflet([leaflet_image(["x"], size=(64, 64))])[1]
    settings = QueueSettings(lease_s=30)
    job = jobs.claim(image_id, "first", settings)
    assert job is not None and job.attempt == 1
    assert jobs.claim(image_id, "second", settings) is None  # the lease is live
    assert jobs.fail(job, "boom", QueueSettings(backoff_s=60)) == "pending"
    assert jobs.claim_next("second", settings) is None  # not due yet
    later = utcnow() + timedelta(seconds=61)
    again = jobs.claim_next("second", settings, now=later)
    assert again is not None and again.attempt == 2
    assert image_row(image_id).ocr_error == "boom"


@both_databases
def test_a_stale_worker_cannot_overwrite_the_job_it_lost(app: Flask) -> None:
    [image_id] = pending_leaflet([leaflet_image(["x"], size=(64, 64))])[1]
    settings = QueueSettings(lease_s=0.01)
    stale = jobs.claim(image_id, "stale", settings)
    fresh = wait_until(
        lambda: jobs.claim(image_id, "fresh", QueueSettings(lease_s=60)), what="the lease to expire"
    )
    assert stale is not None and fresh is not None
    outcome = OcrOutcome(text="late", confidence=50.0, words=[], rotation=0)
    assert jobs.complete(stale, outcome) is False
    assert jobs.fail(stale, "late failure", settings) is None
    assert jobs.complete(fresh, OcrOutcome(text="fresh", confidence=90.0, words=[], rotation=0))
    image = image_row(image_id)
    assert (image.ocr_status, image.ocr_text, image.lease_owner) == ("done", "fresh", None)


# --- running jobs -------------------------------------------------------------------------------------------


@both_databases
def test_a_killed_workers_job_completes_after_its_lease_expires(make_app: Callable[..., Flask]) -> None:
    app = make_app(**FAST)
    with app.app_context():
        [image_id] = pending_leaflet([leaflet_image(PAGE, size=SIZE)])[1]
        # A worker leases the job and dies: it never completes or fails it.
        dead = jobs.claim(image_id, "dead-worker", QueueSettings(lease_s=0.3))
        assert dead is not None
        worker = Worker(app, settings_of(app), "rescuer")
        assert worker.step() is False  # the lease is still live
        wait_until(worker.step, what="the dead worker's lease to run out and the job to run")
        image = image_row(image_id)
    assert image.ocr_status == "done" and image.ocr_attempts == 2 and image.lease_owner is None
    assert "BUSES" in image.ocr_text.upper() and "POTHOLES" in image.ocr_text.upper()
    assert image.ocr_confidence > 60 and image.ocr_finished_at is not None
    assert {"text", "confidence", "left", "top", "width", "height"} <= set(image.ocr_words[0])


@both_databases
def test_missing_tesseract_fails_the_job_with_its_reason_after_the_retry_limit(
    make_app: Callable[..., Flask],
) -> None:
    app = make_app(**FAST, OCR_MAX_ATTEMPTS=3, OCR_TESSERACT_CMD="/nonexistent/tesseract")
    with app.app_context():
        [image_id] = pending_leaflet([leaflet_image(PAGE, size=SIZE)])[1]
        worker = Worker(app, settings_of(app), "doomed")
        started = time.monotonic()
        assert worker.run(max_jobs=3) == 3
        assert time.monotonic() - started >= 0.05 + 0.1  # it backed off between attempts
        assert worker.step() is False  # nothing left: failed jobs are not retried
        image = image_row(image_id)
    assert image.ocr_status == "failed" and image.ocr_attempts == 3
    assert "Tesseract is not installed" in image.ocr_error and "/nonexistent/tesseract" in image.ocr_error
    assert image.leased_until is None and image.next_attempt_at is None


def test_a_corrupt_master_fails_with_a_readable_reason(make_app: Callable[..., Flask]) -> None:
    app = make_app(**FAST, OCR_MAX_ATTEMPTS=2)
    with app.app_context():
        leaflet_id, [image_id] = pending_leaflet([leaflet_image(["x"], size=(64, 64))])
        path, _mime = runtime.storage().find(image_row(image_id).sha256, "master")
        path.write_bytes(b"\xff\xd8\xff not really a jpeg")
        assert Worker(app, settings_of(app), "w").run(max_jobs=2) == 2
        image = image_row(image_id)
    assert image.ocr_status == "failed" and "could not be read" in image.ocr_error


def test_a_hanging_tesseract_times_out_once_and_counts_as_unreadable(
    make_app: Callable[..., Flask], tmp_path: Any
) -> None:
    hanging = tmp_path / "tesseract"
    hanging.write_text(
        '#!/bin/sh\n[ "$1" = "--version" ] && { echo "tesseract 5.3.0"; exit 0; }\nexec sleep 30\n'
    )
    hanging.chmod(0o755)
    app = make_app(**{**FAST, "OCR_TIMEOUT_S": 1.0}, OCR_MAX_ATTEMPTS=3, OCR_TESSERACT_CMD=str(hanging))
    with app.app_context():
        [image_id] = pending_leaflet([leaflet_image(PAGE, size=SIZE)])[1]
        started = time.monotonic()
        assert Worker(app, settings_of(app), "w").run(max_jobs=3, stop_when_idle=True) == 1  # not retried
        assert time.monotonic() - started < 10
        image = image_row(image_id)
    assert (image.ocr_status, image.ocr_attempts, image.ocr_readable, image.text) == ("done", 1, False, "")
    assert "stopped after 1 s" in image.ocr_error and image.ocr_quality["timed_out"] == 1.0
    assert image.needs_transcription


def test_the_time_budget_grows_with_the_image_up_to_the_cap() -> None:
    settings = QueueSettings(timeout_s=60.0, timeout_base_s=15.0, timeout_per_mpx_s=8.0)
    small, page = settings.budget_s((620, 877)), settings.budget_s((1240, 1754))
    photo = settings.budget_s((4000, 5000))
    assert 15 < small < page < photo == 60.0
    assert QueueSettings(timeout_s=1.0).budget_s((620, 877)) == 1.0


def test_an_unexpected_error_is_logged_and_retried(
    make_app: Callable[..., Flask], monkeypatch: Any, caplog: pytest.LogCaptureFixture
) -> None:
    app = make_app(**FAST, OCR_MAX_ATTEMPTS=2)
    calls: list[int] = []

    def explode(*_args: Any, **_kwargs: Any) -> None:
        calls.append(1)
        raise KeyError("surprise")

    monkeypatch.setattr(runner.ocr, "recognise", explode)
    with app.app_context():
        [image_id] = pending_leaflet([leaflet_image(["x"], size=(64, 64))])[1]
        assert Worker(app, settings_of(app), "w").run(max_jobs=2) == 2
        image = image_row(image_id)
    assert len(calls) == 2 and image.ocr_status == "failed" and "KeyError" in image.ocr_error
    crash = next(record for record in caplog.records if record.getMessage() == "OCR job crashed")
    assert crash.image_id == image_id and crash.attempt in (1, 2) and crash.leaflet_id


@both_databases
def test_a_sideways_photo_is_stored_upright_with_boxes_on_the_upright_picture(
    make_app: Callable[..., Flask],
) -> None:
    app = make_app(**FAST)
    with app.app_context():
        [image_id] = pending_leaflet([sideways(leaflet_image(PAGE, size=(900, 1200)))])[1]
        old_key = image_row(image_id).stored_sha256
        assert Worker(app, settings_of(app), "w").run(max_jobs=1) == 1
        image = image_row(image_id)
        assert image.ocr_status == "done" and "POTHOLES" in image.ocr_text.upper()
        assert (image.ocr_rotation, image.rotation, image.rotation_manual) == (90, 90, False)
        assert (image.width, image.height) == (900, 1200) and image.stored_sha256 != old_key
        assert not runtime.storage().has(old_key)  # no orphaned sideways files
        for variant in ("master", "display", "thumb"):
            with Image.open(runtime.storage().find(image.stored_sha256, variant)[0]) as opened:
                assert opened.height > opened.width  # portrait, as the page is
                if variant == "master":
                    master = opened.convert("L")
    for word in image.ocr_words:  # boxes lie inside the upright master ...
        assert 0 <= word["left"] and word["left"] + word["width"] <= 900 + 2
        assert 0 <= word["top"] and word["top"] + word["height"] <= 1200 + 2
    buses = next(word for word in image.ocr_words if word["text"].upper() == "BUSES")
    assert buses["width"] > buses["height"]  # ... and the words run across it
    left, top, width, height = (buses[key] for key in ("left", "top", "width", "height"))
    ink = master.crop((left, top, left + width, top + height)).point(lambda v: 255 if v < 128 else 0)
    assert ink.getbbox() is not None  # the box falls on the printed word


def test_a_moderators_orientation_stands(make_app: Callable[..., Flask]) -> None:
    app = make_app(**FAST)
    with app.app_context():
        [image_id] = pending_leaflet([sideways(leaflet_image(PAGE, size=(900, 1200)))], manual=True)[1]
        old_key = image_row(image_id).stored_sha256
        assert Worker(app, settings_of(app), "w").run(max_jobs=1) == 1
        image = image_row(image_id)
    assert image.ocr_status == "done" and "POTHOLES" in image.ocr_text.upper()
    assert (image.stored_sha256, image.rotation, image.width, image.height) == (old_key, 0, 1200, 900)
    buses = next(word for word in image.ocr_words if word["text"].upper() == "BUSES")
    assert buses["height"] > buses["width"]  # boxes on the stored, sideways picture


@pytest.mark.parametrize("turn", [0, 90, 180, 270])
def test_turn_box_follows_the_picture(turn: int) -> None:
    size = (300, 200)
    picture = Image.new("L", size, 0)
    picture.paste(255, (10, 20, 60, 40))  # a box at left=10 top=20 width=50 height=20
    turned = picture.transpose(image_turns.TRANSPOSE[turn]) if turn else picture
    left, top, right, bottom = turned.getbbox()
    assert image_turns.turn_box((10, 20, 50, 20), turn, size) == (left, top, right - left, bottom - top)


# --- requeue ------------------------------------------------------------------------------------------------


@both_databases
def test_requeue_runs_failed_or_chosen_jobs_again(app: Flask) -> None:
    leaflet_id, image_ids = pending_leaflet([leaflet_image(["x"], size=(64, 64))] * 3)
    settings = QueueSettings(max_attempts=1)
    for image_id in image_ids:
        job = jobs.claim(image_id, "w", settings)
        assert job is not None
        if image_id == image_ids[0]:
            jobs.complete(job, OcrOutcome(text="ok", confidence=90.0, words=[], rotation=0))
        elif image_id == image_ids[1]:
            jobs.fail(job, "broken", settings)
    # image 2 is running under a live lease
    assert jobs.requeue(failed_only=True) == [image_ids[1]]
    assert image_row(image_ids[1]).ocr_status == "pending" and image_row(image_ids[1]).ocr_attempts == 0
    assert image_row(image_ids[1]).ocr_error is None
    assert image_row(image_ids[1]).ocr_priority == OcrPriority.REQUEUED  # behind voters' uploads
    assert jobs.requeue(leaflet_id=leaflet_id) == image_ids[:2]  # never steals a live lease
    assert jobs.requeue(image_ids=[image_ids[0]]) == [image_ids[0]]
    with pytest.raises(ValueError):
        jobs.requeue()


# --- backends -----------------------------------------------------------------------------------------------


@both_databases
def test_an_upload_returns_before_its_ocr_finishes(make_app: Callable[..., Flask]) -> None:
    app = make_app(**FAST, OCR_START_WORKERS=True, OCR_WORKERS=1)
    with app.app_context():
        leaflet_id, image_ids = pending_leaflet(
            [leaflet_image(PAGE, size=SIZE), leaflet_image(["Vote Green on Thursday", *PAGE[2:]], size=SIZE)]
        )
        runtime.ocr_queue().enqueue(image_ids)
        assert not runtime.ocr_queue().started  # outside a request (a CLI command) no threads start
        with app.test_request_context("/upload", method="POST"):
            runtime.ocr_queue().enqueue(image_ids)
        # returned with the photos still to read (no timing: a busy machine made a 0.5 s bound flaky)
        assert {image_row(image_id).ocr_status for image_id in image_ids} <= {"pending", "running"}
        wait_until(lambda: all(image_row(image_id).ocr_status == "done" for image_id in image_ids))
        assert "GREEN" in image_row(image_ids[1]).ocr_text.upper()
        assert len(runtime.ocr_queue().threads) == 1


def test_local_workers_start_with_the_first_request_and_sleep_when_idle(
    make_app: Callable[..., Flask], monkeypatch: Any
) -> None:
    looks: list[float] = []
    claim_next = jobs.claim_next

    def counting_claim_next(*args: Any, **kwargs: Any) -> Any:
        looks.append(time.monotonic())
        return claim_next(*args, **kwargs)

    monkeypatch.setattr(jobs, "claim_next", counting_claim_next)
    app = make_app(**{**FAST, "OCR_POLL_S": 30.0}, OCR_START_WORKERS=True, OCR_WORKERS=2)
    queue = app.extensions["straight_choice"]["ocr_queue"]
    assert not queue.started  # create_app starts nothing
    app.test_client().get("/")
    assert queue.started and len(queue.threads) == 2
    wait_until(lambda: len(looks) >= 2, what="both threads to look once")
    time.sleep(0.6)  # a window in which nothing may happen: absence cannot be polled for
    assert len(looks) == 2  # each thread looked once, then slept: no busy loop
    with app.app_context():
        [image_id] = pending_leaflet([leaflet_image(PAGE, size=SIZE)])[1]
    queue.wake()  # without this the idle workers would sleep for OCR_POLL_S
    with app.app_context():
        wait_until(lambda: image_row(image_id).ocr_status == "done", timeout_s=25)
    queue.close()
    assert not any(thread.is_alive() for thread in queue.threads)


def test_workers_are_not_started_when_disabled(make_app: Callable[..., Flask]) -> None:
    app = make_app(OCR_START_WORKERS=False)
    queue = app.extensions["straight_choice"]["ocr_queue"]
    app.test_client().get("/")
    queue.enqueue([1])
    assert not queue.started


@pytest.mark.slow
@both_databases
def test_celery_backend_runs_the_job_with_a_real_worker_and_redis(make_app: Callable[..., Flask]) -> None:
    from celery.contrib.testing.worker import start_worker

    app = make_app(
        **FAST,
        OCR_QUEUE="celery",
        OCR_CELERY_QUEUE=f"ocr-test-{uuid.uuid4().hex[:8]}",
        CELERY_BROKER_URL="redis://127.0.0.1:6379/0",
    )
    queue = app.extensions["straight_choice"]["ocr_queue"]
    with app.app_context():
        [image_id] = pending_leaflet([leaflet_image(PAGE, size=SIZE)])[1]
    with start_worker(queue.celery, pool="solo", perform_ping_check=False, shutdown_timeout=30):
        with app.app_context():
            runtime.ocr_queue().enqueue([image_id])
            wait_until(lambda: image_row(image_id).ocr_status == "done")
            image = image_row(image_id)
            assert (
                "POTHOLES" in image.ocr_text.upper() and image.lease_owner is None and image.ocr_attempts == 1
            )
            # A job whose task never went out (broker down at upload) is found by the sweep.
            [lost_id] = pending_leaflet([leaflet_image(["Save our library", *PAGE[2:]], size=SIZE)])[1]
            runtime.ocr_queue().wake()
            wait_until(lambda: image_row(lost_id).ocr_status == "done")
            assert "LIBRARY" in image_row(lost_id).ocr_text.upper()


def test_celery_enqueue_with_the_broker_down_returns_and_leaves_the_job_pending(
    make_app: Callable[..., Flask],
) -> None:
    app = make_app(OCR_QUEUE="celery", CELERY_BROKER_URL="redis://127.0.0.1:1/0")
    with app.app_context():
        [image_id] = pending_leaflet([leaflet_image(["x"], size=(64, 64))])[1]
        started = time.monotonic()
        runtime.ocr_queue().enqueue([image_id])
        assert time.monotonic() - started < 10
        assert image_row(image_id).ocr_status == "pending"


def test_the_upload_api_answers_before_ocr_and_the_workers_finish_it(make_app: Callable[..., Flask]) -> None:
    app = make_app(**FAST, OCR_START_WORKERS=True, OCR_WORKERS=1)
    with app.app_context():
        gss = db.session.scalars(select(Area.gss).order_by(Area.id).limit(1)).one()
        election = db.session.scalars(select(Election.slug).order_by(Election.id).limit(1)).one()
        form = {
            "party": "labour",
            "area": gss,
            "election": election,
            "delivered_on": "2024-06-20",
            "images": [(io.BytesIO(leaflet_image(PAGE, size=SIZE)), "front.jpg", "image/jpeg")],
        }
        response = app.test_client().post("/api/v1/leaflets", data=form, content_type="multipart/form-data")
        assert response.status_code == 201, response.get_data(as_text=True)
        [image] = response.get_json()["images"]
        assert image["ocr_status"] in ("pending", "running") and image["text"] is None
        wait_until(lambda: image_row(image["id"]).ocr_status == "done")
        assert "POTHOLES" in image_row(image["id"]).ocr_text.upper()
