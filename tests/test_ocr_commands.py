"""`flask ocr work|requeue|status`, including a standalone worker killed in the middle of a job."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path
from typing import Callable

from flask import Flask

from leaflets.ocr_queue import jobs
from leaflets.ocr_queue.settings import QueueSettings
from leaflets.ocr_queue.worker import Worker
from tests.factories import image_row, pending_leaflet
from tests.support import FAST, PAGE, SIZE, both_databases, leaflet_image, wait_until

PROJECT = Path(__file__).resolve().parents[1]


@both_databases
def test_work_once_runs_the_due_jobs_and_exits(make_app: Callable[..., Flask]) -> None:
    app = make_app(**FAST)
    with app.app_context():
        _leaflet_id, image_ids = pending_leaflet(
            [leaflet_image(PAGE, size=SIZE), leaflet_image(["Save our library", *PAGE[2:]], size=SIZE)]
        )
        result = app.test_cli_runner().invoke(args=["ocr", "work", "--once"])
        assert result.exit_code == 0, result.output
        assert "Ran 2 OCR jobs." in result.output
        assert [image_row(image_id).ocr_status for image_id in image_ids] == ["done", "done"]
        assert "LIBRARY" in image_row(image_ids[1]).ocr_text.upper()


def test_work_stops_after_max_jobs(make_app: Callable[..., Flask]) -> None:
    app = make_app(**FAST)
    with app.app_context():
        _leaflet_id, image_ids = pending_leaflet([leaflet_image(PAGE, size=SIZE)] * 2)
        result = app.test_cli_runner().invoke(args=["ocr", "work", "--max-jobs", "1"])
        assert result.exit_code == 0 and "Ran 1 OCR job." in result.output
        assert sorted(image_row(image_id).ocr_status for image_id in image_ids) == ["done", "pending"]


@both_databases
def test_requeue_and_status(make_app: Callable[..., Flask]) -> None:
    app = make_app(**FAST, OCR_MAX_ATTEMPTS=1, OCR_TESSERACT_CMD="/nonexistent/tesseract")
    runner = app.test_cli_runner()
    with app.app_context():  # pages with print on them: a blank one is found blank without Tesseract
        leaflet_id, image_ids = pending_leaflet([leaflet_image(PAGE, size=SIZE)] * 2)
        assert runner.invoke(args=["ocr", "work", "--once"]).exit_code == 0
        status = runner.invoke(args=["ocr", "status"])
        assert status.exit_code == 0, status.output
        assert "pending: 0  running: 0  done: 0  failed: 2" in status.output
        assert (
            f"failed image {image_ids[0]} (leaflet {leaflet_id}, 1 attempts): Tesseract is not installed"
            in status.output
        )

        assert runner.invoke(args=["ocr", "requeue"]).exit_code == 2  # refuses to guess
        result = runner.invoke(args=["ocr", "requeue", "--failed", "--image", str(image_ids[1])])
        assert result.exit_code == 0 and f"Requeued 1 image: {image_ids[1]}." in result.output
        assert (
            image_row(image_ids[1]).ocr_status == "pending" and image_row(image_ids[0]).ocr_status == "failed"
        )
        result = runner.invoke(args=["ocr", "requeue", "--leaflet", str(leaflet_id)])
        assert "Requeued 2 images" in result.output
        assert "pending: 2" in runner.invoke(args=["ocr", "status"]).output


@both_databases
def test_a_worker_process_killed_mid_job_loses_nothing(
    make_app: Callable[..., Flask], database_url: str, tmp_path: Path
) -> None:
    app = make_app(**FAST)
    with app.app_context():
        [image_id] = pending_leaflet([leaflet_image(PAGE, size=SIZE)])[1]
    hanging = tmp_path / "tesseract"  # makes sure the worker is still inside the job when it is killed
    hanging.write_text(
        '#!/bin/sh\n[ "$1" = "--version" ] && { echo "tesseract 5.3.0"; exit 0; }\nexec sleep 60\n'
    )
    hanging.chmod(0o755)
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "UPLOAD_DIR": app.config["UPLOAD_DIR"],
        "INDEX_DIR": app.config["INDEX_DIR"],
        "SECRET_KEY": "test",
        "OCR_TIMEOUT_S": "60",
    }
    env.pop("OCR_QUEUE", None)
    config = {"OCR_LEASE_S": 1.0, "OCR_TESSERACT_CMD": str(hanging), "OCR_START_WORKERS": False}
    script = (
        "import sys; from leaflets import create_app; "
        f"app = create_app({config!r}); "
        "sys.exit(app.test_cli_runner().invoke(args=['ocr', 'work', '--name', 'doomed']).exit_code)"
    )
    process = subprocess.Popen(
        [sys.executable, "-c", script],
        cwd=PROJECT,
        env=env,
        start_new_session=True,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        with app.app_context():
            wait_until(lambda: image_row(image_id).ocr_status == "running", timeout_s=30)
            assert "doomed" in image_row(image_id).lease_owner
    finally:
        os.killpg(process.pid, signal.SIGKILL)  # the worker and its Tesseract child
        process.wait(10)
    with app.app_context():
        rescuer = Worker(app, QueueSettings.from_config(app.config), "rescuer")
        wait_until(rescuer.step, timeout_s=30, what="the dead worker's lease to run out and the job to run")
        image = image_row(image_id)
        assert image.ocr_status == "done" and image.ocr_attempts == 2
        assert "POTHOLES" in image.ocr_text.upper()
        assert jobs.counts(QueueSettings()).by_status["running"] == 0
