"""OCR throughput in the app as `make run` serves it: OCR_WORKERS `flask ocr work` processes
(leaflets/serve.py).

A temporary SQLite database is migrated and loaded with the reference data once, then copied for each worker
count. The photos are stored through the real upload service (which leaves their jobs pending, as outside a
request no thread starts); the timer starts when the worker processes are started and stops when every one
has found no job left (`--once`) and exited.
"""

from __future__ import annotations

import logging
import os
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import func, select

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class AppRun:
    """One drain of the queue by `workers` OCR processes."""

    workers: int
    images: int
    seconds: float
    statuses: dict[str, int]

    @property
    def per_min(self) -> float:
        return 60.0 * self.images / self.seconds


def _config(folder: Path, workers: int) -> dict[str, Any]:
    return {
        "SECRET_KEY": "bench-ocr",
        "SQLALCHEMY_DATABASE_URI": f"sqlite:///{folder / 'bench.sqlite3'}",
        "UPLOAD_DIR": str(folder / "uploads"),
        "INDEX_DIR": str(folder / "index"),
        "OCR_WORKERS": workers,
        "OCR_START_WORKERS": True,
        "RATELIMIT_ENABLED": False,
        "LOG_LEVEL": "WARNING",
    }


def _close(app: Any) -> None:
    from leaflets.extensions import db
    from leaflets.services_setup import shutdown

    shutdown(app)
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


def _template(folder: Path) -> Path:
    """A migrated database with the reference data, to copy for each run."""
    from flask_migrate import upgrade

    from leaflets import create_app
    from leaflets.services import reference_data

    app = create_app(_config(folder, 0))
    with app.app_context():
        upgrade()
        reference_data.load_all()
    _close(app)
    return folder / "bench.sqlite3"


def store_leaflets(groups: list[list[Path]]) -> None:
    """Upload each group of photos as one leaflet through the upload service."""
    from leaflets.services import uploads

    for index, group in enumerate(groups):
        uploads.submit_leaflet(
            uploads.LeafletSubmission(
                party="labour",
                election="ge-2024",
                delivered_on="2024-06-20",
                area="E14001063",
                title=f"Benchmark leaflet {index}",
                images=[uploads.IncomingImage(photo.read_bytes(), photo.name) for photo in group],
            )
        )


def _unfinished() -> dict[str, int]:
    from leaflets.extensions import db
    from leaflets.models import LeafletImage

    rows = db.session.execute(select(LeafletImage.ocr_status, func.count()).group_by(LeafletImage.ocr_status))
    counts = {str(getattr(status, "value", status)): count for status, count in rows}
    db.session.commit()  # end the read transaction so the next poll sees the workers' commits
    return counts


def _worker_env(folder: Path) -> dict[str, str]:
    """What `make run` gives its OCR processes, pointed at the bench's database and folders."""
    return {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{folder / 'bench.sqlite3'}",
        "UPLOAD_DIR": str(folder / "uploads"),
        "INDEX_DIR": str(folder / "index"),
        "SECRET_KEY": "bench-ocr",
        "OCR_START_WORKERS": "0",
        "OCR_POLL_S": "1",
        "LOG_LEVEL": "WARNING",
        "RATELIMIT_ENABLED": "false",
    }


def drain(template: Path, photos: list[str], workers: int, timeout_s: float) -> AppRun:
    """Store the photos in a fresh copy of the database and time `workers` OCR processes reading them all."""
    from leaflets import create_app

    with tempfile.TemporaryDirectory(prefix="bench-ocr-app-") as tmp:
        folder = Path(tmp)
        shutil.copy(template, folder / "bench.sqlite3")
        app = create_app(_config(folder, 0))
        try:
            with app.app_context():
                store_leaflets([[Path(photo)] for photo in photos])
        finally:
            _close(app)
        flask = str(Path(sys.executable).parent / "flask")
        start = time.perf_counter()
        children = [
            subprocess.Popen(
                [flask, "--app", "wsgi", "ocr", "work", "--once", "--name", f"ocr-{n}"],
                env=_worker_env(folder),
                stdout=subprocess.DEVNULL,
            )
            for n in range(workers)
        ]
        try:
            for child in children:
                child.wait(timeout=max(1.0, timeout_s - (time.perf_counter() - start)))
        finally:
            for child in children:
                if child.poll() is None:
                    child.kill()
        elapsed = time.perf_counter() - start
        app = create_app(_config(folder, 0))
        try:
            with app.app_context():
                counts = _unfinished()
        finally:
            _close(app)
    logger.info("app drain", extra={"workers": workers, "seconds": elapsed, "statuses": counts})
    return AppRun(workers, len(photos), elapsed, counts)


def app_throughput(
    photos: list[str], worker_counts: tuple[int, ...] = (1, 2), timeout_s: float = 1800.0
) -> list[AppRun]:
    """One drain per worker count over the same photos."""
    with tempfile.TemporaryDirectory(prefix="bench-ocr-template-") as tmp:
        template = _template(Path(tmp))
        return [drain(template, photos, workers, timeout_s) for workers in worker_counts]
