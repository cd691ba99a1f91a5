"""What a load balancer asks before sending traffic: is the database answering, can the search index be
opened, how many photos wait for OCR, and does image storage answer. Each check is timed and never raises."""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass, field
from typing import Any, Callable

from flask import current_app
from sqlalchemy import func, select, text

from leaflets import runtime
from leaflets.extensions import db
from leaflets.models import LeafletImage, OcrStatus

log = logging.getLogger(__name__)


@dataclass
class Health:
    checks: dict[str, dict[str, Any]] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return all(check["ok"] for check in self.checks.values())

    def as_json(self) -> dict[str, Any]:
        return {"status": "ok" if self.ok else "failing", "checks": self.checks}


def _database() -> dict[str, Any]:
    db.session.execute(text("SELECT 1"))
    return {"engine": db.engine.dialect.name}


def _index() -> dict[str, Any]:
    backend = runtime.search_backend()
    getattr(backend, "inner", backend)  # opening it is the check: a missing or corrupt index raises
    return {"backend": getattr(backend, "name", type(backend).__name__)}


def _queue() -> dict[str, Any]:
    waiting = (
        db.session.scalar(
            select(func.count(LeafletImage.id)).where(
                LeafletImage.ocr_status.in_((OcrStatus.PENDING, OcrStatus.RUNNING))
            )
        )
        or 0
    )
    limit = int(current_app.config["HEALTH_MAX_QUEUE"])
    if waiting > limit:
        raise RuntimeError(f"{waiting} photos wait for OCR (more than HEALTH_MAX_QUEUE={limit})")
    return {"depth": waiting, "limit": limit}


def _storage() -> dict[str, Any]:
    storage = runtime.storage()
    storage.check()
    return {"kind": str(current_app.config.get("STORAGE") or "local")}


CHECKS: dict[str, Callable[[], dict[str, Any]]] = {
    "database": _database,
    "index": _index,
    "queue": _queue,
    "storage": _storage,
}


def check_all() -> Health:
    health = Health()
    for name, check in CHECKS.items():
        started = time.perf_counter()
        try:
            result = {"ok": True, **check()}
        except Exception as error:  # a failing check is the answer, not a 500
            log.warning("health check failed", extra={"check": name, "error": str(error)})
            result = {"ok": False, "error": f"{type(error).__name__}: {error}"[:300]}
            if name == "database":
                db.session.rollback()
        result["ms"] = round((time.perf_counter() - started) * 1000, 1)
        health.checks[name] = result
    return health
