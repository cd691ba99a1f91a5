"""Who may see what: hidden and removed leaflets are public nowhere; moderators see everything."""

from __future__ import annotations

from typing import Any

from sqlalchemy import exists, select

from leaflets.extensions import db
from leaflets.models import Leaflet, LeafletImage, LeafletStatus
from leaflets.services.errors import NotFound


def can_see_hidden(user: Any) -> bool:
    return bool(getattr(user, "is_authenticated", False) and user.has_role("moderator"))


def visible_leaflet(leaflet_id: int, user: Any) -> Leaflet:
    leaflet = db.session.get(Leaflet, leaflet_id)
    if leaflet is None or (leaflet.status != LeafletStatus.LIVE and not can_see_hidden(user)):
        raise NotFound(f"There is no leaflet {leaflet_id}.")
    return leaflet


def image_is_visible(sha256: str, user: Any) -> bool:
    """Whether the image folder `sha256` (a LeafletImage.stored_sha256) is of a leaflet this user sees."""
    if can_see_hidden(user):
        return db.session.scalar(select(exists().where(LeafletImage.stored_sha256 == sha256))) or False
    query = select(
        exists().where(
            LeafletImage.stored_sha256 == sha256,
            LeafletImage.leaflet_id == Leaflet.id,
            Leaflet.status == LeafletStatus.LIVE,
        )
    )
    return db.session.scalar(query) or False
