"""The OCR job queue (DESIGN §3): job state lives on LeafletImage rows; workers lease, run and record jobs.

    queue = create_queue(app)      # services_setup keeps it in app.extensions (runtime.ocr_queue() reads it)
    queue.enqueue([image_id, ...])  # after the leaflet's rows are committed as pending; never waits for OCR
    queue.wake()                    # jobs changed in the database (requeue): look again now
    queue.close()                   # stop what the queue started

Backends: `local` (OCR_WORKERS threads in the app process) and `celery` (tasks over CELERY_BROKER_URL).
Both, and `flask ocr work`, claim through leaflets.ocr_queue.jobs, so any mix of them is safe at once.
"""

from __future__ import annotations

import logging
from typing import Iterable, Protocol

from flask import Flask

from leaflets.ocr_queue.settings import QueueSettings

log = logging.getLogger(__name__)


class OcrQueue(Protocol):
    def enqueue(self, image_ids: Iterable[int]) -> None: ...
    def wake(self) -> None: ...
    def close(self) -> None: ...


def create_queue(app: Flask) -> OcrQueue:
    """The backend OCR_QUEUE names, configured from the app's OCR_* settings."""
    settings = QueueSettings.from_config(app.config)
    kind = app.config["OCR_QUEUE"]
    if settings.lease_s <= settings.timeout_s:
        log.warning(
            "OCR_LEASE_S should exceed OCR_TIMEOUT_S, or slow jobs are run twice",
            extra={"lease_s": settings.lease_s, "timeout_s": settings.timeout_s},
        )
    if kind == "local":
        from leaflets.ocr_queue.local import LocalQueue

        return LocalQueue(app, settings)
    if kind == "celery":
        from leaflets.ocr_queue.celery_app import CeleryQueue

        return CeleryQueue(app, settings)
    raise ValueError(f"OCR_QUEUE must be 'local' or 'celery', not {kind!r}")


__all__ = ["OcrQueue", "QueueSettings", "create_queue"]
