"""Templates: local leaflets that are the party's national leaflet with names and figures swapped, where else
it was delivered, and what changed between the copies."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from sqlalchemy import ColumnElement, func, select

from leaflets.extensions import db
from leaflets.models import Area, CompareNumber, CompareText, Leaflet, Party
from leaflets.services.browse import Page
from leaflets.services.compare.corpus import Local, Subject
from leaflets.services.compare.diff import Diff, leaflet_diff
from leaflets.services.compare.sql import mapping
from leaflets.services.hexmap import Cell, HexMap, build, plural

DIFFS = 3  # templates of one comparison shown with a word diff


@dataclass(frozen=True)
class Place:
    area_id: int
    gss: str
    name: str
    leaflets: int


@dataclass
class TemplateMatch:
    template_id: int
    local: list[tuple[int, str]]  # (leaflet id, title) of the local leaflets that are this template
    places: list[Place]  # where else the party delivered it
    example_id: int
    example_place: str = ""
    diff: Diff | None = None
    map: HexMap | None = None

    @property
    def leaflets(self) -> int:
        return sum(place.leaflets for place in self.places)


def members_where(
    template_ids: list[int],
    subject: Subject,
    area_ids: list[int] | None,
) -> list[ColumnElement[bool]]:
    conditions = [
        CompareText.template_id.in_(template_ids),
        CompareText.counted.is_(True),
        CompareText.party_id == subject.party.id,
        CompareText.area_id.in_(area_ids) if area_ids is not None else CompareText.area_id != subject.area.id,
    ]
    if subject.election is not None:
        conditions.append(CompareText.election_id == subject.election.id)
    return conditions


def places_of(rows: list[tuple[int, int]]) -> list[Place]:
    """(area id, leaflets) pairs as places with names, most leaflets first."""
    areas = {
        area_id: (gss, name)
        for area_id, gss, name in db.session.execute(
            select(Area.id, Area.gss, Area.name).where(Area.id.in_([r[0] for r in rows]))
        )
    }
    return sorted(
        (Place(area_id, *areas[area_id], n) for area_id, n in rows if area_id in areas),
        key=lambda p: (-p.leaflets, p.name),
    )


def templates_for(subject: Subject, local: Local, area_ids: list[int] | None = None) -> list[TemplateMatch]:
    """The templates among the local leaflets that the party also delivered elsewhere, most places first; each
    with a word diff of the first local copy against the newest copy from elsewhere."""
    by_template: dict[int, list[tuple[int, str]]] = defaultdict(list)
    for doc in local.docs:
        if doc.template_id is not None:
            by_template[doc.template_id].append((doc.leaflet_id, doc.title))
    if not by_template:
        return []
    where = members_where(list(by_template), subject, area_ids)
    per_area: dict[int, list[tuple[int, int]]] = defaultdict(list)
    for template_id, area_id, n in db.session.execute(
        select(CompareText.template_id, CompareText.area_id, func.count())
        .where(*where)
        .group_by(CompareText.template_id, CompareText.area_id)
    ):
        if template_id is not None and area_id is not None:
            per_area[template_id].append((area_id, n))
    examples = mapping(
        select(CompareText.template_id, func.max(CompareText.leaflet_id))
        .where(*where)
        .group_by(CompareText.template_id)
    )
    example_places = mapping(
        select(Leaflet.id, Area.name)
        .join(Area, Area.id == Leaflet.area_id)
        .where(Leaflet.id.in_(list(examples.values())))
    )
    matches = [
        TemplateMatch(
            template_id,
            by_template[template_id],
            places_of(per_area[template_id]),
            examples[template_id],
            example_places.get(examples[template_id], ""),
        )
        for template_id in per_area
    ]
    matches.sort(key=lambda m: (-len(m.places), m.template_id))
    for match in matches[:DIFFS]:  # the rest have theirs on the template's own page
        match.diff = leaflet_diff(match.local[0][0], match.example_id)
    if matches:
        matches[0].map = places_map(matches[0].places, subject.area.id)
    return matches


def places_map(places: list[Place], here: int | None = None) -> HexMap:
    """The places a template went to on the hex map (with this seat marked)."""
    counts = {place.area_id: place.leaflets for place in places}

    def title(cell: Cell, count: int) -> str:
        if cell.area_id == here:
            return f"{cell.name}: here"
        return f"{cell.name}: {plural(count, 'leaflet')} of this template"

    return build(
        counts,
        title,
        "copies of this template",
        {here: "here"} if here else None,
        {"here": "this constituency"},
    )


@dataclass(frozen=True)
class Member:
    leaflet_id: int
    title: str
    area_gss: str
    area_name: str
    swaps: list[tuple[str, str]] = field(default_factory=list)


@dataclass(frozen=True)
class ChangingFigure:
    key: str
    context: str
    figures: int
    places: int


@dataclass
class TemplateView:
    template_id: int
    party: Party
    base_id: int
    base_title: str
    places: list[Place]
    members: Page[Member]
    figures: list[ChangingFigure]
    map: HexMap | None = None

    @property
    def leaflets(self) -> int:
        return sum(place.leaflets for place in self.places)


def template_view(
    template_id: int,
    party: Party,
    election_id: int | None,
    number: int,
    per_page: int,
    base_id: int | None = None,
    here: int | None = None,
) -> TemplateView | None:
    """One template of a party: where it was delivered, its copies (a page of them, with what each swapped
    against the base copy) and the figures that change between copies. None if the party has no copies."""
    where = [
        CompareText.template_id == template_id,
        CompareText.counted.is_(True),
        CompareText.party_id == party.id,
    ]
    if election_id is not None:
        where.append(CompareText.election_id == election_id)
    counts = db.session.execute(
        select(CompareText.area_id, func.count()).where(*where).group_by(CompareText.area_id)
    )
    places = places_of(
        [(area_id, n) for area_id, n in counts if area_id is not None]
    )  # counted ones have one
    if not places:
        return None
    ids = select(CompareText.leaflet_id).where(*where)
    if base_id is None or db.session.scalar(ids.where(CompareText.leaflet_id == base_id)) is None:
        base_id = db.session.scalar(select(func.min(CompareText.leaflet_id)).where(*where))
    assert base_id is not None  # the template has places, so it has copies
    rows = db.session.execute(
        select(Leaflet.id, Leaflet.title, Area.gss, Area.name)
        .join(Area, Area.id == Leaflet.area_id)
        .where(Leaflet.id.in_(ids))
        .order_by(Area.name, Leaflet.id)
        .limit(per_page)
        .offset((number - 1) * per_page)
    )
    members = [
        Member(
            leaflet_id,
            title or "",
            gss,
            name,
            [] if leaflet_id == base_id else leaflet_diff(base_id, leaflet_id).swaps[:6],
        )
        for leaflet_id, title, gss, name in rows
    ]
    base_title = db.session.scalar(select(Leaflet.title).where(Leaflet.id == base_id)) or ""
    return TemplateView(
        template_id,
        party,
        base_id,
        base_title,
        places,
        Page(members, number, per_page, sum(p.leaflets for p in places)),
        changing_figures(base_id, ids),
        places_map(places, here),
    )


def changing_figures(base_id: int, member_ids) -> list[ChangingFigure]:
    """The base copy's figures whose sentence other copies print with other figures."""
    contexts = mapping(
        select(CompareNumber.key, CompareNumber.context).where(CompareNumber.leaflet_id == base_id)
    )
    if not contexts:
        return []
    rows = db.session.execute(
        select(
            CompareNumber.key,
            func.count(CompareNumber.figure.distinct()),
            func.count(CompareNumber.area_id.distinct()),
        )
        .where(CompareNumber.leaflet_id.in_(member_ids), CompareNumber.key.in_(list(contexts)))
        .group_by(CompareNumber.key)
    )
    return sorted(
        (ChangingFigure(key, contexts[key], figures, places) for key, figures, places in rows if figures > 1),
        key=lambda f: (-f.figures, f.context),
    )


