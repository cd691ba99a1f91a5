"""Create the runtime services (storage, OCR queue, search) and keep them in app.extensions."""
from __future__ import annotations

import logging

from flask import Flask

from leaflets.services.decode_slots import DecodeSlots
from leaflets.storage import create_storage

log = logging.getLogger(__name__)


def register(app: Flask) -> None:
    services: dict = app.extensions.setdefault("straight_choice", {})
    services["storage"] = create_storage(app.config)
    services["decode_slots"] = DecodeSlots(app.config["MAX_CONCURRENT_DECODES"], app.config["DECODE_WAIT_S"])
    # ocr: the OCR job queue (leaflets/ocr_queue); local worker threads start on first request or enqueue
    from leaflets.ocr_queue import create_queue
    services["ocr_queue"] = create_queue(app)
    from leaflets.services import findings_marks; findings_marks.register()  # noqa: E702  (findings cache)
    from leaflets import search_setup; services["search"] = search_setup.create_backend(app)  # noqa: E702


def shutdown(app: Flask) -> None:
    """Stop what register() started (worker threads, index writers); safe to call twice."""
    services: dict = app.extensions.get("straight_choice", {})
    for name in ("ocr_queue", "search"):
        service = services.get(name)
        if service is not None and hasattr(service, "close"):
            try:
                service.close()
            except Exception:  # a failing close must not hide the others
                log.exception("could not stop service", extra={"service": name})
