"""Browsing queries: latest leaflets, per party/area/election lists, counts, notspots, neighbours, stats.

Everything public here shows only live leaflets.
"""

from __future__ import annotations

import functools
import logging
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Generic, Iterable, Sequence, TypeVar

from sqlalchemy import Select, and_, bindparam, func, or_, select, union_all
from sqlalchemy.orm import defer, joinedload, selectinload, with_expression

from leaflets.extensions import db
from leaflets.models import Area, CountScope, Election, Leaflet, LeafletImage, LeafletStatus, Party
from leaflets.services import live_counts
from leaflets.services.errors import NotFound

log = logging.getLogger(__name__)
T = TypeVar("T")

# HexJSON "odd-r": odd rows are shifted right, so a row's neighbours above and below depend on its parity.
_EVEN_ROW_NEIGHBOURS = ((1, 0), (-1, 0), (-1, -1), (0, -1), (-1, 1), (0, 1))
_ODD_ROW_NEIGHBOURS = ((1, 0), (-1, 0), (0, -1), (1, -1), (0, 1), (1, 1))


@dataclass
class Page(Generic[T]):
    items: list[T]
    number: int
    per_page: int
    total: int
    next_cursor: str | None = None  # scale: where the next page starts, so "Older" never counts past rows

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.per_page))

    @property
    def has_previous(self) -> bool:
        return self.number > 1

    @property
    def has_next(self) -> bool:
        return self.number < self.pages


@dataclass
class Totals:
    leaflets: int
    parties: int
    areas: int
    images: int


@dataclass
class RegionGroup:
    region: str
    areas: list[tuple[Area, int]]

    @property
    def leaflets(self) -> int:
        return sum(count for _area, count in self.areas)

    @property
    def covered(self) -> int:
        return sum(1 for _area, count in self.areas if count)


@dataclass
class NationGroup:
    nation: str
    regions: list[RegionGroup] = field(default_factory=list)

    @property
    def leaflets(self) -> int:
        return sum(region.leaflets for region in self.regions)

    @property
    def areas(self) -> int:
        return sum(len(region.areas) for region in self.regions)

    @property
    def uncovered(self) -> int:
        return sum(len(region.areas) - region.covered for region in self.regions)


@dataclass
class Stats:
    totals: Totals
    by_party: list[tuple[Party | None, int]]
    by_region: list[tuple[str, str, int]]
    by_election: list[tuple[Election, int]]
    ocr_status: dict[str, int]


def is_live():
    return Leaflet.status == LeafletStatus.LIVE


# What a page's cards never show of a photo: its word boxes (often hundreds, decoded from JSON row by row:
# 6-20% of the home page's time in burst profiles) and OCR's own measures. Loaded only if something asks.
_NOT_ON_CARDS = (LeafletImage.ocr_words, LeafletImage.ocr_timings, LeafletImage.ocr_quality)


def with_card_data(query: Select) -> Select:
    """Load what a leaflet card shows in two queries: the leaflets joined to their party, area and election
    (scale: one statement, not three more), then their photos without their word boxes, which the database
    counts instead (`LeafletImage.ocr_word_count`, for the API's `words`)."""
    words = func.coalesce(func.json_array_length(LeafletImage.ocr_words), 0)
    images = selectinload(Leaflet.images).options(
        *(defer(column) for column in _NOT_ON_CARDS), with_expression(LeafletImage.ocr_word_count, words)
    )
    return query.options(
        joinedload(Leaflet.party),
        joinedload(Leaflet.area),
        joinedload(Leaflet.election),
        images,
    )


def newest_first(query: Select) -> Select:
    return query.order_by(Leaflet.uploaded_at.desc(), Leaflet.id.desc())


def page_number(raw: str | None) -> int:
    """Read ?page= leniently: anything unusable is the first page."""
    try:
        return max(1, min(int(raw or 1), 100_000))
    except ValueError:
        return 1


def _page_ids(conditions: list[Any], number: int, per_page: int, after: str | None) -> list[int]:
    """The ids on one page, read from the index alone: after the `after` cursor's leaflet (keyset, what the
    pager's links carry: as cheap at page 500 as at page 1), or else by offset (a typed ?page=)."""
    query = newest_first(select(Leaflet.id).where(*conditions)).limit(per_page)
    position = decode_page_cursor(after)
    if position is not None:
        moment, leaflet_id = position
        query = query.where(
            or_(Leaflet.uploaded_at < moment, and_(Leaflet.uploaded_at == moment, Leaflet.id < leaflet_id))
        )
    else:
        query = query.offset((number - 1) * per_page)
    return list(db.session.scalars(query))


