"""Making a photo's stored variants after its upload was published (the job state is the pending_photo row).

The upload request checks the photo (images.check), writes its bytes to storage (the folder's HELD object)
and then commits its `pending_photo` row, which names them, in the same transaction as the leaflet's rows
(`put_held`, then `add_holds`); the leaflet's images are created with `variants_ready` False, and pages show
a placeholder for them. A variant worker (`claim_next` + `make`)
writes master, display and thumbnail, marks every image using them ready and deletes the row, then the held
bytes (a crash in between leaves bytes that `flask sweep-uploads` removes). The same workers then fingerprint
the photo and run the upload's look-alike check (pending_uploads.check_next). Claims are conditional UPDATEs
with a lease, like OCR jobs, so any number of workers in any number of processes share the work and a worker
that dies only delays its photo until the lease ends.

With IMAGE_VARIANTS=inline (the test suite's setting) the request makes the variants itself before it
answers (`store_now`), as before this module existed: nothing is held.
"""

from __future__ import annotations

import io
import logging
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Iterable

from flask import current_app
from PIL import Image
from sqlalchemy import ColumnElement, delete, or_, select, update

from leaflets import runtime
from leaflets.extensions import db, insert_of, release_connection, rows_changed
from leaflets.models import LeafletImage, OcrStatus, PendingPhoto
from leaflets.models._types import utcnow
from leaflets.services import images as image_service
from leaflets.services.errors import UploadRejected
from leaflets.storage import FAILED, HELD

log = logging.getLogger(__name__)
_CANDIDATES = 4
_BACKOFF_S = 10.0
MAX_ATTEMPTS = 5  # a photo whose copies fail this often for a reason that is not the disk is given up


def background() -> bool:
    return current_app.config["IMAGE_VARIANTS"] == "background"


@dataclass
class Hold:
    """A photo's bytes written to storage; the pending_photo row naming them is still to commit, in the same
    transaction as its leaflet's rows (`add_holds`)."""

    sha256: str
    look: bytes | None
    format: str
    filename: str


def put_held(uploads: Iterable[tuple[image_service.CheckedImage, bytes, str]]) -> list[Hold]:
    """Write uploads' bytes (checked photo, bytes, file name) to storage, all at once and durable, before any
    row names them (so a committed row always finds them); the rows to add. A photo held already is skipped:
    a photo is held once."""
    new = {checked.sha256: (checked, data, filename) for checked, data, filename in uploads}
    new = {sha256: upload for sha256, upload in new.items() if not is_pending(sha256)}
    holds = [
        Hold(sha256, _look_bytes(checked.look), checked.format, filename[:200])
        for sha256, (checked, _data, filename) in new.items()
    ]
    if holds:
        release_connection()  # no transaction stays open while megabytes are written
        runtime.storage().hold([(sha256, data) for sha256, (_checked, data, _name) in new.items()])
    return holds


def add_holds(holds: Iterable[Hold]) -> None:
    """The rows naming held bytes, in the caller's transaction (nothing committed here). A photo that a
    racing upload held a moment ago keeps that row: the same photo, held once."""
    rows = [
        {
            "sha256": hold.sha256,
            "held_key": hold.sha256,
            "look": hold.look,
            "format": hold.format,
            "filename": hold.filename,
            "attempts": 0,
            "created_at": utcnow(),
        }
        for hold in {hold.sha256: hold for hold in holds}.values()
    ]
    if not rows:
        return
    statement = insert_of(PendingPhoto.__table__).values(rows)
    db.session.execute(statement.on_conflict_do_nothing(index_elements=["sha256"]))


def is_pending(sha256: str) -> bool:
    found = db.session.scalar(select(PendingPhoto.sha256).where(PendingPhoto.sha256 == sha256))
    return found is not None


def _look_bytes(look: Image.Image | None) -> bytes | None:
    if look is None:
        return None
    buffer = io.BytesIO()
    (look if look.mode in ("L", "RGB") else look.convert("RGB")).save(buffer, "JPEG", quality=90)
    return buffer.getvalue()


