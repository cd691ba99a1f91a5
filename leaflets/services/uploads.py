"""Submitting a leaflet: validate metadata and images, store the images, create the rows, enqueue OCR.

Every field is checked and every problem reported at once (a `ManyErrors`); every image is validated in memory
before any is written, so a bad submission stores nothing; files are written before the rows, so a row never
points at a missing file, and a failed transaction leaves only unreferenced files, which `flask sweep-uploads`
removes.
"""

from __future__ import annotations

import logging
import re
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from datetime import date, datetime, timedelta
from functools import partial
from typing import Callable, Iterator, NoReturn, TypeVar

from flask import current_app
from sqlalchemy import select, update
from sqlalchemy.exc import DBAPIError, IntegrityError

from leaflets import runtime
from leaflets.extensions import db, release_connection
from leaflets.models import (
    Claim,
    Election,
    ImageRole,
    Leaflet,
    LeafletImage,
    OcrPriority,
    OcrStatus,
    Party,
    PendingUpload,
)
from leaflets.models._types import utcnow
from leaflets.ocr_queue import fairness
from leaflets.services import images as image_service
from leaflets.services import indexing, locations, photo_variants
from leaflets.services.errors import DomainError, ManyErrors, UploadRejected, ValidationFailed
from leaflets.services.storage_errors import as_storage_unavailable
from leaflets.storage import Storage

log = logging.getLogger(__name__)
UNKNOWN_PARTY = "unknown"
MAX_TITLE, MAX_DESCRIPTION = 300, 5000
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_DEFAULT_ROLES = (ImageRole.FRONT, ImageRole.BACK)
_RACE_RETRIES = 3  # a lost race on a photo's original is settled by one retry; more is a bug, not a race
T = TypeVar("T")


@dataclass
class IncomingImage:
    data: bytes
    filename: str = ""
    role: str = ""


@dataclass
class StagedImage:
    """An image already validated and in storage, waiting for its leaflet row."""

    sha256: str
    role: str
    width: int
    height: int
    mime: str
    byte_size: int
    stored_sha256: str = ""  # the folder of its variants when it differs from sha256 (a known photo, turned)
    rotation: int = 0
    filename: str = ""  # as the voter's device named it, to name a photo that turns out damaged
    # Its bytes held in storage, the row naming them not yet committed: it commits with the leaflet's rows
    # (one write transaction per upload), or alone when a form goes back holding the photo (`keep_held`).
    hold: photo_variants.Hold | None = field(default=None, compare=False, repr=False)

    @classmethod
    def of_stored(cls, image: LeafletImage, role: str) -> StagedImage:
        """A photo the archive stores already (a known upload, or the original's photos a delivery shows)."""
        return cls(
            image.sha256,
            role,
            image.width,
            image.height,
            image.mime,
            image.byte_size,
            image.stored_sha256,
            image.rotation,
        )


@dataclass
class LeafletSubmission:
    party: str | None  # party slug; "unknown" when the voter does not know
    election: str | None  # election slug
    delivered_on: date | str | None
    area: str | None = None  # GSS code, or "unknown" (it waits for a volunteer); or give a postcode
    postcode: str | None = None
    title: str = ""
    description: str = ""
    uploader_id: int | None = None
    images: list[IncomingImage] = field(default_factory=list)


@dataclass
class ResolvedMetadata:
    party: Party | None
    election: Election
    delivered_on: date
    area_id: int | None
    postcode_district: str | None
    title: str
    description: str
    uploader_id: int | None


def clean_text(value: str | None, limit: int, field_name: str) -> str:
    text = _CONTROL.sub("", (value or "")).strip()
    if len(text) > limit:
        raise ValidationFailed(f"Keep the {field_name} under {limit} characters.", field=field_name)
    return text


def _party(slug: str | None) -> Party | None:
    if not slug or not slug.strip():
        raise ValidationFailed("Choose the party, or “Don't know”.", field="party")
    if slug == UNKNOWN_PARTY:
        return None
    party = db.session.scalar(select(Party).where(Party.slug == slug.strip()))
    if party is None:
        raise ValidationFailed("Choose a party from the list: that one is not known.", field="party")
    return party


def _election(slug: str | None) -> Election:
    election = db.session.scalar(select(Election).where(Election.slug == (slug or "").strip()))
    if election is None:
        raise ValidationFailed("Choose the election the leaflet was for.", field="election")
    return election


