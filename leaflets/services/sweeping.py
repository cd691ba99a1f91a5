"""Find and remove stored image folders that no LeafletImage serves (left by failed or abandoned uploads, or
by a turn a crash interrupted): a folder is in use while some image's stored_sha256 names it, or a photo
waiting for its variants does; and an upload's held bytes that no waiting photo names (a crash between
making the variants and removing the bytes)."""

from __future__ import annotations

import logging
import time

from sqlalchemy import delete, select

from leaflets import runtime
from leaflets.extensions import db
from leaflets.models import ImageFingerprint, LeafletImage, PendingPhoto
from leaflets.services import pending_uploads
from leaflets.storage import HELD, Storage

log = logging.getLogger(__name__)


def sweep_orphans(min_age_s: float, dry_run: bool = False) -> list[str]:
    storage = runtime.storage()
    if not dry_run:
        pending_uploads.expire()  # a look-alike question left unanswered past its time closes
    referenced = set(db.session.scalars(select(LeafletImage.stored_sha256).distinct()))
    waiting = set(db.session.scalars(select(PendingPhoto.sha256)))
    referenced |= waiting
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
    return removed + _sweep_held(storage, waiting | set(removed), cutoff, dry_run)


def _sweep_held(storage: Storage, waiting: set[str], cutoff: float, dry_run: bool) -> list[str]:
    """Held upload bytes no waiting photo names (their folder's variants, if any, stay), and the temporary
    files of writes a crash cut short."""
    removed = []
    if not dry_run:
        partial = storage.partial_holds_removed(cutoff)
        if partial:
            log.info("partly written held photos removed", extra={"files": partial})
    for sha256 in list(storage.held_shas()):
        if sha256 in waiting or (storage.modified_at(sha256) or time.time()) > cutoff:
            continue
        removed.append(f"{sha256}/{HELD}")
        if not dry_run:
            storage.remove(sha256, HELD)
            log.info("held photo bytes removed", extra={"sha256": sha256})
    return removed
