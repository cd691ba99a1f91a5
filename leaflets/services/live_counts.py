"""Live leaflet counts read from archive_count, which triggers keep exact as leaflets and photos come and go
(migration 0015): the home page, the pager and the party and area lists read numbers, not 100,000 rows.

`recount()` computes the same figures from scratch (slow at scale): `flask counts check [--repair]` and the
tests compare the two.
"""

from __future__ import annotations

import logging
from typing import Any

from sqlalchemy import delete, func, insert, select

from leaflets.extensions import db
from leaflets.models import ArchiveCount, CountScope, Leaflet, LeafletImage, LeafletStatus

log = logging.getLogger(__name__)
_SCOPE_COLUMNS = {
    CountScope.PARTY: Leaflet.party_id,
    CountScope.AREA: Leaflet.area_id,
    CountScope.ELECTION: Leaflet.election_id,
}


def count(scope: CountScope = CountScope.ALL, key_id: int | None = 0) -> int:
    """Live leaflets in one scope (key None or 0: no party / no place yet)."""
    found = db.session.scalar(
        select(ArchiveCount.leaflets).where(ArchiveCount.scope == scope, ArchiveCount.key_id == (key_id or 0))
    )
    return int(found or 0)


def by_key(scope: CountScope) -> dict[int, int]:
    """key id -> live leaflets, for keys with at least one (0: none)."""
    rows = db.session.execute(
        select(ArchiveCount.key_id, ArchiveCount.leaflets).where(
            ArchiveCount.scope == scope, ArchiveCount.leaflets > 0
        )
    )
    return {key: n for key, n in rows}


def _keys_with_leaflets(scope: CountScope) -> Any:
    """How many parties (areas) have at least one live leaflet, "none yet" not counted: one number read from
    the kept counts, not a row per key."""
    return select(func.count()).where(
        ArchiveCount.scope == scope, ArchiveCount.key_id != 0, ArchiveCount.leaflets > 0
    )


def totals() -> tuple[int, int, int, int]:
    """(live leaflets, parties with any, constituencies with any, live photos) in one statement (scale: on
    PostgreSQL each statement is a round trip, and the home page asked four times)."""
    everything = select(ArchiveCount).where(ArchiveCount.scope == CountScope.ALL, ArchiveCount.key_id == 0)
    row = db.session.execute(
        select(
            everything.with_only_columns(ArchiveCount.leaflets).scalar_subquery(),
            _keys_with_leaflets(CountScope.PARTY).scalar_subquery(),
            _keys_with_leaflets(CountScope.AREA).scalar_subquery(),
            everything.with_only_columns(ArchiveCount.images).scalar_subquery(),
        )
    ).one()
    leaflets, parties, areas, images = (int(value or 0) for value in row)
    return leaflets, parties, areas, images


def live_images() -> int:
    found = db.session.scalar(
        select(ArchiveCount.images).where(ArchiveCount.scope == CountScope.ALL, ArchiveCount.key_id == 0)
    )
    return int(found or 0)


def kept() -> dict[tuple[str, int], tuple[int, int]]:
    """Every non-zero (scope, key) -> (leaflets, images) as the table holds it."""
    rows = db.session.execute(
        select(ArchiveCount.scope, ArchiveCount.key_id, ArchiveCount.leaflets, ArchiveCount.images)
    )
    return {(scope, key): (n, images) for scope, key, n, images in rows if n or images}


def recount() -> dict[tuple[str, int], tuple[int, int]]:
    """The same figures counted from the leaflets themselves."""
    live = Leaflet.status == LeafletStatus.LIVE
    total = db.session.scalar(select(func.count(Leaflet.id)).where(live)) or 0
    images = db.session.scalar(select(func.count(LeafletImage.id)).join(Leaflet).where(live)) or 0
    figures = {(str(CountScope.ALL), 0): (total, images)} if total or images else {}
    for scope, column in _SCOPE_COLUMNS.items():
        key = func.coalesce(column, 0)
        for key_id, n in db.session.execute(select(key, func.count(Leaflet.id)).where(live).group_by(key)):
            figures[(str(scope), int(key_id))] = (n, 0)
    return figures


def repair() -> int:
    """Replace the kept counts with a recount; returns how many rows differed."""
    figures, before = recount(), kept()
    differing = len(set(figures.items()) ^ set(before.items()))
    db.session.execute(delete(ArchiveCount))
    if figures:
        db.session.execute(
            insert(ArchiveCount),
            [
                {"scope": scope, "key_id": key, "leaflets": n, "images": images}
                for (scope, key), (n, images) in figures.items()
            ],
        )
    db.session.commit()
    log.info("archive counts recounted", extra={"differing": differing})
    return differing
