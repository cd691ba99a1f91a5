"""The volunteers' "needs a place" queue: live leaflets whose uploader did not know where they were."""

from __future__ import annotations

import logging
from dataclasses import dataclass

from sqlalchemy import ColumnElement, func, select
from sqlalchemy.orm import selectinload

from leaflets.extensions import db
from leaflets.models import Leaflet, LeafletStatus, User
from leaflets.services import audit, indexing, locations
from leaflets.services.errors import Conflict
from leaflets.services.leaflet_access import visible_leaflet
from leaflets.services.locations import AreaChoice

log = logging.getLogger(__name__)
PAGE = 20


@dataclass
class WaitingLeaflet:
    leaflet: Leaflet
    suggestions: list[AreaChoice]  # from the postcode district the uploader gave, if any


def _waiting() -> list[ColumnElement[bool]]:
    return [Leaflet.status == LeafletStatus.LIVE, Leaflet.area_id.is_(None)]


def count_waiting() -> int:
    return db.session.scalar(select(func.count(Leaflet.id)).where(*_waiting())) or 0


def suggestions(district: str | None) -> list[AreaChoice]:
    """The constituencies the kept postcode district points to (Northern Ireland's 18 for a BT one)."""
    if not district:
        return []
    if district.startswith("BT"):
        return locations.northern_ireland_areas()
    return locations.district_choices(district)


def waiting(limit: int = PAGE) -> list[WaitingLeaflet]:
    """The oldest first: they have waited longest."""
    leaflets = db.session.scalars(
        select(Leaflet)
        .where(*_waiting())
        .options(selectinload(Leaflet.images), selectinload(Leaflet.party))
        .order_by(Leaflet.uploaded_at, Leaflet.id)
        .limit(limit)
    )
    return [WaitingLeaflet(leaflet, suggestions(leaflet.postcode_district)) for leaflet in leaflets]


def set_place(leaflet_id: int, user: User, gss: str) -> Leaflet:
    """A volunteer gives a placeless leaflet its constituency (changing a known one is a moderator's edit)."""
    leaflet = visible_leaflet(leaflet_id, user)
    if leaflet.area_id is not None:
        raise Conflict("This leaflet already has a place: a moderator can change it.", field="area")
    area = locations.area_by_gss(gss or "")
    leaflet.area = area
    audit.record(user, "set-place", "leaflet", leaflet.id, before={"area": None}, after={"area": area.gss})
    db.session.commit()
    log.info("leaflet placed", extra={"leaflet_id": leaflet.id, "area": area.gss, "user_id": user.id})
    indexing.leaflet_changed(leaflet.id)
    return leaflet