def _delivered_on(value: date | str | None, today: date) -> date:
    if isinstance(value, str):
        try:
            value = date.fromisoformat(value.strip())
        except ValueError:
            raise ValidationFailed(
                "Give the date it was delivered as YYYY-MM-DD.", field="delivered_on"
            ) from None
    if value is None:
        raise ValidationFailed("Give the date the leaflet was delivered.", field="delivered_on")
    if value > today:
        raise ValidationFailed("The delivery date cannot be in the future.", field="delivered_on")
    if value.year < 1990:
        raise ValidationFailed("The delivery date is too long ago.", field="delivered_on")
    return value


class _Errors:
    """Run each check, keep every failure, and raise them together at the end."""

    def __init__(self) -> None:
        self.found: list[DomainError] = []

    def check(self, step: Callable[[], T]) -> T | None:
        try:
            return step()
        except DomainError as error:
            self.found.extend(error.errors if isinstance(error, ManyErrors) else [error])
            return None

    def raise_any(self) -> None:
        if self.found:
            raise ManyErrors(self.found)


def resolve_metadata(
    submission: LeafletSubmission, today: date | None = None, *, confirm_place: bool = False
) -> ResolvedMetadata:
    """Every field checked, in the form's order; a ManyErrors lists each problem found."""
    errors = _Errors()
    party = errors.check(lambda: _party(submission.party))
    place = errors.check(
        lambda: locations.resolve(submission.area, submission.postcode, confirm=confirm_place)
    )
    election = errors.check(lambda: _election(submission.election))
    delivered_on = errors.check(lambda: _delivered_on(submission.delivered_on, today or date.today()))
    title = errors.check(lambda: clean_text(submission.title, MAX_TITLE, "title"))
    description = errors.check(lambda: clean_text(submission.description, MAX_DESCRIPTION, "description"))
    errors.raise_any()
    assert place is not None and election is not None and delivered_on is not None  # no errors: all were set
    area, district = place
    return ResolvedMetadata(
        party=party,
        election=election,
        delivered_on=delivered_on,
        area_id=area.id if area else None,
        postcode_district=district,
        title=title or "",
        description=description or "",
        uploader_id=submission.uploader_id,
    )


def checked_role(requested: str, position: int) -> str:
    """The role asked for photo `position` (0-based), or its default (front, back, then inside pages)."""
    if requested in {role.value for role in ImageRole}:
        return requested
    if requested:
        raise ValidationFailed(
            f"Photo {position + 1}: the role must be front, back, inside or imprint.", field="images"
        )
    return _DEFAULT_ROLES[position] if position < len(_DEFAULT_ROLES) else ImageRole.INSIDE


def file_name(sent: str) -> str:
    """A photo's file name as the voter's device showed it (no folder), to name it in messages."""
    return "".join(ch for ch in sent.replace("\\", "/").rsplit("/", 1)[-1] if ch.isprintable())[:100]


def image_limits() -> image_service.Limits:
    config = current_app.config
    return image_service.Limits(
        max_pixels=config["MAX_IMAGE_PIXELS"],
        master_edge=config["MASTER_LONG_EDGE"],
        display_edge=config["DISPLAY_LONG_EDGE"],
        thumb_edge=config["THUMB_LONG_EDGE"],
    )


def _known_image(sha256: str) -> LeafletImage | None:
    return db.session.scalar(
        select(LeafletImage).where(LeafletImage.sha256 == sha256).order_by(LeafletImage.id)
    )


@dataclass
class CheckedUpload:
    """A photo checked in memory, with the bytes its variants will be made from."""

    checked: image_service.CheckedImage
    data: bytes
    filename: str


@dataclass
class PreparedImages:
    """Images validated in memory: what the leaflet will point at, and the new photos still to keep."""

    staged: list[StagedImage]
    to_store: list[CheckedUpload]

    def add(self, staged: StagedImage, new: CheckedUpload | None) -> None:
        self.staged.append(staged)
        if new is not None:
            self.to_store.append(new)


@contextmanager
def _decode_turn() -> Iterator[None]:
    release_connection()  # none held while waiting for a decode slot and decoding
    with runtime.decode_slots().held():
        yield


