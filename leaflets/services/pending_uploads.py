"""An upload is published at once; whether its photos show a leaflet we already have is checked afterwards, in
the background, and when one looks alike its uploader is asked "is this the same leaflet as this one?".

The upload request commits a pending_upload row with the leaflet (`publish`): the check to run, under a
random token that only the uploader is given (in their session, or in the API's 201 body). A variant worker
runs the check before its next photo (`check_next`), so a backlog of photos waiting for their copies does
not delay the question: it compares each photo's display copy when made, else the small picture the
upload's check decoded and kept (`pending_photo.look`). Nothing alike: the row goes. A look-alike: the two
are linked for moderators at once ("possibly the same as", kind image) and the row becomes an open question
until the uploader answers or it expires after PENDING_UPLOAD_HOURS (`flask sweep-uploads`; the leaflet
stays published). "Yes, it came through my door too" turns the new leaflet into a delivery of the original:
it shows the original's photos, and its own are discarded when nothing else uses them (their OCR jobs go
with their images). "No, it is different" only closes the question: the link stays for moderators.
"""

from __future__ import annotations

import logging
import secrets
from datetime import datetime, timedelta
from typing import Iterable

from sqlalchemy import delete, exists, or_, select, update

from leaflets import runtime
from leaflets.extensions import db, rows_changed
from leaflets.models import Leaflet, LeafletImage, OcrCorrection, PendingPhoto, PendingUpload
from leaflets.models._types import utcnow
from leaflets.services import near_duplicates, photo_variants, uploads
from leaflets.services.errors import Conflict, DomainError, NotFound, PermissionDenied
from leaflets.services.uploads import ResolvedMetadata, StagedImage

log = logging.getLogger(__name__)
CHECK_LEASE_S = 300  # a worker that died mid-check leaves its row to be checked again after this


class Expired(DomainError):
    status = 410
    code = "pending_upload_expired"


def publish(meta: ResolvedMetadata, staged: list[StagedImage]) -> tuple[Leaflet, str | None]:
    """Publish an upload (web form or API) with its look-alike check to run; the check's token, or None when
    the upload is a delivery already (every photo byte-identical to a leaflet's: nothing to ask)."""
    token = secrets.token_urlsafe(32)
    leaflet = uploads.create_leaflet(meta, staged, question_token=token)
    if leaflet.duplicate_of_id is not None:
        return leaflet, None
    if not photo_variants.background():  # IMAGE_VARIANTS=inline: the copies exist already, so check now
        _check_or_drop(token)
    return leaflet, token


# --- the background check -----------------------------------------------------------------------------------


def _due(now: datetime) -> tuple:
    free = or_(PendingUpload.leased_until.is_(None), PendingUpload.leased_until < now)
    return PendingUpload.candidate_id.is_(None), free


def any_due(now: datetime | None = None) -> bool:
    """Whether a check waits that no worker is running (OCR workers leave the photos to the variant loops
    then: ocr_queue/preparing.py)."""
    found = bool(db.session.scalar(select(exists().where(*_due(now or utcnow())))))
    db.session.commit()
    return found


def claim_next(now: datetime | None = None) -> str | None:
    """Lease the oldest check not yet run that no worker holds; its token."""
    now = now or utcnow()
    due = _due(now)
    tokens = list(
        db.session.scalars(select(PendingUpload.token).where(*due).order_by(PendingUpload.id).limit(4))
    )
    db.session.commit()
    for token in tokens:
        won = rows_changed(
            update(PendingUpload)
            .where(PendingUpload.token == token, *due)
            .values(leased_until=now + timedelta(seconds=CHECK_LEASE_S))
            .execution_options(synchronize_session=False)
        )
        db.session.commit()
        if won == 1:
            return token
    return None


def check_next() -> bool:
    """Run one due look-alike check; False when none is due."""
    token = claim_next()
    if token is None:
        return False
    _check_or_drop(token)
    return True


def _check_or_drop(token: str) -> None:
    try:
        check(token)
    except Exception:  # a fault in the comparison must not retry for ever: the leaflet is published already
        log.exception("look-alike check failed: dropped", extra={"token": token[:6]})
        db.session.rollback()
        db.session.execute(delete(PendingUpload).where(PendingUpload.token == token))
        db.session.commit()


def check(token: str) -> None:
    """Compare the upload's photos with earlier leaflets' (near_duplicates.UPLOAD budget): ask its uploader
    about the first look-alike, linked for moderators at once; or, with none, drop the check."""
    pending = db.session.scalar(select(PendingUpload).where(PendingUpload.token == token))
    if pending is None or pending.candidate_id is not None:
        db.session.commit()
        return
    leaflet = pending.leaflet
    found = near_duplicates.upload_candidates(leaflet) if leaflet.is_live else []
    if not found:
        db.session.execute(delete(PendingUpload).where(PendingUpload.token == token))
        db.session.commit()
        return
    best = found[0]
    db.session.execute(
        update(PendingUpload)
        .where(PendingUpload.token == token)
        .values(
            candidate_id=best.leaflet.id,
            score=round(best.score, 4),
            leased_until=None,
            expires_at=uploads.question_expiry(),
        )
        .execution_options(synchronize_session=False)
    )
    near_duplicates.link(leaflet.id, best.leaflet.id, near_duplicates.IMAGE, best.score)
    db.session.commit()
    log.info(
        "upload possibly the same leaflet: uploader asked",
        extra={"leaflet_id": leaflet.id, "candidate": best.leaflet.id, "score": round(best.score, 4)},
    )