def held_look(sha256: str) -> Image.Image | None:
    """The small picture kept with a photo still waiting for its copies (decoding it costs a few ms, the
    original a hundred times more), else None."""
    found = db.session.scalar(select(PendingPhoto.look).where(PendingPhoto.sha256 == sha256))
    return None if found is None else Image.open(io.BytesIO(found))


def keep_looks(pictures: dict[str, Image.Image | None]) -> None:
    """Keep with waiting photos the small pictures a look-alike check decoded from their bytes (a JPEG the
    request only walked keeps none), so later checks comparing with them decode a few kilobytes instead of
    the 3-4 MB original (28 ms of CPU each on a 12 MP photo). Commits, as the check's fingerprints do."""
    shown = [key for key, picture in pictures.items() if picture is not None]
    lacking = list(
        db.session.scalars(
            select(PendingPhoto.sha256).where(PendingPhoto.sha256.in_(shown), PendingPhoto.look.is_(None))
        )
    )
    for key in lacking:
        db.session.execute(
            update(PendingPhoto)
            .where(PendingPhoto.sha256 == key, PendingPhoto.look.is_(None))
            .values(look=_look_bytes(pictures[key]))
            .execution_options(synchronize_session=False)
        )
    db.session.commit()


def held_bytes(sha256: str) -> bytes | None:
    """The uploaded bytes of a photo still waiting for its copies, else None (in storage; in the row for
    photos held before 0018)."""
    found = db.session.execute(
        select(PendingPhoto.held_key, PendingPhoto.data).where(PendingPhoto.sha256 == sha256)
    ).first()
    return None if found is None else _read_held(*found)


def _read_held(key: str | None, data: bytes | None) -> bytes | None:
    """A held photo's bytes: from storage by its key, or from its row (held before 0018); None if gone."""
    if key is None:
        return data
    stored = runtime.storage().read(key, HELD)
    return None if stored is None else stored[0]


def _free(now: datetime) -> ColumnElement[bool]:
    return or_(PendingPhoto.leased_until.is_(None), PendingPhoto.leased_until < now)


def claim_next(owner: str, now: datetime | None = None) -> str | None:
    """Lease the oldest photo no worker holds; its sha256, or None when none waits."""
    now = now or utcnow()
    candidates = list(
        db.session.scalars(
            select(PendingPhoto.sha256).where(_free(now)).order_by(PendingPhoto.created_at).limit(_CANDIDATES)
        )
    )
    db.session.commit()
    for sha256 in candidates:
        if claim(sha256, owner, now):
            return sha256
    return None


def claim(sha256: str, owner: str, now: datetime | None = None) -> bool:
    """Lease this photo if it still waits and no worker holds it (a variant worker, or an OCR worker that
    wants to read it: ocr_queue/preparing.py); True if this owner won it."""
    now = now or utcnow()
    lease = timedelta(seconds=float(current_app.config["VARIANT_LEASE_S"]))
    won = rows_changed(
        update(PendingPhoto)
        .where(PendingPhoto.sha256 == sha256, _free(now))
        .values(leased_until=now + lease, lease_owner=owner, attempts=PendingPhoto.attempts + 1)
        .execution_options(synchronize_session=False)
    )
    db.session.commit()
    return won == 1


def store_now(sha256: str, data: bytes, filename: str) -> tuple[int, int]:
    """IMAGE_VARIANTS=inline: the request makes and stores the variants itself (storage errors raise);
    the master's exact width and height."""
    processed = _write_variants(sha256, data, filename)
    return processed.width, processed.height


def _write_variants(sha256: str, data: bytes, filename: str) -> image_service.ProcessedImage:
    with runtime.decode_slots().held():
        processed = image_service.process(data, _limits(), filename)
    for variant, (content, mime) in processed.variants.items():
        runtime.storage().put(sha256, variant, content, mime)
    return processed


def make(sha256: str, owner: str | None = None) -> bool:
    """Make and store the variants of one held photo; True when they are stored (or were already)."""
    return _make(sha256, owner)[0]


