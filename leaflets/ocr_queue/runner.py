"""Run one leased OCR job: read the stored master, recognise it, turn the photo upright, store the outcome.

A result is anything that tells us what the photo says, including "nothing readable": a page the pipeline
finds unreadable, or one that used up its time budget, is done (and waits for a volunteer to transcribe it),
not retried. Only a failure of the machinery (Tesseract missing, a damaged file) is retried.

After a photo's result, its text is searchable at once (`indexing.reindex`); compare's rows and the
near-duplicate links, which analyse the whole leaflet, are refreshed once, by the job that leaves none of the
leaflet's photos waiting for OCR (`leaflet_settled`), not after every photo.
"""

from __future__ import annotations

import dataclasses
import logging

from PIL import Image
from sqlalchemy import exists, select

import ocr
from leaflets.extensions import db
from leaflets.models import LeafletImage, OcrStatus
from leaflets.ocr_queue import jobs
from leaflets.ocr_queue.jobs import Job, OcrOutcome, StoredFiles
from leaflets.ocr_queue.settings import QueueSettings
from leaflets.services import image_turns, indexing
from leaflets.services.image_turns import MasterUnreadable

log = logging.getLogger(__name__)


def to_outcome(result: ocr.OcrResult) -> OcrOutcome:
    """Plain JSON values; word boxes in the pixels of the image as read."""
    words = []
    for word in result.words:
        data = dataclasses.asdict(word)
        data.update({key: int(data[key]) for key in ("left", "top", "width", "height")})
        data["confidence"] = round(float(word.confidence), 1)
        words.append(data)
    return OcrOutcome(
        text=result.text,
        confidence=round(float(result.confidence), 2),
        words=words,
        rotation=image_turns.quarter(result.rotation),
        timings=dict(result.timings),
        readable=bool(result.readable),
        quality={key: float(value) for key, value in result.quality.items()},
    )


def timed_out(budget_s: float) -> OcrOutcome:
    """A run that used up its budget: the photo has no readable text as far as anyone will wait."""
    return OcrOutcome(
        text="",
        confidence=0.0,
        words=[],
        rotation=0,
        readable=False,
        quality={"timed_out": 1.0, "budget_s": round(budget_s, 1)},
        note=f"Reading stopped after {budget_s:.0f} s (its time budget) without readable text.",
    )


def upright(outcome: OcrOutcome, key: str, picture: Image.Image, rotation: int) -> OcrOutcome:
    """Turn the stored photo the way OCR found upright; the words move onto the turned picture."""
    turned = image_turns.turn_stored(key, outcome.rotation, picture)
    files = StoredFiles(
        source_key=key,
        stored_sha256=turned.key,
        width=turned.width,
        height=turned.height,
        rotation=image_turns.quarter(rotation + outcome.rotation),
    )
    words = image_turns.turn_words(outcome.words, outcome.rotation, picture.size)
    return dataclasses.replace(outcome, words=words, files=files)


def _recognise(picture: Image.Image, settings: QueueSettings) -> OcrOutcome:
    budget = settings.budget_s(picture.size)
    try:
        result = ocr.recognise(
            picture, lang=settings.lang, timeout_s=budget, tesseract_cmd=settings.tesseract_cmd
        )
    except ocr.OcrTimeout:
        return timed_out(budget)
    return to_outcome(result)


def photos_waiting(leaflet_id: int) -> bool:
    """Whether any photo of the leaflet is still queued or being read (a fresh read after our commit)."""
    waiting = exists().where(
        LeafletImage.leaflet_id == leaflet_id,
        LeafletImage.ocr_status.in_((OcrStatus.PENDING, OcrStatus.RUNNING)),
    )
    found = bool(db.session.scalar(select(waiting)))
    db.session.commit()  # end the read: the caller's next look must see other workers' commits
    return found


def after_result(leaflet_id: int, *, text_changed: bool) -> None:
    """Everything derived from the leaflet follows a photo's end (done, or failed for good).

    Two workers ending a leaflet's last two photos each look after their own commit, so the later one
    always sees no photo waiting and refreshes (both may: a refresh is idempotent)."""
    if photos_waiting(leaflet_id):
        if text_changed:
            indexing.reindex(leaflet_id)
    else:
        indexing.leaflet_changed(leaflet_id)


def run_job(job: Job, settings: QueueSettings, decoded: tuple[str, Image.Image] | None = None) -> str | None:
    """Run a leased job to its end; returns the image's new status (None if the lease was lost).

    `decoded` is (key, master) when the worker has just made that photo's variants: the master is read as
    decoded instead of from storage, if the image still uses that photo."""
    image = db.session.get(LeafletImage, job.image_id)
    if image is None:
        return None
    key, rotation, manual = image.stored_sha256, image.rotation, image.rotation_manual
    db.session.commit()  # no transaction stays open while OCR runs
    context = {"image_id": job.image_id, "leaflet_id": job.leaflet_id, "attempt": job.attempt}
    try:
        if decoded is not None and decoded[0] == key:
            picture = decoded[1]
        else:
            picture, _mime = image_turns.load_master(key)
        outcome = _recognise(picture, settings)
        if outcome.rotation and not manual:  # a moderator's choice of orientation stands
            outcome = upright(outcome, key, picture, rotation)
    except (ocr.OcrError, MasterUnreadable) as error:
        status = jobs.fail(job, str(error), settings)
        log.warning("OCR attempt failed", extra={**context, "error": str(error), "status": status})
        if status == OcrStatus.FAILED:  # the leaflet's other photos may have left their refresh to this one
            after_result(job.leaflet_id, text_changed=False)
        return status
    if not jobs.complete(job, outcome):
        log.warning("OCR result dropped: the lease was taken over or the photo changed", extra=context)
        if outcome.files is not None:
            image_turns.discard_if_unused(outcome.files.stored_sha256)
        return None
    if outcome.files is not None:
        image_turns.discard_if_unused(key)
    log.info(
        "OCR done",
        extra={
            **context,
            "words": len(outcome.words),
            "readable": outcome.readable,
            "turned": outcome.files.rotation if outcome.files else None,
            "seconds": outcome.timings.get("total"),
        },
    )
    after_result(job.leaflet_id, text_changed=True)
    return "done"
