"""Ways into the archive besides search: every election with its leaflet count, and a random live leaflet."""

from __future__ import annotations

import random

from sqlalchemy import func, select

from leaflets.extensions import db
from leaflets.models import Election, Leaflet, LeafletStatus
from leaflets.services.errors import NotFound


def elections_with_counts() -> list[tuple[Election, int]]:
    """Every election in the reference data, newest first, with its live leaflets (zero included)."""
    count = func.count(Leaflet.id)
    query = (
        select(Election, count)
        .outerjoin(Leaflet, (Leaflet.election_id == Election.id) & (Leaflet.status == LeafletStatus.LIVE))
        .group_by(Election.id)
        .order_by(Election.date.desc(), Election.name)
    )
    return [(election, n) for election, n in db.session.execute(query)]


def random_live_leaflet_id(rng: random.Random | None = None) -> int:
    """A live leaflet chosen at random, in two index lookups (never a scan or ORDER BY random())."""
    low, high = db.session.execute(select(func.min(Leaflet.id), func.max(Leaflet.id))).one()
    if low is None:
        raise NotFound("There are no leaflets in the archive yet.")
    pick = (rng or random.SystemRandom()).randint(low, high)
    live = Leaflet.status == LeafletStatus.LIVE
    found = db.session.scalar(
        select(Leaflet.id).where(live, Leaflet.id >= pick).order_by(Leaflet.id).limit(1)
    ) or db.session.scalar(
        select(Leaflet.id).where(live, Leaflet.id < pick).order_by(Leaflet.id.desc()).limit(1)
    )
    if found is None:
        raise NotFound("There are no leaflets in the archive yet.")
    return found