# --- the question -----------------------------------------------------------------------------------------


def find(token: str, user_id: int | None, session_tokens: Iterable[str] | None = None) -> PendingUpload:
    """The open question under this token; only its uploader may answer: the account when the upload was
    made signed in; else whoever holds the token (it was given to the uploader only), and on the web the
    session that uploaded (`session_tokens`: the tokens that session was given)."""
    pending = _by_token(token)
    if pending is None or pending.candidate_id is None:
        raise NotFound(
            "There is no question waiting about that upload: it was answered, or nothing like it was found."
        )
    if pending.expires_at <= utcnow():
        raise Expired("That question waited too long and expired: your leaflet stays published.")
    if not _is_uploader(pending, user_id, session_tokens):
        raise PermissionDenied("Only the person who uploaded these photos can answer for them.")
    return pending


def state(token: str, user_id: int | None) -> PendingUpload | None:
    """The check under this token while it runs (candidate_id None) or asks; None once it is over. The same
    permission as answering."""
    pending = _by_token(token)
    if pending is None or _expired_question(pending):
        return None
    if not _is_uploader(pending, user_id, None):
        raise PermissionDenied("Only the person who uploaded these photos can see this.")
    return pending


def for_uploader(leaflet: Leaflet, user_id: int | None, tokens: Iterable[str]) -> PendingUpload | None:
    """This leaflet's check or question when the one asking is its uploader (signed in as them, or holding
    the token in their session); None for anyone else."""
    pending = db.session.scalar(select(PendingUpload).where(PendingUpload.leaflet_id == leaflet.id))
    if pending is None or _expired_question(pending):
        return None
    return pending if _is_uploader(pending, user_id, tokens) else None


def _by_token(token: str) -> PendingUpload | None:
    return db.session.scalar(select(PendingUpload).where(PendingUpload.token == (token or "")[:64]))


def _expired_question(pending: PendingUpload) -> bool:
    """A question (a look-alike found) past its time; a check still to run never expires here."""
    return pending.candidate_id is not None and pending.expires_at <= utcnow()


def _is_uploader(pending: PendingUpload, user_id: int | None, tokens: Iterable[str] | None) -> bool:
    """The account that uploaded, when it was made signed in; else whoever holds the token, or with `tokens`
    (the ones a web session was given) only the session that uploaded."""
    if pending.uploader_id is not None:
        return pending.uploader_id == user_id
    return tokens is None or pending.token in set(tokens)


def answer_same(token: str, user_id: int | None, session_tokens: Iterable[str] | None = None) -> Leaflet:
    """ "Yes, it came through my door too": the new leaflet becomes a delivery of the original, at its own
    place and date, showing the original's photos; its own photos are deleted unless something else uses
    them."""
    pending = find(token, user_id, session_tokens)
    leaflet, candidate = pending.leaflet, pending.candidate
    root = candidate.duplicate_of if candidate is not None and candidate.duplicate_of_id else candidate
    if root is None or not root.is_live:
        raise NotFound("That leaflet is no longer in the archive: yours stays published.")
    corrected = db.session.scalar(
        select(exists().where(OcrCorrection.image_id.in_([image.id for image in leaflet.images])))
    )
    if corrected:
        raise Conflict(
            "Someone has already corrected the text of your photos: a moderator will merge the two instead."
        )
    _claim(pending)
    own = uploads.become_delivery(leaflet, root)
    _discard(own)
    log.info(
        "near-duplicate confirmed: delivery recorded", extra={"leaflet_id": leaflet.id, "original": root.id}
    )
    return leaflet


def answer_different(token: str, user_id: int | None, session_tokens: Iterable[str] | None = None) -> Leaflet:
    """ "No, it is different": the question closes; the two stay linked for moderators to judge."""
    pending = find(token, user_id, session_tokens)
    leaflet = pending.leaflet
    _claim(pending)
    log.info("near-duplicate denied", extra={"leaflet_id": leaflet.id, "candidate": pending.candidate_id})
    return leaflet


def _claim(pending: PendingUpload) -> None:
    """Take the question out first, so a double click or a second client cannot answer it twice."""
    taken = rows_changed(delete(PendingUpload).where(PendingUpload.id == pending.id))
    db.session.commit()
    if taken != 1:
        raise NotFound("That question was answered already.")


def _discard(keys: set[str]) -> None:
    """Delete the storage folders that no leaflet uses any more, and the copies still to be made of them."""
    for key in keys:
        if db.session.scalar(select(exists().where(LeafletImage.stored_sha256 == key))):
            continue
        runtime.storage().delete(key)
        # bytes still waiting for their copies: no worker should make copies nobody will show
        db.session.execute(delete(PendingPhoto).where(PendingPhoto.sha256 == key))
        near_duplicates.forget([key])
        log.info("discarded photos deleted", extra={"key": key})
    db.session.commit()


def expire() -> int:
    """Close checks and questions past their time (the leaflet stays published and linked)."""
    removed = rows_changed(delete(PendingUpload).where(PendingUpload.expires_at <= utcnow()))
    db.session.commit()
    return removed or 0