def make_master(sha256: str, owner: str | None = None) -> Image.Image | None:
    """`make`, keeping the master as decoded (RGB, as OCR reads it) when this call made the variants; None
    when it did not (made already, given up, or to be retried)."""
    picture = _make(sha256, owner)[1]
    if picture is None or picture.mode == "RGB":
        return picture
    return picture.convert("RGB")


def _make(sha256: str, owner: str | None) -> tuple[bool, Image.Image | None]:
    """Whether the variants are stored now, and the master as decoded when this call made them.

    A photo that cannot be decoded after all is not retried: its images record why (`variants_error`, which
    pages show as "This photo could not be prepared" and moderators read) and fail OCR with that reason, and
    a form still holding it learns so (`failure`). A
    storage fault (disk full, read-only) is retried after a backoff, the photo kept; any other fault too, up
    to MAX_ATTEMPTS, after which the photo is given up the same way."""
    held = db.session.get(PendingPhoto, sha256)
    if held is None:
        db.session.commit()
        return True, None
    key, filename, attempts = held.held_key, held.filename, held.attempts
    in_row = held.data if key is None else None
    db.session.commit()  # no transaction stays open while the photo is read and decoded
    try:
        data = _read_held(key, in_row)
        if data is None:
            return _bytes_gone(sha256, owner), None
        processed = _write_variants(sha256, data, filename)
    except UploadRejected as error:
        _give_up(sha256, owner, f"The photo could not be decoded: it {error.message}.", unreadable=True)
        return False, None
    except OSError as error:
        _retry_later(sha256, owner, attempts, f"could not store the variants: {error}")
        return False, None
    except Exception as error:  # a fault in the decoder itself: not for ever (logged with its traceback)
        log.exception("photo variants crashed", extra={"sha256": sha256[:12], "attempt": attempts})
        if attempts >= MAX_ATTEMPTS:
            reason = f"The photo could not be prepared after {attempts} attempts: {error}."
            _give_up(sha256, owner, reason, unreadable=True)
        else:
            _retry_later(sha256, owner, attempts, f"{type(error).__name__}: {error}")
        return False, None
    _mark_ready(sha256, owner, processed.width, processed.height, processed.mime)
    _drop_held(key)
    log.info(
        "photo variants made",
        extra={"sha256": sha256[:12], "width": processed.width, "height": processed.height},
    )
    return True, processed.picture


def _bytes_gone(sha256: str, owner: str | None) -> bool:
    """The row names bytes that are gone: another worker made the variants and dropped them (ready), or they
    were lost (given up, with the reason)."""
    storage = runtime.storage()
    if storage.has(sha256):
        found = storage.read(sha256, "master")
        if found is not None:
            with Image.open(io.BytesIO(found[0])) as master:
                _mark_ready(sha256, owner, master.width, master.height, found[1])
            return True
    _give_up(sha256, owner, "The photo's files are missing: it could not be prepared.")
    return False


def _drop_held(key: str | None) -> None:
    """The uploaded bytes are not kept once the variants exist (a failure here is swept later)."""
    if key is None:
        return
    try:
        runtime.storage().remove(key, HELD)
    except OSError as error:
        log.warning("held photo bytes not removed", extra={"sha256": key[:12], "error": str(error)})


def _limits() -> image_service.Limits:
    from leaflets.services.uploads import image_limits  # uploads imports this module

    return image_limits()


def _mine(sha256: str, owner: str | None) -> list:
    conditions = [PendingPhoto.sha256 == sha256]
    if owner is not None:  # a worker whose lease was taken over does not finish the job
        conditions.append(PendingPhoto.lease_owner == owner)
    return conditions


