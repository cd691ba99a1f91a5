"""Create the runtime services (storage, OCR queue, search) and keep them in app.extensions."""

from __future__ import annotations

import logging
from typing import Any

from flask import Flask

from leaflets import search_setup
from leaflets.ocr_queue import create_queue
from leaflets.services import findings_marks
from leaflets.services.decode_slots import DecodeSlots
from leaflets.storage import create_storage

log = logging.getLogger(__name__)


def register(app: Flask) -> None:
    services: dict[str, Any] = app.extensions.setdefault("straight_choice", {})
    services["storage"] = create_storage(app.config)
    services["decode_slots"] = DecodeSlots(app.config["MAX_CONCURRENT_DECODES"], app.config["DECODE_WAIT_S"])
    # local OCR worker threads start on the first request or enqueue, not here
    services["ocr_queue"] = create_queue(app)
    findings_marks.register()  # the findings cache is marked stale when ratings change
    services["search"] = search_setup.create_backend(app)


def shutdown(app: Flask) -> None:
    """Stop what register() started (worker threads, index writers); safe to call twice."""
    services: dict[str, Any] = app.extensions.get("straight_choice", {})
    for name in ("ocr_queue", "search"):
        service = services.get(name)
        if service is not None and hasattr(service, "close"):
            try:
                service.close()
            except Exception:  # a failing close must not hide the others
                log.exception("could not stop service", extra={"service": name})
