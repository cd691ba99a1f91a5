"""Find and remove stored image folders that no LeafletImage serves (left by failed or abandoned uploads, or
by a turn a crash interrupted): a folder is in use while some image's stored_sha256 names it."""

from __future__ import annotations

import logging
import time

from sqlalchemy import delete, select

from leaflets import runtime
from leaflets.extensions import db
from leaflets.models import ImageFingerprint, LeafletImage
from leaflets.services import pending_uploads

log = logging.getLogger(__name__)


def sweep_orphans(min_age_s: float, dry_run: bool = False) -> list[str]:
    storage = runtime.storage()
    if not dry_run:
        pending_uploads.expire()  # an upload left waiting past its time gives up its photos
    referenced = set(db.session.scalars(select(LeafletImage.stored_sha256).distinct()))
    referenced |= pending_uploads.held_keys()
    cutoff = time.time() - min_age_s
    removed = []
    for sha256 in storage.all_shas():
        if sha256 in referenced or (storage.modified_at(sha256) or time.time()) > cutoff:
            continue
        removed.append(sha256)
        if not dry_run:
            storage.delete(sha256)
            log.info("orphan image removed", extra={"sha256": sha256})
    if removed and not dry_run:
        db.session.execute(delete(ImageFingerprint).where(ImageFingerprint.key.in_(removed)))
        db.session.commit()
    return removed