def _cards(ids: list[int]) -> list[Leaflet]:
    """These leaflets, in this order, with what their cards show."""
    if not ids:
        return []
    query = with_card_data(select(Leaflet).where(Leaflet.id.in_(ids)))
    loaded = {leaflet.id: leaflet for leaflet in db.session.scalars(query)}
    return [loaded[i] for i in ids if i in loaded]


def leaflet_page(
    number: int,
    per_page: int,
    *,
    party: Party | None = None,
    area: Area | None = None,
    election: Election | None = None,
    after: str | None = None,
) -> Page[Leaflet]:
    """One page of live leaflets, newest first, optionally for one party, area or election; the total is the
    kept count (live_counts), not a count of rows."""
    conditions = [is_live()]
    scope, key = CountScope.ALL, 0
    for chosen, column, chosen_scope in (
        (party, Leaflet.party_id, CountScope.PARTY),
        (area, Leaflet.area_id, CountScope.AREA),
        (election, Leaflet.election_id, CountScope.ELECTION),
    ):
        if chosen is not None:
            conditions.append(column == chosen.id)
            scope, key = chosen_scope, chosen.id
    page: Page[Leaflet] = Page(
        items=[], number=number, per_page=per_page, total=live_counts.count(scope, key)
    )
    if number > page.pages:
        raise NotFound(f"There is no page {number}: the last is page {page.pages}.")
    page.items = _cards(_page_ids(conditions, number, per_page, after))
    if page.items and page.has_next:
        page.next_cursor = encode_page_cursor(page.items[-1])
    return page


def encode_page_cursor(leaflet: Leaflet) -> str:
    return f"{leaflet.uploaded_at.isoformat()}_{leaflet.id}"


def decode_page_cursor(raw: str | None) -> tuple[datetime, int] | None:
    """Read ?after= leniently, like ?page=: anything unusable means "count from the start"."""
    try:
        moment, leaflet_id = (raw or "").rsplit("_", 1)
        return datetime.fromisoformat(moment), int(leaflet_id)
    except ValueError:
        return None


def live_leaflet(leaflet_id: int) -> Leaflet:
    leaflet = db.session.get(Leaflet, leaflet_id)
    if leaflet is None or not leaflet.is_live:
        raise NotFound(f"There is no leaflet {leaflet_id}.")
    return leaflet


def _one(model: type[T], condition: Any, missing: str) -> T:
    found = db.session.scalar(select(model).where(condition))
    if found is None:
        raise NotFound(missing)
    return found


def party_by_slug(slug: str) -> Party:
    return _one(Party, Party.slug == slug, f"There is no party called {slug!r}.")


def area_by_gss(gss: str) -> Area:
    return _one(Area, Area.gss == gss.upper(), f"There is no area with the code {gss!r}.")


def election_by_slug(slug: str) -> Election:
    return _one(Election, Election.slug == slug, f"There is no election called {slug!r}.")


def totals() -> Totals:
    """The archive in numbers, from the kept counts (no party and no place yet are not counted as one)."""
    return Totals(*live_counts.totals())


def party_counts() -> list[tuple[Party, int]]:
    """Parties with at least one live leaflet, most leaflets first."""
    counts = live_counts.by_key(CountScope.PARTY)
    parties: Iterable[Party] = (
        db.session.scalars(select(Party).where(Party.id.in_(counts.keys() - {0}))) if counts else []
    )
    return sorted(((party, counts[party.id]) for party in parties), key=lambda pair: (-pair[1], pair[0].name))


def _area_counts() -> dict[int, int]:
    return live_counts.by_key(CountScope.AREA)


def area_groups() -> list[NationGroup]:
    """Every constituency with its leaflet count, grouped by nation then region."""
    counts = _area_counts()
    nations: dict[str, NationGroup] = {}
    regions: dict[tuple[str, str], RegionGroup] = {}
    for area in db.session.scalars(select(Area).order_by(Area.nation, Area.region, Area.name)):
        nation = nations.setdefault(area.nation, NationGroup(area.nation))
        key = (area.nation, area.region)
        if key not in regions:
            regions[key] = RegionGroup(area.region, [])
            nation.regions.append(regions[key])
        regions[key].areas.append((area, counts.get(area.id, 0)))
    return list(nations.values())


def notspots(nations: list[NationGroup], limit: int = 12) -> list[tuple[Area, int]]:
    """Where uploads are needed most: the constituency with the fewest live leaflets in each region,
    regions with the least coverage first."""
    regions = sorted(
        (region for nation in nations for region in nation.regions),
        key=lambda region: (region.covered / max(1, len(region.areas)), region.region),
    )
    picks = [
        min(region.areas, key=lambda pair: (pair[1], pair[0].name)) for region in regions if region.areas
    ]
    return sorted(picks, key=lambda pair: pair[1])[:limit]


