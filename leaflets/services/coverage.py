"""The coverage map: live leaflets per constituency (for a party, an election), and where parties campaigned
against where they won or came second in 2024."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Mapping

from sqlalchemy import func, select

from leaflets.extensions import db
from leaflets.models import AreaResult, CountScope, Election, Leaflet, LeafletStatus, Party
from leaflets.services import live_counts
from leaflets.services.errors import ValidationFailed
from leaflets.services.hexmap import Cell, HexMap, build, plural

VIEWS = ("coverage", "results")
RESULTS_ELECTION = "ge-2024"
MARKERS = {"won": "won the seat in 2024", "second": "came second in 2024"}


@dataclass(frozen=True)
class Filters:
    party: Party | None = None
    election: Election | None = None
    view: str = "coverage"


def parse_filters(args: Mapping[str, Any]) -> Filters:
    """party, election and view from a query string; unknown values are 422s naming the field."""
    party_slug, election_slug = (args.get("party") or "").strip(), (args.get("election") or "").strip()
    view = (args.get("view") or "coverage").strip()
    if view not in VIEWS:
        raise ValidationFailed(
            "Choose the coverage view or the 2024 results view.", field="view", code="unknown_view"
        )
    party = election = None
    if party_slug:
        party = db.session.scalar(select(Party).where(Party.slug == party_slug))
        if party is None:
            raise ValidationFailed(
                f"There is no party called {party_slug!r}.", field="party", code="unknown_party"
            )
    if election_slug:
        election = db.session.scalar(select(Election).where(Election.slug == election_slug))
        if election is None:
            raise ValidationFailed(
                f"There is no election called {election_slug!r}.", field="election", code="unknown_election"
            )
    return Filters(party, election, view)


def leaflet_counts(party_id: int | None = None, election_id: int | None = None) -> dict[int, int]:
    """Live leaflets per area id."""
    if party_id is None and election_id is None:  # scale: the whole archive's are kept counts, not counted
        return {area_id: n for area_id, n in live_counts.by_key(CountScope.AREA).items() if area_id}
    query = select(Leaflet.area_id, func.count()).where(Leaflet.status == LeafletStatus.LIVE)
    if party_id is not None:
        query = query.where(Leaflet.party_id == party_id)
    if election_id is not None:
        query = query.where(Leaflet.election_id == election_id)
    counts = db.session.execute(query.group_by(Leaflet.area_id))
    return {area_id: n for area_id, n in counts if area_id is not None}  # None: no place yet


def _what(filters: Filters) -> str:
    party = f"{filters.party.label} " if filters.party else ""
    during = f" ({filters.election.name})" if filters.election else ""
    return f"{party}leaflets{during}"


def coverage_map(filters: Filters = Filters()) -> HexMap:
    counts = leaflet_counts(
        filters.party.id if filters.party else None, filters.election.id if filters.election else None
    )
    party = f"{filters.party.label} " if filters.party else ""

    def title(cell: Cell, count: int) -> str:
        return f"{cell.name}: {plural(count, party + 'leaflet')}"

    return build(counts, title, _what(filters))


@dataclass(frozen=True)
class Result:
    winner: Party | None
    second: Party | None


def results_2024() -> dict[int, Result]:
    election_id = db.session.scalar(select(Election.id).where(Election.slug == RESULTS_ELECTION))
    parties = {party.id: party for party in db.session.scalars(select(Party))}
    rows = db.session.execute(
        select(AreaResult.area_id, AreaResult.winner_party_id, AreaResult.second_party_id).where(
            AreaResult.election_id == election_id
        )
    )
    return {
        area_id: Result(parties.get(winner or 0), parties.get(second or 0))
        for area_id, winner, second in rows
    }


@dataclass
class Battleground:
    """Where one party's leaflets went, by its 2024 result there."""

    label: str
    seats: int
    leaflets: int

    @property
    def per_seat(self) -> float:
        return self.leaflets / self.seats if self.seats else 0.0


