"""The scale backend: enqueue sends a Celery task over Redis; a Celery worker runs the same runner.

The database lease still decides who runs a job, so a duplicate or late task is harmless: it finds the job
not claimable and returns. A periodic `sweep` task (run the worker with beat: `flask ocr celery-worker -B`)
re-sends due retries and jobs whose worker died, which Celery alone would not notice.

Start a worker with `flask --app wsgi ocr celery-worker` (the Flask CLI builds the app; nothing here does).
"""

from __future__ import annotations

import logging
import threading
from typing import Any, Iterable

from celery import Celery, Task
from flask import Flask
from kombu.exceptions import OperationalError as KombuOperationalError

from leaflets.ocr_queue import jobs
from leaflets.ocr_queue.settings import QueueSettings
from leaflets.ocr_queue.worker import Worker

log = logging.getLogger(__name__)
RUN_IMAGE = "leaflets.ocr.run_image"
SWEEP = "leaflets.ocr.sweep"


def make_celery(app: Flask, settings: QueueSettings) -> Celery:
    """A Celery app bound to this Flask app: every task runs inside its app context."""

    class AppContextTask(Task):
        def __call__(self, *args: Any, **kwargs: Any) -> Any:
            with app.app_context():
                return self.run(*args, **kwargs)

    celery = Celery(
        app.import_name, broker=app.config["CELERY_BROKER_URL"], task_cls=AppContextTask, set_as_current=False
    )
    celery.conf.update(
        task_ignore_result=True,
        task_default_queue=settings.celery_queue,
        task_acks_late=True,
        task_reject_on_worker_lost=True,
        worker_prefetch_multiplier=1,
        broker_connection_retry_on_startup=True,
        worker_hijack_root_logger=False,
        # Publishing happens in web requests: give up quickly when the broker is down (the job stays pending).
        task_publish_retry_policy={
            "max_retries": 1,
            "interval_start": 0,
            "interval_step": 0.2,
            "interval_max": 0.2,
        },
        broker_connection_timeout=2.0,
        beat_schedule={"ocr-sweep": {"task": SWEEP, "schedule": max(1.0, settings.poll_s)}},
    )
    _register_tasks(celery, app, settings)
    return celery


def _register_tasks(celery: Celery, app: Flask, settings: QueueSettings) -> None:
    local = threading.local()

    def worker() -> Worker:
        if not hasattr(local, "worker"):
            local.worker = Worker(app, settings, f"celery-{threading.get_ident()}")
        return local.worker

    @celery.task(name=RUN_IMAGE, shared=False)
    def run_image(image_id: int) -> str:
        """Run the most urgent OCR job due now (normally this image's: see Worker.run_image)."""
        outcome, job = worker().run_image(image_id)
        if outcome == "pending" and job is not None:  # the attempt failed and a retry is due later
            run_image.apply_async((job.image_id,), countdown=settings.backoff_after(job.attempt))
        return outcome

    @celery.task(name=SWEEP, shared=False)
    def sweep() -> int:
        """Re-send tasks for every job that is due (retries, expired leases, enqueues lost in a broker
        outage)."""
        image_ids = jobs.claimable_ids(settings, limit=1000)
        for image_id in image_ids:
            run_image.apply_async((image_id,))
        return len(image_ids)


class CeleryQueue:
    def __init__(self, app: Flask, settings: QueueSettings) -> None:
        self.settings = settings
        self.celery = make_celery(app, settings)

    def enqueue(self, image_ids: Iterable[int]) -> None:
        """Send one task per image. A broker outage is logged, not raised: the rows stay pending in the
        database and the next sweep (or `flask ocr work`) runs them, so an upload never fails because of
        it."""
        ids = [int(image_id) for image_id in image_ids]
        task = self.celery.tasks[RUN_IMAGE]
        try:
            for image_id in ids:
                task.apply_async((image_id,))
        except (KombuOperationalError, OSError) as error:
            log.warning(
                "could not send OCR tasks; they stay pending", extra={"image_ids": ids, "error": str(error)}
            )

    def wake(self) -> None:
        """Re-send every due job (used after a requeue)."""
        try:
            self.celery.tasks[SWEEP].apply_async()
        except (KombuOperationalError, OSError) as error:
            log.warning("could not send the OCR sweep task", extra={"error": str(error)})

    def close(self) -> None:
        self.celery.close()
