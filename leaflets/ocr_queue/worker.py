"""The worker loop shared by in-process threads and `flask ocr work`: claim, run, wait without spinning."""

from __future__ import annotations

import logging
import os
import socket
import threading
from typing import Any

from flask import Flask

from leaflets.extensions import db
from leaflets.models import OcrStatus
from leaflets.ocr_queue import jobs, preparing, runner
from leaflets.ocr_queue.jobs import Job
from leaflets.ocr_queue.preparing import Prepared
from leaflets.ocr_queue.settings import QueueSettings
from leaflets.services import photo_variants

log = logging.getLogger(__name__)
MIN_IDLE_S = 0.1


def owner_name(label: str) -> str:
    """A lease owner that names the machine, process and worker."""
    return f"{socket.gethostname()[:40]}:{os.getpid()}:{label}"[:80]


class Wakeup:
    """Idle workers wait here; notify() wakes them and no notification is lost between a look and a wait."""

    def __init__(self) -> None:
        self._condition = threading.Condition()
        self._generation = 0
        self.stopped = False

    @property
    def generation(self) -> int:
        with self._condition:
            return self._generation

    def notify(self) -> None:
        with self._condition:
            self._generation += 1
            self._condition.notify_all()

    def stop(self) -> None:
        with self._condition:
            self.stopped = True
            self._condition.notify_all()

    def wait(self, seen: int, timeout_s: float) -> None:
        """Sleep up to `timeout_s` unless notified since `seen` was read."""
        with self._condition:
            if not self.stopped and self._generation == seen:
                self._condition.wait(timeout_s)


class Worker:
    def __init__(self, app: Flask, settings: QueueSettings, label: str, wakeup: Wakeup | None = None) -> None:
        self.app = app
        self.settings = settings
        self.owner = owner_name(label)
        self.wakeup = wakeup or Wakeup()

    def run(self, *, max_jobs: int | None = None, stop_when_idle: bool = False) -> int:
        """Work until stopped (or `max_jobs` ran, or the queue is empty with `stop_when_idle`); returns jobs
        run."""
        ran = 0
        while not self.wakeup.stopped and (max_jobs is None or ran < max_jobs):
            seen = self.wakeup.generation
            outcome = self.step()
            if outcome is True:
                ran += 1
                continue
            if stop_when_idle and outcome is False:
                break
            self.wakeup.wait(seen, self.idle_seconds() if outcome is False else self.settings.poll_s)
        return ran

    def step(self) -> bool | None:
        """Claim and run one job: True if one ran (or a waiting photo's variants were made), False if none
        was due, None if the queue could not be read.

        With no job claimable, the worker makes the variants of the best job still waiting for them and
        reads that photo (preparing.py) rather than wait for a variant worker."""
        prepared = None
        try:  # loop boundary: a database outage must not end the worker
            with self.app.app_context():
                job = jobs.claim_next(self.owner, self.settings)
                if job is None and photo_variants.background():
                    prepared = preparing.claim_unprepared(self.owner, self.settings, self.wakeup)
                    job = None if prepared is None else prepared.job
        except Exception:
            log.exception("could not claim an OCR job", extra={"owner": self.owner})
            return None
        if job is None:
            return prepared is not None
        self.run_guarded(job, prepared)
        return True

    def run_image(self, image_id: int) -> tuple[str, Job | None]:
        """Celery's entry point: one task per queued image, each running the best job due now (by priority and
        turns between uploaders), which is `image_id` unless a more urgent one waits. A task that finds
        nothing due (a duplicate, or its job was taken by an earlier task) does nothing."""
        with self.app.app_context():
            job = jobs.claim_next(self.owner, self.settings)
        if job is None:
            log.debug("no OCR job due", extra={"owner": self.owner, "image_id": image_id})
            return "skipped", None
        return self.run_guarded(job) or "lost", job

    def run_guarded(self, job: Job, prepared: Prepared | None = None) -> str | None:
        """Run a leased job (with the master this worker decoded, if it made the photo's variants); any
        unexpected error is logged and counted as a failed attempt."""
        try:  # the loop boundary: nothing a job does may stop the worker
            with self.app.app_context():
                return runner.run_job(job, self.settings, None if prepared is None else prepared.decoded)
        except Exception as error:
            log.exception(
                "OCR job crashed",
                extra={
                    "owner": self.owner,
                    "image_id": job.image_id,
                    "leaflet_id": job.leaflet_id,
                    "attempt": job.attempt,
                },
            )
            return self._record_crash(job, error)

    def _record_crash(self, job: Job, error: Exception) -> str | None:
        """Count an unexpected error as a failed attempt so it backs off; the lease is the fallback."""
        try:
            with self.app.app_context():
                db.session.rollback()
                status = jobs.fail(
                    job, f"Internal error during OCR: {type(error).__name__}: {error}", self.settings
                )
                if status == OcrStatus.FAILED:
                    runner.after_result(job.leaflet_id, text_changed=False)
                return status
        except Exception:
            log.exception(
                "could not record the OCR failure",
                extra={"image_id": job.image_id, "leaflet_id": job.leaflet_id},
            )
            return None

    def idle_seconds(self) -> float:
        """Sleep until the next retry or lease expiry is due, but never longer than poll_s."""
        try:
            with self.app.app_context():
                due = jobs.seconds_until_due()
        except Exception:
            log.exception("could not read the OCR queue", extra={"owner": self.owner})
            return self.settings.poll_s
        return self.settings.poll_s if due is None else max(MIN_IDLE_S, min(self.settings.poll_s, due))


def run_in_thread(worker: "Worker | Any", name: str) -> threading.Thread:
    thread = threading.Thread(target=worker.run, name=name, daemon=True)
    thread.start()
    return thread