def prepare_one(
    upload: IncomingImage, position: int, storage: Storage, label: str = ""
) -> tuple[StagedImage, CheckedUpload | None]:
    """One photo checked in memory (UploadRejected if refused), as photo `position` (0-based) of its leaflet;
    `label` names it in a refusal ("Photo N" when not given), and as it names the file itself, the reason
    then leaves the file's name out (it is not said twice)."""
    role = checked_role(upload.role, position)
    sha256 = image_service.sha256_of(upload.data) if upload.data else ""
    known = _known_image(sha256) if sha256 else None
    if known is not None and storage.has(known.stored_sha256):
        # known.sha256 is this upload's: found by it
        return replace(StagedImage.of_stored(known, role), filename=file_name(upload.filename)), None
    try:
        # With background variants a JPEG is only walked here (no decode: the variant worker's decode finds
        # what the walk cannot, and the photo then ends visibly failed); inline, the request decodes anyway.
        checked = image_service.check(
            upload.data,
            image_limits(),
            "" if label else upload.filename,
            sha256=sha256,
            decode=not photo_variants.background(),
            decode_turn=_decode_turn,
        )
    except UploadRejected as error:
        raise UploadRejected(
            f"{label or f'Photo {position + 1}'} {error.message}.",
            field="images",
            status=error.status,
            code=error.code,
        ) from None
    return (
        StagedImage(
            checked.sha256,
            role,
            checked.width,
            checked.height,
            checked.mime,
            checked.byte_size,
            filename=file_name(upload.filename),
        ),
        CheckedUpload(checked, upload.data, upload.filename),
    )


def prepare_images(incoming: list[IncomingImage]) -> PreparedImages:
    """Validate every image in memory, reporting each bad one; nothing is written here."""
    limit = current_app.config["MAX_IMAGES"]
    if not incoming:
        raise UploadRejected("Add at least one photo of the leaflet.", field="images", code="no_images")
    if len(incoming) > limit:
        raise UploadRejected(
            f"Send at most {limit} photos with one leaflet ({len(incoming)} were sent).",
            field="images",
            code="too_many_images",
        )
    storage = runtime.storage()
    errors = _Errors()
    prepared = PreparedImages([], [])
    for position, upload in enumerate(incoming):
        result = errors.check(partial(prepare_one, upload, position, storage))
        if result is not None:
            prepared.add(*result)
    errors.raise_any()
    return prepared


def store_images(prepared: PreparedImages) -> list[StagedImage]:
    """Keep the new photos' bytes (no row yet: see StagedImage.hold); a full or read-only disk is a 503 the
    voter can retry, not a 500."""
    sizes, holds = _store(prepared.to_store)
    for item in prepared.staged:
        item.width, item.height = sizes.get(item.sha256, (item.width, item.height))
        item.hold = holds.get(item.sha256)
    return prepared.staged


def _store(
    to_store: list[CheckedUpload],
) -> tuple[dict[str, tuple[int, int]], dict[str, photo_variants.Hold]]:
    """Write each photo's bytes for the variant workers (or, inline, make its variants now); a full or
    read-only upload folder or database is a 503 the voter can retry, not a 500."""
    sizes: dict[str, tuple[int, int]] = {}  # the exact sizes of variants made now
    holds: dict[str, photo_variants.Hold] = {}  # the rows still to commit, by photo
    try:
        if photo_variants.background():  # every photo's bytes in one write, made durable together
            held = photo_variants.put_held((item.checked, item.data, item.filename) for item in to_store)
            holds.update((hold.sha256, hold) for hold in held)
        else:
            for upload in to_store:
                sizes[upload.checked.sha256] = photo_variants.store_now(
                    upload.checked.sha256, upload.data, upload.filename
                )
    except (OSError, DBAPIError) as error:
        _unavailable(error, "your photos")
    return sizes, holds


def _unavailable(error: OSError | DBAPIError, what: str) -> NoReturn:
    """Roll back; a full, read-only or busy store is a 503 the voter can retry, anything else raises."""
    db.session.rollback()
    unavailable = as_storage_unavailable(error, what)
    if unavailable is None:
        raise error
    raise unavailable from error


def _add_holds(staged: list[StagedImage]) -> None:
    photo_variants.add_holds(item.hold for item in staged if item.hold is not None)


def _held(staged: list[StagedImage]) -> None:
    """Their rows are committed: nothing is left to add for these photos."""
    for item in staged:
        item.hold = None


def keep_held(staged: list[StagedImage]) -> None:
    """Commit the rows of photos a form keeps without a leaflet (the voter fixes another field), so the
    variant workers make them and the form's token finds them; one commit for all of them."""
    if not any(item.hold is not None for item in staged):
        return
    try:
        _add_holds(staged)
        db.session.commit()
    except DBAPIError as error:
        _unavailable(error, "your photos")
    _held(staged)


