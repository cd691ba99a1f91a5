"""Run one leased OCR job: read the master, turn it as the moderator asked, recognise it, store the outcome."""
from __future__ import annotations

import dataclasses
import logging

from PIL import Image

import ocr
from leaflets import runtime
from leaflets.extensions import db
from leaflets.models import LeafletImage
from leaflets.ocr_queue import jobs
from leaflets.ocr_queue.jobs import Job, OcrOutcome
from leaflets.ocr_queue.settings import QueueSettings
from leaflets.services import indexing

log = logging.getLogger(__name__)

# Clockwise quarter turns as Pillow transposes (Pillow's ROTATE_* turn anticlockwise).
_TURNS = {90: Image.Transpose.ROTATE_270, 180: Image.Transpose.ROTATE_180, 270: Image.Transpose.ROTATE_90}


class MasterUnreadable(Exception):
    """The stored master is missing or is not an image Pillow can decode."""


def quarter_turns(rotation: int | None) -> int:
    """A moderator's rotation as 0, 90, 180 or 270 degrees clockwise."""
    return (round((rotation or 0) / 90) * 90) % 360


def load_master(sha256: str, rotation: int) -> Image.Image:
    """The master image as RGB, turned `rotation` degrees clockwise."""
    found = runtime.storage().find(sha256, "master")
    if found is None:
        raise MasterUnreadable(f"The master image {sha256[:12]}… is missing from storage.")
    try:
        with Image.open(found[0]) as opened:
            opened.load()
            picture = opened.convert("RGB")
    except (OSError, Image.DecompressionBombError, ValueError) as error:
        raise MasterUnreadable(f"The master image could not be read: {error}") from error
    turn = quarter_turns(rotation)
    return picture.transpose(_TURNS[turn]) if turn else picture


def box_on_master(left: int, top: int, width: int, height: int, rotation: int,
                  master_size: tuple[int, int]) -> tuple[int, int, int, int]:
    """Map a box found on the master turned `rotation` degrees clockwise back onto the unturned master."""
    master_w, master_h = master_size
    turn = quarter_turns(rotation)
    if turn == 90:
        return top, master_h - (left + width), height, width
    if turn == 180:
        return master_w - (left + width), master_h - (top + height), width, height
    if turn == 270:
        return master_w - (top + height), left, height, width
    return left, top, width, height


def to_outcome(result: ocr.OcrResult, rotation: int, master_size: tuple[int, int]) -> OcrOutcome:
    """Plain JSON values, with word boxes in the pixels of the stored (unturned) master."""
    words = []
    for word in result.words:
        data = dataclasses.asdict(word)
        box = box_on_master(word.left, word.top, word.width, word.height, rotation, master_size)
        data.update(zip(("left", "top", "width", "height"), (int(v) for v in box)))
        data["confidence"] = round(float(word.confidence), 1)
        words.append(data)
    return OcrOutcome(text=result.text, confidence=round(float(result.confidence), 2), words=words,
                      rotation=int(result.rotation), timings=dict(result.timings))


def run_job(job: Job, settings: QueueSettings) -> str | None:
    """Run a leased job to its end; returns the image's new status (None if the lease was lost)."""
    image = db.session.get(LeafletImage, job.image_id)
    if image is None:
        return None
    sha256, rotation = image.sha256, image.rotation
    db.session.commit()  # no transaction stays open while OCR runs
    context = {"image_id": job.image_id, "leaflet_id": job.leaflet_id, "attempt": job.attempt}
    try:
        picture = load_master(sha256, rotation)
        result = ocr.recognise(picture, lang=settings.lang, timeout_s=settings.timeout_s,
                               tesseract_cmd=settings.tesseract_cmd)
    except (ocr.OcrError, MasterUnreadable) as error:
        status = jobs.fail(job, str(error), settings)
        log.warning("OCR attempt failed", extra={**context, "error": str(error), "status": status})
        return status
    master_size = picture.size if quarter_turns(rotation) in (0, 180) else picture.size[::-1]
    if not jobs.complete(job, to_outcome(result, rotation, master_size)):
        log.warning("OCR result dropped: the lease was taken over", extra=context)
        return None
    log.info("OCR done", extra={**context, "words": len(result.words), "seconds": result.timings.get("total")})
    indexing.leaflet_changed(job.leaflet_id)
    return "done"
