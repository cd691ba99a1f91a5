"""The compare pages that are not one comparison: several parties in one seat side by side, a party's places,
and the widest templates of the archive."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select

from leaflets.extensions import db
from leaflets.models import Area, CompareText, Election, Leaflet, LeafletStatus, Party
from leaflets.services.compare.corpus import Subject, ensure_analysed
from leaflets.services.compare.service import Comparison, compare, resolve
from leaflets.services.compare.templates import TemplateSummary, widest_templates

PARTIES_SIDE_BY_SIDE = 6
PLACES_LISTED = 30


def seat(area: Area, election: Election | None = None) -> list[Comparison]:
    """Each party with live leaflets in this seat, compared with its leaflets elsewhere (most leaflets
    first)."""
    count = func.count()
    query = (
        select(Leaflet.party_id, count)
        .where(
            Leaflet.status == LeafletStatus.LIVE, Leaflet.area_id == area.id, Leaflet.party_id.is_not(None)
        )
        .group_by(Leaflet.party_id)
        .order_by(count.desc(), Leaflet.party_id)
    )
    if election is not None:
        query = query.where(Leaflet.election_id == election.id)
    party_ids = [
        party_id
        for party_id, _n in db.session.execute(query.limit(PARTIES_SIDE_BY_SIDE))
        if party_id is not None
    ]
    parties = {party.id: party for party in db.session.scalars(select(Party).where(Party.id.in_(party_ids)))}
    return [compare(Subject(parties[party_id], area, election)) for party_id in party_ids]


@dataclass(frozen=True)
class PartyPlaces:
    party: Party
    places: list[tuple[Area, int]]
    templates: list[TemplateSummary]


def party_places(party: Party, election: Election | None = None) -> PartyPlaces:
    """Where a party's leaflets have been read (most first) and its widest templates."""
    ensure_analysed(party.id)
    count = func.count()
    query = (
        select(Area, count)
        .join(CompareText, CompareText.area_id == Area.id)
        .where(CompareText.counted.is_(True), CompareText.party_id == party.id)
        .group_by(Area.id)
        .order_by(count.desc(), Area.name)
        .limit(PLACES_LISTED)
    )
    if election is not None:
        query = query.where(CompareText.election_id == election.id)
    places = [(area, n) for area, n in db.session.execute(query)]
    return PartyPlaces(party, places, widest_templates(party))


def archive_templates() -> list[TemplateSummary]:
    return widest_templates()


@dataclass
class ComparePage:
    result: Comparison | None = None
    seat: list[Comparison] | None = None
    subject: Subject | None = None
    party_places: PartyPlaces | None = None
    widest: list[TemplateSummary] | None = None


def compare_page(party: str, area: str, election: str, against: str) -> ComparePage:
    """What /compare shows for its form: a party in a seat, a seat's parties side by side, a party's places,
    or (with nothing chosen) the widest templates of the archive. 422 for unknown values."""
    if not party and not area:
        return ComparePage(widest=archive_templates())
    subject = resolve(party, area, election, against, need_party=False, need_area=False)
    if subject.party is not None and subject.area is not None:
        return ComparePage(result=compare(subject), subject=subject)
    if subject.area is not None:
        return ComparePage(seat=seat(subject.area, subject.election), subject=subject)
    return ComparePage(party_places=party_places(subject.party, subject.election), subject=subject)