_STORED = ("stored_sha256", "width", "height", "mime", "rotation", "rotation_manual", "variants_ready")
_READ = (
    "ocr_status",
    "ocr_text",
    "ocr_confidence",
    "ocr_words",
    "ocr_rotation",
    "ocr_timings",
    "ocr_readable",
    "ocr_quality",
    "ocr_error",
    "ocr_finished_at",
    "corrected_text",
)


def _new_image(
    staged: StagedImage, position: int, priority: int, submitter: str, original: bool
) -> LeafletImage:
    image = LeafletImage(
        position=position,
        role=staged.role,
        sha256=staged.sha256,
        stored_sha256=staged.stored_sha256 or staged.sha256,
        width=staged.width,
        height=staged.height,
        mime=staged.mime,
        byte_size=staged.byte_size,
        rotation=staged.rotation,
        ocr_status=OcrStatus.PENDING,
        ocr_attempts=0,
        variants_ready=runtime.storage().has(staged.stored_sha256 or staged.sha256),
        ocr_priority=priority,
        ocr_submitter=submitter,
        original_sha256=staged.sha256 if original else None,
    )
    earlier = list(
        db.session.scalars(
            select(LeafletImage).where(LeafletImage.sha256 == staged.sha256).order_by(LeafletImage.id)
        )
    )
    done = next((row for row in earlier if row.ocr_status == OcrStatus.DONE), None)
    source = done or (earlier[0] if earlier else None)
    # Identical bytes were stored before: share their files as they are now (turned since staging, perhaps),
    # and reuse their text instead of running OCR again; the word boxes belong to those files.
    for attribute in _STORED if source is not None else ():
        setattr(image, attribute, getattr(source, attribute))
    for attribute in _READ if done is not None else ():
        setattr(image, attribute, getattr(done, attribute))
    return image


def original_for(staged: list[StagedImage]) -> int | None:
    """The leaflet this submission repeats, when every one of its photos is byte-identical to that
    leaflet's."""
    shas = {item.sha256 for item in staged}
    candidates = db.session.scalars(
        select(LeafletImage.leaflet_id).where(LeafletImage.sha256.in_(shas))
    ).all()
    for leaflet_id in dict.fromkeys(candidates):
        theirs = set(
            db.session.scalars(select(LeafletImage.sha256).where(LeafletImage.leaflet_id == leaflet_id))
        )
        if shas <= theirs:
            original = db.session.get(Leaflet, leaflet_id)
            return original.duplicate_of_id or original.id if original else None
    return None


def _first_seen(staged: list[StagedImage]) -> set[str]:
    """The photos no image in the archive has yet: this leaflet's images of them claim to be originals."""
    shas = {item.sha256 for item in staged}
    known = set(db.session.scalars(select(LeafletImage.sha256).where(LeafletImage.sha256.in_(shas))))
    return shas - known


def _build_leaflet(meta: ResolvedMetadata, staged: list[StagedImage], priority: OcrPriority) -> Leaflet:
    # Claims first: a photo already known here is then surely seen by original_for, which reads later. In the
    # other order an upload committed between the two reads would leave this one an original claiming nothing.
    unclaimed = _first_seen(staged)
    leaflet = Leaflet(
        party=meta.party,
        election=meta.election,
        delivered_on=meta.delivered_on,
        area_id=meta.area_id,
        postcode_district=meta.postcode_district,
        title=meta.title,
        description=meta.description,
        uploader_id=meta.uploader_id,
        duplicate_of_id=original_for(staged),
    )
    submitter = fairness.submitter_key(meta.uploader_id)
    leaflet.images = []
    for position, item in enumerate(staged):
        leaflet.images.append(
            _new_image(item, position, priority, submitter, original=item.sha256 in unclaimed)
        )
        unclaimed.discard(item.sha256)  # the same photo twice in one upload: its first copy is the original
    return leaflet


def _look_alike_check(leaflet: Leaflet, token: str) -> PendingUpload:
    return PendingUpload(
        token=token, leaflet=leaflet, uploader_id=leaflet.uploader_id, expires_at=question_expiry()
    )


def question_expiry() -> datetime:
    """When a look-alike check, or the question it asks, lapses: PENDING_UPLOAD_HOURS from now (counted
    again when the question is asked: pending_uploads.check)."""
    return utcnow() + timedelta(hours=current_app.config["PENDING_UPLOAD_HOURS"])


def _lost_race(error: IntegrityError) -> bool:
    """Another upload of the same photo committed first (the unique claim on the original refused ours)."""
    return "original_sha256" in str(error.orig)


