"""Merging a copy of a leaflet into its original: finding candidates, previewing, keeping one set of photos.

The copy's delivery (its place and date) stays on record as the removed copy pointing at the original ("also
delivered"); its claims and tags move to the original. Only one set of photos stays with the original, the
better of the two (`photo_set_score`); the other set stays with the removed copy, seen by moderators only,
so the original never shows two near-identical front pages. The copy's open flags are answered by the merge.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any, Sequence

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from leaflets.extensions import db
from leaflets.models import Claim, Flag, Leaflet, LeafletImage, LeafletStatus, LeafletTag, User
from leaflets.models._types import utcnow
from leaflets.services import audit, indexing, search_service
from leaflets.services.errors import Conflict, DomainError, NotFound, ValidationFailed

log = logging.getLogger(__name__)
SEARCH_LIMIT = 12
UNREAD_CONFIDENCE = 50.0  # a photo not read yet counts as middling, neither better nor worse than most


def _leaflet(leaflet_id: int) -> Leaflet:
    leaflet = db.session.get(Leaflet, leaflet_id)
    if leaflet is None:
        raise NotFound(f"There is no leaflet {leaflet_id}.")
    return leaflet


# --- candidates ---------------------------------------------------------------------------------------------


def detected_copies(leaflet: Leaflet) -> list[Leaflet]:
    """Leaflets found automatically to be the same as this one, not merged yet: the one place candidates are
    gathered, so other detectors (near-duplicate photos and text) plug in here.

    Today: uploads whose photos were byte-identical to this leaflet's (their duplicate_of points here), and
    this leaflet's own original when it is such a copy."""
    found = list(
        db.session.scalars(
            select(Leaflet)
            .where(Leaflet.duplicate_of_id == leaflet.id, Leaflet.status != LeafletStatus.REMOVED)
            .order_by(Leaflet.id)
        )
    )
    if leaflet.duplicate_of_id is not None and leaflet.status != LeafletStatus.REMOVED:
        original = db.session.get(Leaflet, leaflet.duplicate_of_id)
        if original is not None and original.status != LeafletStatus.REMOVED:
            found.insert(0, original)
    return found


def search_candidates(leaflet: Leaflet, text: str) -> list[Leaflet]:
    """Leaflets a moderator's search finds: a number finds that leaflet (live or not); words search the
    archive's text, titles, parties and places. The leaflet itself and removed copies are left out."""
    text = (text or "").strip()
    if not text:
        return []
    if text.lstrip("#").isdigit():
        found = db.session.get(Leaflet, int(text.lstrip("#")))
        return [found] if found is not None and found.id != leaflet.id else []
    try:
        query = search_service.parse_args({"q": text}, per_page=SEARCH_LIMIT + 1)
        hits = search_service.run(query).hits
    except (DomainError, ValueError) as error:
        raise ValidationFailed(
            f"That search did not work: {getattr(error, 'message', error)}", field="q"
        ) from None
    ids = [hit.leaflet_id for hit in hits if hit.leaflet_id != leaflet.id][:SEARCH_LIMIT]
    return search_service.live_leaflets(ids)


# --- which photos stay --------------------------------------------------------------------------------------


def photo_set_score(images: Sequence[LeafletImage]) -> float:
    """How good a set of photos is: each photo's pixels weighted by how confidently its text was read, summed.
    Bigger and sharper wins; a set with a back page beats one without it."""
    return sum(
        image.width
        * image.height
        * (image.ocr_confidence if image.ocr_confidence is not None else UNREAD_CONFIDENCE)
        / 100
        for image in images
    )


@dataclass
class Preview:
    copy: Leaflet
    original: Leaflet
    keep_copy_photos: bool  # the copy's photos are better: they move to the original, and the original's back

    @property
    def kept(self) -> Leaflet:
        return self.copy if self.keep_copy_photos else self.original


def _check_pair(copy: Leaflet, original: Leaflet) -> None:
    if copy.id == original.id:
        raise ValidationFailed("A leaflet cannot be a duplicate of itself.", field="original_id")
    if original.status == LeafletStatus.REMOVED:
        raise ValidationFailed("Merge into the original, not into another removed copy.", field="original_id")
    if original.duplicate_of_id is not None and original.duplicate_of_id != copy.id:
        raise ValidationFailed(
            f"Leaflet {original.id} is itself a copy of leaflet {original.duplicate_of_id}: "
            "merge into that one.",
            field="original_id",
        )
    if copy.status == LeafletStatus.REMOVED and copy.duplicate_of_id is not None:
        raise Conflict("This leaflet was already merged.")


def preview(copy_id: int, original_id: int) -> Preview:
    copy, original = _leaflet(copy_id), _leaflet(original_id)
    _check_pair(copy, original)
    return Preview(copy, original, photo_set_score(copy.images) > photo_set_score(original.images))