@dataclass(frozen=True)
class TemplateSummary:
    template_id: int
    party: Party
    places: int
    leaflets: int
    example_id: int
    example_title: str


def widest_templates(party: Party | None = None, limit: int = 8) -> list[TemplateSummary]:
    """Templates delivered in the most places across the archive (or for one party)."""
    places = func.count(CompareText.area_id.distinct())
    query = (
        select(
            CompareText.template_id,
            CompareText.party_id,
            places,
            func.count(),
            func.max(CompareText.leaflet_id),
        )
        .where(CompareText.counted.is_(True), CompareText.template_id.is_not(None))
        .group_by(CompareText.template_id, CompareText.party_id)
        .having(places > 1)
        .order_by(places.desc(), CompareText.template_id)
        .limit(limit)
    )
    if party is not None:
        query = query.where(CompareText.party_id == party.id)
    rows = db.session.execute(query).all()
    parties = {p.id: p for p in db.session.scalars(select(Party).where(Party.id.in_({r[1] for r in rows})))}
    titles = mapping(select(Leaflet.id, Leaflet.title).where(Leaflet.id.in_([r[4] for r in rows])))
    return [
        TemplateSummary(template_id, parties[party_id], n_places, n, example, titles.get(example) or "")
        for template_id, party_id, n_places, n, example in rows
        if party_id in parties and template_id is not None
    ]