def create_leaflet(
    meta: ResolvedMetadata,
    staged: list[StagedImage],
    priority: OcrPriority = OcrPriority.INTERACTIVE,
    *,
    question_token: str | None = None,
) -> Leaflet:
    """One transaction for the leaflet, its images, its photos' held-bytes rows and its look-alike check (on
    SQLite every commit waits for the one writer); then enqueue OCR and index, after the commit.

    `priority` places its OCR jobs in the queue: a voter waiting (the default) before background work.
    `question_token`, for an upload that becomes a new original (not a delivery), also commits its look-alike
    check (a pending_upload row under that token) for the background workers (pending_uploads.check_next).

    When a racing upload of the same photos commits first, this one is built again: it then finds that
    upload's leaflet and becomes a delivery of it (duplicate_of), as if it had come a moment later.
    """
    for attempt in range(1, _RACE_RETRIES + 1):
        leaflet = _build_leaflet(meta, staged, priority)  # its reads first: the write lock is taken below
        db.session.add(leaflet)
        if question_token is not None and leaflet.duplicate_of_id is None:
            db.session.add(_look_alike_check(leaflet, question_token))
        try:
            _add_holds(staged)  # the photos' rows with the leaflet's, in the same transaction
            db.session.commit()
        except IntegrityError as error:
            db.session.rollback()
            if attempt == _RACE_RETRIES or not _lost_race(error):
                raise
            log.info("racing upload of the same photo: building again", extra={"attempt": attempt})
            continue
        except DBAPIError as error:
            _unavailable(error, "your leaflet")
        except Exception:
            db.session.rollback()
            raise
        break
    _held(staged)
    log.info(
        "leaflet created",
        extra={"leaflet_id": leaflet.id, "images": len(staged), "duplicate_of": leaflet.duplicate_of_id},
    )
    after_commit(leaflet)
    return leaflet


def become_delivery(leaflet: Leaflet, original: Leaflet) -> set[str]:
    """The uploader says their new leaflet is `original`: it becomes a delivery of it (its place and date
    stay), showing the original's photos instead of its own, whose images go with their OCR jobs. Deliveries
    made of it since point at the original. Returns the storage folders its own photos used (the caller
    discards those nothing else uses)."""
    own = {image.stored_sha256 for image in leaflet.images}
    shown = [StagedImage.of_stored(image, image.role) for image in original.images]
    image_ids = [image.id for image in leaflet.images]
    db.session.execute(
        update(Claim)
        .where(Claim.image_id.in_(image_ids))
        .values(image_id=None)
        .execution_options(synchronize_session=False)
    )
    leaflet.images.clear()  # delete-orphan: its own images, and their OCR jobs, go
    db.session.flush()
    submitter = fairness.submitter_key(leaflet.uploader_id)
    for position, item in enumerate(shown):
        leaflet.images.append(_new_image(item, position, OcrPriority.INTERACTIVE, submitter, original=False))
    leaflet.duplicate_of_id = original.id
    db.session.execute(
        update(Leaflet)
        .where(Leaflet.duplicate_of_id == leaflet.id)
        .values(duplicate_of_id=original.id)
        .execution_options(synchronize_session=False)
    )
    db.session.commit()
    after_commit(leaflet)
    return own


def after_commit(leaflet: Leaflet) -> None:
    photo_variants.settle(leaflet.images)
    pending = [image.id for image in leaflet.images if image.ocr_status == OcrStatus.PENDING]
    services = current_app.extensions["straight_choice"]
    if pending and "ocr_queue" in services:
        services["ocr_queue"].enqueue(pending)
    # With background workers, compare's rows for the new leaflet are made by them (indexing.catch_up).
    indexing.leaflet_changed(leaflet.id, compare_later=photo_variants.background())


def checked_and_stored(
    submission: LeafletSubmission, *, today: date | None = None
) -> tuple[ResolvedMetadata, list[StagedImage]]:
    """Every field and image checked (all problems at once), then the new photos stored; no rows yet."""
    errors = _Errors()
    prepared = errors.check(lambda: prepare_images(submission.images))
    meta = errors.check(lambda: resolve_metadata(submission, today))
    errors.raise_any()
    assert prepared is not None and meta is not None
    return meta, store_images(prepared)


def submit_leaflet(
    submission: LeafletSubmission,
    *,
    today: date | None = None,
    priority: OcrPriority = OcrPriority.INTERACTIVE,
) -> Leaflet:
    """The whole upload for callers that hold everything at once (API, demo data); all problems at once."""
    meta, staged = checked_and_stored(submission, today=today)
    return create_leaflet(meta, staged, priority)