# --- the merge ----------------------------------------------------------------------------------------------


def _swap_photos(copy: Leaflet, original: Leaflet) -> None:
    """The copy's photos go to the original and the original's to the copy, positions kept; claims made on a
    photo follow to the photo now in its place (same position), or lose the link when there is none."""
    theirs, ours = list(copy.images), list(original.images)
    by_position = {image.position: image for image in theirs}
    for claim in db.session.scalars(select(Claim).where(Claim.image_id.in_([i.id for i in ours] or [-1]))):
        replacement = by_position.get(next(i.position for i in ours if i.id == claim.image_id))
        claim.image_id = replacement.id if replacement is not None else None
    for image in theirs:  # moved one by one: emptying a collection would delete its photos (delete-orphan)
        copy.images.remove(image)
        original.images.append(image)
    for image in ours:
        original.images.remove(image)
        copy.images.append(image)


def _move_claims_and_tags(copy: Leaflet, original: Leaflet, kept_ids: set[int]) -> list[int]:
    claims = list(db.session.scalars(select(Claim).where(Claim.leaflet_id == copy.id)))
    kept_by_position = {image.position: image.id for image in original.images}
    for claim in claims:
        claim.leaflet_id = original.id
        if claim.image_id is not None and claim.image_id not in kept_ids:
            image = db.session.get(LeafletImage, claim.image_id)
            claim.image_id = kept_by_position.get(image.position) if image is not None else None
    have = set(
        tuple(row)
        for row in db.session.execute(
            select(LeafletTag.tag_id, LeafletTag.user_id).where(LeafletTag.leaflet_id == original.id)
        ).all()
    )
    for row in db.session.scalars(select(LeafletTag).where(LeafletTag.leaflet_id == copy.id)):
        if (row.tag_id, row.user_id) in have:
            db.session.delete(row)
        else:
            row.leaflet_id = original.id
    return [claim.id for claim in claims]


def _resolve_flags(copy: Leaflet, original: Leaflet, moderator: User) -> list[int]:
    """The copy's open flags, and the original's "duplicate" flags: the merge answers them."""
    flags = list(
        db.session.scalars(
            select(Flag).where(
                Flag.resolved_at.is_(None),
                (Flag.leaflet_id == copy.id)
                | ((Flag.leaflet_id == original.id) & (Flag.reason == "duplicate")),
            )
        )
    )
    now = utcnow()
    for flag in flags:
        flag.resolved_at, flag.resolved_by_id = now, moderator.id
    return [flag.id for flag in flags]


def merge(copy_id: int, original_id: int, moderator: User, reason: str = "") -> Leaflet:
    """Merge a copy into its original: one set of photos (the better), claims and tags moved, flags resolved;
    the copy is removed and points at the original."""
    plan = preview(copy_id, original_id)
    copy, original = plan.copy, plan.original
    before = {
        "status": copy.status,
        "images": [img.id for img in copy.images],
        "original_images": [img.id for img in original.images],
    }
    if plan.keep_copy_photos:
        _swap_photos(copy, original)
    moved_claims = _move_claims_and_tags(copy, original, {img.id for img in original.images})
    flags = _resolve_flags(copy, original, moderator)
    copy.status, copy.duplicate_of_id = LeafletStatus.REMOVED, original.id
    copy.status_reason = reason or f"Duplicate of leaflet {original.id}"
    audit.record(
        moderator,
        "merge",
        "leaflet",
        copy.id,
        reason=reason,
        before=before,
        after={
            "status": copy.status,
            "duplicate_of": original.id,
            "original_images": [img.id for img in original.images],
        },
        claims_moved=moved_claims,
        flags_resolved=flags,
        photos_kept="copy's" if plan.keep_copy_photos else "original's",
    )
    db.session.commit()
    log.info(
        "leaflets merged",
        extra={
            "copy_id": copy.id,
            "original_id": original.id,
            "flags_resolved": flags,
            "photos_kept": "copy" if plan.keep_copy_photos else "original",
        },
    )
    indexing.leaflet_changed(copy.id)
    indexing.leaflet_changed(original.id)
    return original


def with_photos(ids: Sequence[int]) -> dict[int, Leaflet]:
    """Leaflets with their photos loaded, for previews."""
    rows = db.session.scalars(
        select(Leaflet).where(Leaflet.id.in_(ids)).options(selectinload(Leaflet.images))
    )
    return {leaflet.id: leaflet for leaflet in rows}


def summary(leaflet: Leaflet) -> dict[str, Any]:
    """What a side-by-side preview states about one leaflet's photos."""
    read = [img.ocr_confidence for img in leaflet.images if img.ocr_confidence is not None]
    return {
        "photos": len(leaflet.images),
        "pixels": sum(img.width * img.height for img in leaflet.images),
        "confidence": sum(read) / len(read) if read else None,
        "score": photo_set_score(leaflet.images),
    }