def neighbour_cells(q: int, r: int) -> list[tuple[int, int]]:
    offsets = _ODD_ROW_NEIGHBOURS if r % 2 else _EVEN_ROW_NEIGHBOURS
    return [(q + dq, r + dr) for dq, dr in offsets]


def neighbours(area: Area) -> list[Area]:
    """The constituencies on the six hexes around this one in the HexJSON map."""
    if area.hex_q is None or area.hex_r is None:
        return []
    cells = set(neighbour_cells(area.hex_q, area.hex_r))
    qs, rs = {q for q, _r in cells}, {r for _q, r in cells}
    query = select(Area).where(Area.hex_q.in_(qs), Area.hex_r.in_(rs), Area.id != area.id).order_by(Area.name)
    candidates = db.session.scalars(query)
    return [other for other in candidates if (other.hex_q, other.hex_r) in cells]


_NEIGHBOURS = 6  # a hex has six: the statement below always takes six areas, so it is compiled once
_NO_AREA = 0  # an id no area has (ids start at 1): pads a border constituency's fewer neighbours


@functools.lru_cache(maxsize=4)  # built once: constructing six subqueries cost more than running them
def _newest_of_each(limit: int) -> Select:
    each = [
        newest_first(
            select(Leaflet.uploaded_at, Leaflet.id).where(is_live(), Leaflet.area_id == bindparam(f"area{n}"))
        )
        .limit(limit)
        .subquery()
        for n in range(_NEIGHBOURS)
    ]
    newest = union_all(*(select(part.c.uploaded_at, part.c.id) for part in each)).subquery()
    return select(newest.c.id).order_by(newest.c.uploaded_at.desc(), newest.c.id.desc()).limit(limit)


def latest_nearby(areas: Sequence[Area], limit: int = 8) -> list[Leaflet]:
    """The newest live leaflets of these (at most six) areas. Scale: each area's newest `limit` are read
    from its index (area, status, uploaded_at, id) alone, so a busy neighbour costs `limit` index entries,
    not a sort of all its leaflets; all six in one statement (not a round trip each on PostgreSQL); then the
    newest of those few are loaded."""
    if not areas:
        return []
    ids = [area.id for area in areas][:_NEIGHBOURS]
    ids += [_NO_AREA] * (_NEIGHBOURS - len(ids))
    chosen = db.session.scalars(_newest_of_each(limit), {f"area{n}": ids[n] for n in range(_NEIGHBOURS)})
    return _cards(list(chosen))


def also_delivered(leaflet: Leaflet) -> list[Leaflet]:
    """Copies of this leaflet reported from elsewhere (their duplicate_of points here): live ones, and ones a
    moderator merged into this one (removed, so only their place and date are shown). Hidden ones stay out."""
    shown = Leaflet.status.in_((LeafletStatus.LIVE, LeafletStatus.REMOVED))
    query = with_card_data(select(Leaflet).where(shown, Leaflet.duplicate_of_id == leaflet.id))
    return list(db.session.scalars(query.order_by(Leaflet.delivered_on, Leaflet.id)))


def original_of(leaflet: Leaflet) -> Leaflet | None:
    original = leaflet.duplicate_of
    return original if original is not None and original.is_live else None


def stats() -> Stats:
    """The archive's figures: leaflet counts from the kept counts; photos by OCR status are counted."""
    party_counts_ = live_counts.by_key(CountScope.PARTY)
    parties = {
        party.id: party for party in db.session.scalars(select(Party).where(Party.id.in_(party_counts_)))
    }
    by_party = sorted(
        ((parties.get(key), n) for key, n in party_counts_.items() if key == 0 or key in parties),
        key=lambda pair: -pair[1],
    )
    area_counts = live_counts.by_key(CountScope.AREA)
    regions: dict[tuple[str, str], int] = {}
    for area in db.session.scalars(select(Area).where(Area.id.in_(area_counts))):
        regions[(area.nation, area.region)] = (
            regions.get((area.nation, area.region), 0) + area_counts[area.id]
        )
    election_counts = live_counts.by_key(CountScope.ELECTION)
    elections = db.session.scalars(
        select(Election).where(Election.id.in_(election_counts)).order_by(Election.date.desc())
    )
    ocr = db.session.execute(
        select(LeafletImage.ocr_status, func.count(LeafletImage.id))
        .join(Leaflet)
        .where(is_live())
        .group_by(LeafletImage.ocr_status)
    ).all()
    return Stats(
        totals=totals(),
        by_party=by_party,
        by_region=[(nation, region, n) for (nation, region), n in sorted(regions.items())],
        by_election=[(e, election_counts[e.id]) for e in elections],
        ocr_status={status: n for status, n in ocr},
    )
