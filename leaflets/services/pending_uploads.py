"""An upload whose photo looks like a leaflet we already have waits for the voter's answer.

"Yes, it came through my door too" records a delivery (place and date) of the original and discards the new
photos; "No, it is different" publishes it as a new leaflet (and links the two for moderators, in case).
The upload is held in the database with its photos in storage, so a restart loses nothing; it expires after
PENDING_UPLOAD_HOURS, when `flask sweep-uploads` removes it and, later, its unused photos.
"""

from __future__ import annotations

import logging
import secrets
from dataclasses import asdict, dataclass
from datetime import date, timedelta

from flask import current_app
from sqlalchemy import delete, exists, select
from sqlalchemy.exc import DBAPIError

from leaflets import runtime
from leaflets.extensions import db, rows_changed
from leaflets.models import Area, Election, Leaflet, LeafletImage, Party, PendingPhoto, PendingUpload
from leaflets.models._types import utcnow
from leaflets.services import near_duplicates, uploads
from leaflets.services.errors import DomainError, NotFound, PermissionDenied, ValidationFailed
from leaflets.services.storage_errors import as_storage_unavailable
from leaflets.services.uploads import ResolvedMetadata, StagedImage

log = logging.getLogger(__name__)


class Expired(DomainError):
    status = 410
    code = "pending_upload_expired"


class SameLeafletQuestion(Exception):
    """The upload is held: ask the voter whether it is `pending.candidate`."""

    def __init__(self, pending: PendingUpload) -> None:
        super().__init__(f"possibly the same as leaflet {pending.candidate_id}")
        self.pending = pending


def repeats_known_leaflet(staged: list[StagedImage]) -> bool:
    """Every photo is byte-identical to a leaflet's: the upload is a delivery already, nothing to ask."""
    return uploads.original_for(staged) is not None


def check(meta: ResolvedMetadata, staged: list[StagedImage]) -> None:
    """Raise SameLeafletQuestion (the upload held) when a photo looks like a leaflet we have; else return."""
    if repeats_known_leaflet(staged):
        return
    found = near_duplicates.upload_candidates([item.stored_sha256 or item.sha256 for item in staged])
    # Asked again: an upload of the same bytes committed since the first look is found by its fingerprint, and
    # is a delivery (two voters sending one photo at once), not a question.
    if found and not repeats_known_leaflet(staged):
        raise SameLeafletQuestion(hold(meta, staged, found[0]))


def hold(
    meta: ResolvedMetadata, staged: list[StagedImage], candidate: near_duplicates.Candidate
) -> PendingUpload:
    hours = current_app.config["PENDING_UPLOAD_HOURS"]
    fields = {
        "party_id": meta.party.id if meta.party else None,
        "election_id": meta.election.id,
        "delivered_on": meta.delivered_on.isoformat(),
        "area_id": meta.area_id,
        "postcode_district": meta.postcode_district,
        "title": meta.title,
        "description": meta.description,
    }
    pending = PendingUpload(
        token=secrets.token_urlsafe(32),
        candidate_id=candidate.leaflet.id,
        score=round(candidate.score, 4),
        uploader_id=meta.uploader_id,
        meta=fields,
        staged=[asdict(item) for item in staged],
        expires_at=utcnow() + timedelta(hours=hours),
    )
    db.session.add(pending)
    try:
        db.session.commit()
    except DBAPIError as error:
        db.session.rollback()
        unavailable = as_storage_unavailable(error, "your leaflet")
        if unavailable is None:
            raise
        raise unavailable from error
    log.info(
        "upload held: possibly the same leaflet",
        extra={"pending_id": pending.id, "candidate": candidate.leaflet.id, "score": pending.score},
    )
    return pending


def find(token: str, user_id: int | None) -> PendingUpload:
    """The held upload for this token; only its uploader may answer when it was made signed in."""
    pending = db.session.scalar(select(PendingUpload).where(PendingUpload.token == (token or "")[:64]))
    if pending is None:
        raise NotFound(
            "That upload is not waiting any more: it was answered, or it expired. Upload the photos "
            "again if it is not in the archive."
        )
    if pending.expires_at <= utcnow():
        raise Expired("That upload waited too long and expired: please upload the photos again.")
    if pending.uploader_id is not None and pending.uploader_id != user_id:
        raise PermissionDenied("Only the person who uploaded these photos can answer for them.")
    return pending