@dataclass
class PartyCampaign:
    party: Party
    leaflets: int
    won: int = 0
    second: int = 0

    @property
    def elsewhere(self) -> int:
        return self.leaflets - self.won - self.second


@dataclass
class ResultsView:
    map: HexMap
    party: Party
    battlegrounds: list[Battleground] = field(default_factory=list)
    hardest: list[tuple[Cell, int, Result]] = field(default_factory=list)
    parties: list[PartyCampaign] = field(default_factory=list)


def default_party() -> Party | None:
    """The party with the most live leaflets (the results view needs one)."""
    return db.session.scalar(
        select(Party)
        .join(Leaflet, Leaflet.party_id == Party.id)
        .where(Leaflet.status == LeafletStatus.LIVE)
        .group_by(Party.id)
        .order_by(func.count().desc(), Party.name)
        .limit(1)
    )


def results_view(filters: Filters) -> ResultsView | None:
    """Leaflets of one party per seat with where it won and came second in 2024; None with no party at all."""
    party = filters.party or default_party()
    if party is None:
        return None
    election_id = filters.election.id if filters.election else None
    counts, results = leaflet_counts(party.id, election_id), results_2024()
    markers = {
        area_id: ("won" if result.winner is party else "second")
        for area_id, result in results.items()
        if party in (result.winner, result.second)
    }

    def title(cell: Cell, count: int) -> str:
        result = results.get(cell.area_id)
        won = (
            f"; 2024: {result.winner.label} won, {result.second.label} second"
            if result and result.winner and result.second
            else ""
        )
        return f"{cell.name}: {plural(count, party.label + ' leaflet')}{won}"

    hexmap = build(
        counts,
        title,
        _what(Filters(party, filters.election)),
        markers,
        {marker: f"{party.label} {meaning}" for marker, meaning in MARKERS.items()},
        "2024 result",
    )
    view = ResultsView(hexmap, party)
    for marker, label in (
        ("won", "Seats it won"),
        ("second", "Seats where it came second"),
        (None, "Other seats"),
    ):
        seats = [h for h in hexmap.hexes if h.marker == marker]
        view.battlegrounds.append(Battleground(label, len(seats), sum(h.count for h in seats)))
    ranked = sorted((h for h in hexmap.hexes if h.count), key=lambda h: (-h.count, h.cell.name))[:10]
    view.hardest = [(h.cell, h.count, results.get(h.cell.area_id, Result(None, None))) for h in ranked]
    view.parties = campaigns(results, election_id)
    return view


def campaigns(results: dict[int, Result], election_id: int | None) -> list[PartyCampaign]:
    """Every party's live leaflets split by its 2024 result in the seat, most leaflets first."""
    query = (
        select(Leaflet.party_id, Leaflet.area_id, func.count())
        .where(Leaflet.status == LeafletStatus.LIVE, Leaflet.party_id.is_not(None))
        .group_by(Leaflet.party_id, Leaflet.area_id)
    )
    if election_id is not None:
        query = query.where(Leaflet.election_id == election_id)
    parties = {party.id: party for party in db.session.scalars(select(Party))}
    found: dict[int, PartyCampaign] = {}
    for party_id, area_id, n in db.session.execute(query):
        if party_id is None:
            continue
        campaign = found.setdefault(party_id, PartyCampaign(parties[party_id], 0))
        campaign.leaflets += n
        result = results.get(area_id) if area_id is not None else None
        if result and result.winner and result.winner.id == party_id:
            campaign.won += n
        elif result and result.second and result.second.id == party_id:
            campaign.second += n
    return sorted(found.values(), key=lambda c: (-c.leaflets, c.party.name))


@dataclass
class MapPage:
    filters: Filters
    map: HexMap | None = None
    results: ResultsView | None = None


def map_page(filters: Filters) -> MapPage:
    """The coverage map, or the 2024 results view (the map of the chosen or biggest party)."""
    if filters.view == "results":
        results = results_view(filters)
        return MapPage(filters, results.map if results else coverage_map(filters), results)
    return MapPage(filters, coverage_map(filters))
