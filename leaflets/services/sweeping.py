"""Find and remove stored images that no LeafletImage refers to (left by failed or abandoned uploads)."""
from __future__ import annotations

import logging
import time

from sqlalchemy import select

from leaflets import runtime
from leaflets.extensions import db
from leaflets.models import LeafletImage

log = logging.getLogger(__name__)


def sweep_orphans(min_age_s: float, dry_run: bool = False) -> list[str]:
    storage = runtime.storage()
    referenced = set(db.session.scalars(select(LeafletImage.sha256).distinct()))
    cutoff = time.time() - min_age_s
    removed = []
    for sha256 in storage.all_shas():
        if sha256 in referenced or storage.folder(sha256).stat().st_mtime > cutoff:
            continue
        removed.append(sha256)
        if not dry_run:
            storage.delete(sha256)
            log.info("orphan image removed", extra={"sha256": sha256})
    return removed