def _mark_ready(sha256: str, owner: str | None, width: int, height: int, mime: str) -> None:
    """Images using these files show them from now on, and OCR may read the master."""
    db.session.execute(
        update(LeafletImage)
        .where(LeafletImage.stored_sha256 == sha256, LeafletImage.variants_ready.is_(False))
        .values(variants_ready=True, width=width, height=height, mime=mime)
        .execution_options(synchronize_session=False)
    )
    db.session.execute(
        delete(PendingPhoto).where(*_mine(sha256, owner)).execution_options(synchronize_session=False)
    )
    db.session.commit()
    queue = current_app.extensions["straight_choice"].get("ocr_queue")
    if queue is not None:
        queue.wake()


def _give_up(sha256: str, owner: str | None, reason: str, *, unreadable: bool = False) -> None:
    if unreadable:
        _record_failure(sha256, reason)  # before the row goes: a form's token always finds one or the other
    db.session.execute(
        update(LeafletImage)
        .where(LeafletImage.stored_sha256 == sha256, LeafletImage.variants_ready.is_(False))
        .values(failed_values(reason))
        .execution_options(synchronize_session=False)
    )
    key = db.session.scalar(select(PendingPhoto.held_key).where(*_mine(sha256, owner)))
    db.session.execute(
        delete(PendingPhoto).where(*_mine(sha256, owner)).execution_options(synchronize_session=False)
    )
    db.session.commit()
    _drop_held(key)
    log.warning("photo variants failed", extra={"sha256": sha256[:12], "error": reason})


def _record_failure(sha256: str, reason: str) -> None:
    """A few bytes beside the photo's folder saying it could not be read, so a form sent back to the voter
    still holding it names the photo instead of saying its photos expired (swept with the folder)."""
    try:
        runtime.storage().put(sha256, FAILED, reason[:2000].encode(), "text/plain")
    except OSError as error:
        log.warning("photo failure not recorded", extra={"sha256": sha256[:12], "error": str(error)})


def failure(sha256: str) -> str | None:
    """Why this photo was given up as unreadable, when it was; else None."""
    found = runtime.storage().read(sha256, FAILED)
    return None if found is None else found[0].decode(errors="replace")


def failed_values(reason: str) -> dict[str, object]:
    """An image whose variants will never be made: why (shown to moderators), and its OCR job finished."""
    return {
        "variants_error": reason[:2000],
        "ocr_status": OcrStatus.FAILED,
        "ocr_error": reason,
        "ocr_finished_at": utcnow(),
    }


def _retry_later(sha256: str, owner: str | None, attempts: int, reason: str) -> None:
    retry_at = utcnow() + timedelta(seconds=_BACKOFF_S * 2 ** max(0, attempts - 1))
    db.session.execute(
        update(PendingPhoto)
        .where(*_mine(sha256, owner))
        .values(leased_until=retry_at, lease_owner=None, error=reason[:2000])
        .execution_options(synchronize_session=False)
    )
    db.session.commit()
    log.warning(
        "photo variants will be retried", extra={"sha256": sha256[:12], "attempt": attempts, "error": reason}
    )


def settle(images: Iterable[LeafletImage]) -> None:
    """After a leaflet's rows commit, for its images still waiting: ready if a worker stored their files
    while the rows were being written (its update ran before they existed); failed, with the reason, if the
    photo is neither held nor stored (given up on, with the worker's reason when it left one, or swept), so no
    job waits for ever."""
    waiting = {image.stored_sha256 for image in images if not image.variants_ready}
    for sha256 in waiting:
        if is_pending(sha256):
            continue
        ready = runtime.storage().has(sha256)
        missing = "The photo's files are missing: it could not be prepared."
        values = {"variants_ready": True} if ready else failed_values(failure(sha256) or missing)
        waiting_files = (LeafletImage.stored_sha256 == sha256, LeafletImage.variants_ready.is_(False))
        db.session.execute(
            update(LeafletImage)
            .where(*waiting_files)
            .values(**values)
            .execution_options(synchronize_session=False)
        )
        db.session.commit()
    if waiting:
        db.session.expire_all()


def waiting_count() -> int:
    """Photos whose variants are still to be made (for progress logs and the load benchmark)."""
    from sqlalchemy import func

    count = db.session.scalar(select(func.count()).select_from(PendingPhoto)) or 0
    db.session.commit()
    return count
