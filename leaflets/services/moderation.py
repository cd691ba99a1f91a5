"""Moderation: flags from anyone; hide, restore, remove, fix details, rotate, merge for moderators.

Every moderator action writes an AuditEntry in the same commit; the index is told after the commit.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from flask import current_app
from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from leaflets.extensions import db
from leaflets.models import (
    Area,
    Election,
    Flag,
    Leaflet,
    LeafletImage,
    LeafletStatus,
    OcrPriority,
    OcrStatus,
    Party,
    User,
)
from leaflets.models._types import utcnow
from leaflets.models.moderation import FLAG_REASONS
from leaflets.services import audit, image_turns, indexing, merging
from leaflets.services.errors import Conflict, NotFound, ValidationFailed
from leaflets.services.leaflet_access import visible_leaflet

log = logging.getLogger(__name__)
STATUS_ACTIONS = {
    "hide": LeafletStatus.HIDDEN,
    "restore": LeafletStatus.LIVE,
    "remove": LeafletStatus.REMOVED,
}
NEW_UPLOAD_DAYS = 14


@dataclass
class Dashboard:
    flags: list[Flag]
    new_leaflets: list[Leaflet]
    ocr_failures: list[LeafletImage]
    not_public: list[Leaflet]


def dashboard(limit: int = 50) -> Dashboard:
    since = utcnow() - timedelta(days=NEW_UPLOAD_DAYS)
    shown = (selectinload(Leaflet.images), selectinload(Leaflet.party), selectinload(Leaflet.area))
    flags = db.session.scalars(
        select(Flag)
        .where(Flag.resolved_at.is_(None))
        .options(selectinload(Flag.leaflet).options(*shown))
        .order_by(Flag.created_at.desc())
        .limit(limit)
    )
    new = db.session.scalars(
        select(Leaflet)
        .where(Leaflet.uploaded_at >= since, Leaflet.status == LeafletStatus.LIVE)
        .options(*shown)
        .order_by(Leaflet.uploaded_at.desc())
        .limit(limit)
    )
    failures = db.session.scalars(
        select(LeafletImage)
        .where(LeafletImage.ocr_status == OcrStatus.FAILED)
        .order_by(LeafletImage.id.desc())
        .limit(limit)
    )
    hidden = db.session.scalars(
        select(Leaflet)
        .where(Leaflet.status != LeafletStatus.LIVE)
        .options(*shown)
        .order_by(Leaflet.updated_at.desc())
        .limit(limit)
    )
    return Dashboard(list(flags), list(new), list(failures), list(hidden))


def reference_choices() -> dict[str, Any]:
    """(value, label) pairs for the details form's party and election lists, and the constituencies by nation
    (nation, [(gss, name)]) for the area picker."""
    parties = db.session.scalars(select(Party).order_by(Party.name))
    elections = db.session.scalars(select(Election).order_by(Election.date.desc()))
    by_nation: dict[str, list[tuple[str, str]]] = {}
    for area in db.session.scalars(select(Area).order_by(Area.nation, Area.name)):
        by_nation.setdefault(area.nation, []).append((area.gss, area.name))
    return {
        "parties": [(p.slug, p.name) for p in parties],
        "elections": [(e.slug, e.name) for e in elections],
        "areas": sorted(by_nation.items()),
    }


def find_area(value: str) -> Area:
    """A constituency by its GSS code or its name (any case): the picker sends names, the fallback codes."""
    wanted = " ".join((value or "").split())
    if not wanted:
        raise ValidationFailed("Choose the constituency the leaflet was delivered in.", field="area")
    found = db.session.scalar(select(Area).where(Area.gss == wanted.upper())) or db.session.scalar(
        select(Area).where(func.lower(Area.name) == wanted.lower())
    )
    if found is None:
        raise ValidationFailed(
            f"There is no constituency called {wanted!r}: pick one from the list.", field="area"
        )
    return found


def leaflet_for_moderation(leaflet_id: int) -> tuple[Leaflet, list[Flag]]:
    leaflet = db.session.get(Leaflet, leaflet_id)
    if leaflet is None:
        raise NotFound(f"There is no leaflet {leaflet_id}.")
    flags = db.session.scalars(
        select(Flag).where(Flag.leaflet_id == leaflet_id).order_by(Flag.created_at.desc())
    )
    return leaflet, list(flags)


# --- flags (anyone) -----------------------------------------------------------------------------------------


def create_flag(leaflet_id: int, user: Any, reason: str, note: str | None) -> Flag:
    leaflet = visible_leaflet(leaflet_id, user)
    if reason not in FLAG_REASONS:
        raise ValidationFailed("Choose a reason from the list.", field="reason")
    note = (note or "").strip()
    if len(note) > 2000:
        raise ValidationFailed("The note is at most 2,000 characters.", field="note")
    reporter = user.id if getattr(user, "is_authenticated", False) else None
    flag = Flag(leaflet_id=leaflet.id, reason=reason, note=note, reporter_id=reporter)
    db.session.add(flag)
    db.session.commit()
    log.info("leaflet flagged", extra={"leaflet_id": leaflet.id, "flag_id": flag.id, "reason": reason})
    return flag


def resolve_flag(flag_id: int, moderator: User, reason: str = "") -> Flag:
    flag = db.session.get(Flag, flag_id)
    if flag is None:
        raise NotFound(f"There is no flag {flag_id}.")
    if flag.resolved_at is not None:
        raise Conflict("This flag is already resolved.")
    flag.resolved_at, flag.resolved_by_id = utcnow(), moderator.id
    audit.record(
        moderator,
        "resolve-flag",
        "flag",
        flag.id,
        reason=reason,
        before={"resolved": False},
        after={"resolved": True},
        leaflet_id=flag.leaflet_id,
    )
    db.session.commit()
    return flag


# --- leaflet actions (moderators) ---------------------------------------------------------------------------


def _leaflet(leaflet_id: int) -> Leaflet:
    leaflet = db.session.get(Leaflet, leaflet_id)
    if leaflet is None:
        raise NotFound(f"There is no leaflet {leaflet_id}.")
    return leaflet


def set_status(leaflet_id: int, moderator: User, action: str, reason: str = "") -> Leaflet:
    """Hide (kept, not public), restore (public again) or remove; hiding and removing need a reason."""
    if action not in STATUS_ACTIONS:
        raise ValidationFailed("Choose hide, restore or remove.", field="action")
    reason = (reason or "").strip()
    if action in ("hide", "remove") and not reason:
        raise ValidationFailed(
            f"Say why the leaflet is {'hidden' if action == 'hide' else 'removed'}: "
            "the reason goes in the audit log.",
            field="reason",
        )
    leaflet = _leaflet(leaflet_id)
    before = {"status": leaflet.status, "status_reason": leaflet.status_reason}
    if leaflet.status == STATUS_ACTIONS[action]:
        raise Conflict(f"The leaflet is already {leaflet.status}.")
    leaflet.status = STATUS_ACTIONS[action]
    leaflet.status_reason = reason or None if action != "restore" else None
    audit.record(
        moderator,
        action,
        "leaflet",
        leaflet.id,
        reason=reason,
        before=before,
        after={"status": leaflet.status, "status_reason": leaflet.status_reason},
    )
    db.session.commit()
    indexing.leaflet_changed(leaflet.id)
    return leaflet


def _lookup(model: Any, column: Any, value: str, field: str, label: str) -> Any:
    found = db.session.scalar(select(model).where(column == value.strip()))
    if found is None:
        raise ValidationFailed(f"There is no {label} {value!r}.", field=field)
    return found


def edit_details(
    leaflet_id: int,
    moderator: User,
    *,
    party: str | None,
    area: str,
    election: str,
    delivered_on: date,
    reason: str = "",
) -> Leaflet:
    """Fix the party (empty for unknown), area (GSS code or name), election (slug) and delivery date."""
    leaflet = _leaflet(leaflet_id)
    new_party = _lookup(Party, Party.slug, party, "party", "party") if party and party.strip() else None
    new_area = find_area(area)
    new_election = _lookup(Election, Election.slug, election, "election", "election")

    def state() -> dict[str, Any]:
        return {
            "party": leaflet.party.slug if leaflet.party else None,
            "area": leaflet.area.gss if leaflet.area else None,
            "election": leaflet.election.slug,
            "delivered_on": leaflet.delivered_on.isoformat(),
        }

    before = state()
    leaflet.party, leaflet.area, leaflet.election = new_party, new_area, new_election
    leaflet.delivered_on = delivered_on
    after = state()
    if after == before:
        raise ValidationFailed("Nothing was changed.", field="party")
    audit.record(moderator, "edit-details", "leaflet", leaflet.id, reason=reason, before=before, after=after)
    db.session.commit()
    indexing.leaflet_changed(leaflet.id)
    return leaflet


def image_for_moderation(image_id: int) -> LeafletImage:
    """A photo of any leaflet, live or not (NotFound for no such image)."""
    image = db.session.get(LeafletImage, image_id)
    if image is None:
        raise NotFound(f"There is no image {image_id}.")
    return image


def image_leaflet_id(image_id: int) -> int:
    """The leaflet an image belongs to (NotFound for no such image)."""
    return image_for_moderation(image_id).leaflet_id


def rotate_image(image_id: int, moderator: User, reason: str = "") -> LeafletImage:
    """Turn a photo a quarter clockwise: every stored variant (new files, new URLs), its word boxes, its size;
    then read its text again, ahead of background work. OCR keeps the orientation a moderator chose."""
    image = db.session.get(LeafletImage, image_id)
    if image is None:
        raise NotFound(f"There is no image {image_id}.")
    old_key = image.stored_sha256
    before = {
        "rotation": image.rotation,
        "ocr_status": image.ocr_status,
        "stored_sha256": old_key,
        "size": [image.width, image.height],
    }
    try:
        image_turns.turn_image(image, 90)
    except image_turns.MasterUnreadable as error:
        raise Conflict(f"This photo cannot be turned: {error}") from None
    except image_turns.PhotoChanged as error:
        raise Conflict(str(error)) from None
    image.ocr_status, image.ocr_attempts, image.next_attempt_at, image.ocr_error = (
        OcrStatus.PENDING,
        0,
        None,
        None,
    )
    image.ocr_priority, image.leased_until, image.lease_owner = OcrPriority.INTERACTIVE, None, None
    audit.record(
        moderator,
        "rotate",
        "image",
        image.id,
        reason=reason,
        before=before,
        after={
            "rotation": image.rotation,
            "ocr_status": image.ocr_status,
            "stored_sha256": image.stored_sha256,
            "size": [image.width, image.height],
        },
        leaflet_id=image.leaflet_id,
    )
    db.session.commit()
    image_turns.discard_if_unused(old_key)
    if "ocr_queue" in current_app.extensions.get("straight_choice", {}):
        from leaflets import runtime

        runtime.ocr_queue().enqueue([image.id])
    indexing.leaflet_changed(image.leaflet_id)
    return image


def merge(duplicate_id: int, original_id: int, moderator: User, reason: str = "") -> Leaflet:
    """Merge a copy into its original (see services/merging.py)."""
    return merging.merge(duplicate_id, original_id, moderator, reason)
