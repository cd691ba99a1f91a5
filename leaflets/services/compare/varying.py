"""Numbers that vary: a figure in a local leaflet whose sentence (its key) the party also prints elsewhere
with a different figure ("£31m for local services" here, "£18m" in Banbury)."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from sqlalchemy import ColumnElement, func, select

from leaflets.extensions import db
from leaflets.models import Area, CompareNumber
from leaflets.services.browse import Page
from leaflets.services.compare.corpus import Subject
from leaflets.services.compare.sql import mapping

LIMIT = 12
FIGURES_SHOWN = 8


@dataclass(frozen=True)
class LocalFigure:
    leaflet_id: int
    figure: str
    context: str
    image_id: int | None
    box: str | None


@dataclass(frozen=True)
class Figure:
    figure: str
    value: float | None
    places: int
    leaflets: int
    example_leaflet_id: int
    example_place: str


@dataclass
class VaryingNumber:
    key: str
    local: list[LocalFigure]
    elsewhere: list[Figure] = field(default_factory=list)
    places: int = 0
    leaflets: int = 0

    @property
    def context(self) -> str:
        return self.local[0].context

    @property
    def same_elsewhere(self) -> int:
        """Places elsewhere that print the same figure as here."""
        mine = {figure.figure for figure in self.local}
        return sum(figure.places for figure in self.elsewhere if figure.figure in mine)

    @property
    def other_figures(self) -> list[Figure]:
        mine = {figure.figure for figure in self.local}
        return [figure for figure in self.elsewhere if figure.figure not in mine]


def scope(subject: Subject, area_ids: list[int] | None) -> list[ColumnElement[bool]]:
    """The party's figures elsewhere: every other seat, or only the given ones (neighbours)."""
    conditions = [CompareNumber.party_id == subject.party.id]
    conditions.append(
        CompareNumber.area_id.in_(area_ids)
        if area_ids is not None
        else CompareNumber.area_id != subject.area.id
    )
    if subject.election is not None:
        conditions.append(CompareNumber.election_id == subject.election.id)
    return conditions


def varying(
    subject: Subject, local_ids: list[int], area_ids: list[int] | None = None, limit: int = LIMIT
) -> list[VaryingNumber]:
    """The local figures whose key appears elsewhere with another figure, the most widely printed first."""
    found: dict[str, VaryingNumber] = {}
    for leaflet_id, key, figure, context, image_id, box in db.session.execute(
        select(
            CompareNumber.leaflet_id,
            CompareNumber.key,
            CompareNumber.figure,
            CompareNumber.context,
            CompareNumber.image_id,
            CompareNumber.box,
        )
        .where(CompareNumber.leaflet_id.in_(local_ids))
        .order_by(CompareNumber.leaflet_id, CompareNumber.id)
    ):
        found.setdefault(key, VaryingNumber(key, [])).local.append(
            LocalFigure(leaflet_id, figure, context, image_id, box)
        )
    if not found:
        return []
    rows = db.session.execute(
        select(
            CompareNumber.key,
            CompareNumber.figure,
            func.min(CompareNumber.value),
            func.count(),
            func.count(CompareNumber.area_id.distinct()),
            func.min(CompareNumber.leaflet_id),
            func.min(CompareNumber.area_id),
        )
        .where(*scope(subject, area_ids), CompareNumber.key.in_(list(found)))
        .group_by(CompareNumber.key, CompareNumber.figure)
    ).all()
    names = mapping(select(Area.id, Area.name).where(Area.id.in_({row[6] for row in rows})))
    for key, figure, value, leaflets, seats, example, area_id in rows:
        found[key].elsewhere.append(Figure(figure, value, seats, leaflets, example, names.get(area_id, "")))
    places = mapping(
        select(CompareNumber.key, func.count(CompareNumber.area_id.distinct()))
        .where(*scope(subject, area_ids), CompareNumber.key.in_(list(found)))
        .group_by(CompareNumber.key)
    )
    results = []
    for number in found.values():
        if not number.other_figures:
            continue
        number.elsewhere.sort(key=lambda f: (-f.places, f.value if f.value is not None else 0.0, f.figure))
        number.places = places.get(number.key, 0)
        number.leaflets = sum(figure.leaflets for figure in number.elsewhere)
        results.append(number)
    return sorted(results, key=lambda n: (-n.places, n.context))[:limit]


@dataclass(frozen=True)
class Occurrence:
    leaflet_id: int
    figure: str
    value: float | None
    context: str
    image_id: int | None
    box: str | None
    area_gss: str
    area_name: str


def occurrences(
    party_id: int, key: str, election_id: int | None, number: int, per_page: int
) -> Page[Occurrence]:
    """Every live leaflet of the party printing this key (figures are kept for live leaflets only), with its
    figure, smallest figure first."""
    conditions = [CompareNumber.party_id == party_id, CompareNumber.key == key]
    if election_id is not None:
        conditions.append(CompareNumber.election_id == election_id)
    total = db.session.scalar(select(func.count()).select_from(CompareNumber).where(*conditions)) or 0
    query = (
        select(
            CompareNumber.leaflet_id,
            CompareNumber.figure,
            CompareNumber.value,
            CompareNumber.context,
            CompareNumber.image_id,
            CompareNumber.box,
            Area.gss,
            Area.name,
        )
        .join(Area, Area.id == CompareNumber.area_id)
        .where(*conditions)
        .order_by(CompareNumber.value, Area.name, CompareNumber.id)
        .limit(per_page)
        .offset((number - 1) * per_page)
    )
    return Page([Occurrence(*row) for row in db.session.execute(query)], number, per_page, total)


def figures_by_area(party_id: int, key: str, election_id: int | None) -> dict[int, list[str]]:
    """The figures each seat prints for this key (for the map)."""
    conditions = [CompareNumber.party_id == party_id, CompareNumber.key == key]
    if election_id is not None:
        conditions.append(CompareNumber.election_id == election_id)
    out: dict[int, list[str]] = defaultdict(list)
    for area_id, figure in db.session.execute(
        select(CompareNumber.area_id, CompareNumber.figure).where(*conditions).distinct()
    ):
        out[area_id].append(figure)
    return out
