"""Making a held photo's variants, for the variant loop and for an OCR worker that would otherwise wait.

OCR reads a photo's master, so it claims only photos whose variants exist (jobs._claimable). In a burst the
variant loops run the uploads' look-alike checks first and fall behind, and the OCR loops then had nothing to
claim while hundreds of photos waited, until the variant loops had caught up. An OCR worker with nothing
claimable and no look-alike check waiting now takes the best waiting job whose photo no one is making
(`claim_unprepared`): it leases the photo as a variant worker does, makes its variants from one decode, and
reads the master it decoded instead of decoding the stored one again.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from PIL import Image

from leaflets.ocr_queue import jobs
from leaflets.ocr_queue.jobs import Job
from leaflets.ocr_queue.settings import QueueSettings
from leaflets.services import near_duplicates, pending_uploads, photo_variants

if TYPE_CHECKING:
    from leaflets.ocr_queue.worker import Wakeup


def made(sha256: str, wakeup: "Wakeup") -> None:
    """After a photo's variants are stored: other OCR loops of the process may read it now, and later
    uploads' checks find its fingerprint."""
    wakeup.notify()
    near_duplicates.remember([sha256])


@dataclass(frozen=True)
class Prepared:
    """What an OCR worker made: the photo's key, its master as decoded (None if the photo could not be made:
    its images record why, or it will be retried), and the job it then leased (None if another worker
    claimed it first; the variants were made all the same)."""

    key: str
    master: Image.Image | None
    job: Job | None

    @property
    def decoded(self) -> tuple[str, Image.Image] | None:
        """(key, master) for runner.run_job, when there is a master to read."""
        return None if self.master is None else (self.key, self.master)


def claim_unprepared(owner: str, settings: QueueSettings, wakeup: "Wakeup") -> Prepared | None:
    """Make the variants of the best waiting job's photo and lease the job; None when no such photo was
    free, or while a look-alike check waits.

    The checks come first, as in the variant loop: an uploader is asked within seconds, and while uploads
    keep arriving (a burst) the OCR processes' writes and decodes stay out of their way. Measured both
    ways: docs/running.md, "Draining a burst"."""
    if pending_uploads.any_due():
        return None
    for image_id, sha256 in jobs.unprepared():
        if not photo_variants.claim(sha256, owner):
            continue  # a variant worker is making it, or it waits to be retried
        master = photo_variants.make_master(sha256, owner)
        if master is None:
            return Prepared(sha256, None, None)
        made(sha256, wakeup)
        return Prepared(sha256, master, jobs.claim(image_id, owner, settings))
    return None