def _metadata(pending: PendingUpload) -> ResolvedMetadata:
    fields = pending.meta
    election = db.session.get(Election, fields["election_id"])
    party = db.session.get(Party, fields["party_id"]) if fields["party_id"] is not None else None
    if election is None or (fields["party_id"] is not None and party is None):
        raise ValidationFailed(
            "The party or election of that upload is no longer in the archive: please upload "
            "the photos again."
        )
    return ResolvedMetadata(
        party=party,
        election=election,
        delivered_on=date.fromisoformat(fields["delivered_on"]),
        area_id=fields["area_id"],
        postcode_district=fields["postcode_district"],
        title=fields["title"],
        description=fields["description"],
        uploader_id=pending.uploader_id,
    )


@dataclass(frozen=True)
class HeldDetails:
    place: str
    delivered_on: date


def details(pending: PendingUpload) -> HeldDetails:
    """Where and when the held upload says it was delivered, as the question page shows it."""
    area = db.session.get(Area, pending.meta["area_id"]) if pending.meta["area_id"] is not None else None
    return HeldDetails(
        area.name if area else "Place not known yet", date.fromisoformat(pending.meta["delivered_on"])
    )


def staged_of(pending: PendingUpload) -> list[StagedImage]:
    return [StagedImage(**item) for item in pending.staged]


def answer_same(token: str, user_id: int | None) -> Leaflet:
    """ "Yes, it came through my door too": a delivery of the original, at this upload's place and date, that
    shows the original's photos; the new photos are deleted (unless something else uses them)."""
    pending = find(token, user_id)
    meta, staged = _metadata(pending), staged_of(pending)
    original = pending.candidate
    root = original.duplicate_of if original.duplicate_of_id else original
    if root is None or not root.is_live:
        raise NotFound(
            "That leaflet is no longer in the archive: choose “No, it is different” to publish yours."
        )
    shown = [
        StagedImage(
            image.sha256,
            image.role,
            image.width,
            image.height,
            image.mime,
            image.byte_size,
            image.stored_sha256,
            image.rotation,
        )
        for image in root.images
    ]
    _claim(pending)
    delivery = uploads.create_leaflet(meta, shown)
    _discard(staged)
    log.info(
        "near-duplicate confirmed: delivery recorded", extra={"leaflet_id": delivery.id, "original": root.id}
    )
    return delivery


def answer_different(token: str, user_id: int | None) -> Leaflet:
    """ "No, it is different": published as a new leaflet, linked to the look-alike for moderators to
    judge."""
    pending = find(token, user_id)
    meta, staged = _metadata(pending), staged_of(pending)
    candidate_id, score = pending.candidate_id, pending.score
    _claim(pending)
    leaflet = uploads.create_leaflet(meta, staged)
    near_duplicates.link(leaflet.id, candidate_id, near_duplicates.IMAGE, score)
    db.session.commit()
    log.info("near-duplicate denied: published", extra={"leaflet_id": leaflet.id, "candidate": candidate_id})
    return leaflet


def _claim(pending: PendingUpload) -> None:
    """Take the held upload out first, so a double click or a second client cannot answer it twice."""
    taken = rows_changed(delete(PendingUpload).where(PendingUpload.id == pending.id))
    db.session.commit()
    if taken != 1:
        raise NotFound("That upload was answered already.")


def held_keys() -> set[str]:
    """The storage folders that unexpired held uploads still need."""
    keys: set[str] = set()
    for staged in db.session.scalars(select(PendingUpload.staged).where(PendingUpload.expires_at > utcnow())):
        keys.update(item.get("stored_sha256") or item["sha256"] for item in staged)
    return keys


def _discard(staged: list[StagedImage]) -> None:
    """Delete the held photos' folders that no leaflet and no other held upload uses."""
    held = held_keys()
    for key in {item.stored_sha256 or item.sha256 for item in staged}:
        used = db.session.scalar(select(exists().where(LeafletImage.stored_sha256 == key)))
        if not used and key not in held:
            runtime.storage().delete(key)
            # bytes still waiting for their copies: no worker should make copies nobody will show
            db.session.execute(delete(PendingPhoto).where(PendingPhoto.sha256 == key))
            log.info("held photos discarded", extra={"key": key})
    db.session.commit()


def expire() -> int:
    """Remove held uploads past their time (their photos are then swept as orphans)."""
    removed = rows_changed(delete(PendingUpload).where(PendingUpload.expires_at <= utcnow()))
    db.session.commit()
    return removed or 0
