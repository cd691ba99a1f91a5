"""Searching the archive: read the request's arguments into a SearchQuery, run it, and give names to codes.

Bad input raises QueryError (its message is safe to show); an unreadable index, ServiceUnavailable (503).
"""

from __future__ import annotations

import itertools
import logging
from dataclasses import dataclass, field, replace
from datetime import date
from typing import Any, Callable, Iterator, Mapping, Sequence
from urllib.parse import urlencode

from sqlalchemy import exists, select

from leaflets import runtime
from leaflets.extensions import db
from leaflets.models import Area, Election, Leaflet, LeafletStatus, LeafletTag, Party, Tag
from leaflets.services import code_names
from leaflets.services.browse import Page, with_card_data
from leaflets.services.errors import DomainError, NotFound, ServiceUnavailable
from search import FACET_NAMES, IndexUnavailable, QueryError, Results, SearchQuery

log = logging.getLogger(__name__)
FILTERS = ("party", "area", "region", "election", "tag", "verdict", "bias")
CHOICE_LABELS = {
    "verdict": {
        "accurate": "Accurate",
        "misleading": "Misleading",
        "false": "False",
        "unverifiable": "Unverifiable",
    },
    "bias": {
        "attacks-opponents": "Attacks opponents",
        "promotes-own-party": "Promotes own party",
        "misleading-presentation": "Misleading presentation",
        "fair-presentation": "Fair presentation",
    },
}
PER_PAGE = 20
MAX_VALUES = 20
MAX_PAGE = 1000
EXPORT_CHUNK = 100
UNAVAILABLE = (
    "Search is unavailable right now: the search index is missing or being repaired. "
    "The rest of the archive works; please try again in a few minutes."
)


class BadQuery(DomainError):
    status = 400
    code = "bad_query"


@dataclass
class FacetOption:
    value: str
    label: str
    count: int
    selected: bool


@dataclass
class ActiveFilter:
    field: str
    value: str
    label: str


@dataclass
class HitView:
    leaflet: Leaflet
    snippet_html: str  # escaped by the search package; only <mark> is markup
    score: float


@dataclass
class SearchPage:
    query: SearchQuery
    results: Results
    hits: list[HitView]
    facets: dict[str, list[FacetOption]]
    active: list[ActiveFilter] = field(default_factory=list)

    @property
    def pages(self) -> int:
        """Pages that certainly hold hits (the pager never offers an empty one)."""
        return max(1, min(MAX_PAGE, self.results.pages))

    @property
    def highlight(self) -> str:
        return " ".join(self.results.terms)


# --- reading the request ----------------------------------------------------------------------------------


def _values(args: Any, name: str) -> list[str]:
    raw = args.getlist(name) if hasattr(args, "getlist") else [args.get(name)]
    values: list[str] = []
    for value in raw:
        value = (value or "").strip()
        if name == "area":
            value = value.upper()
        if value and value not in values:
            values.append(value)
    if len(values) > MAX_VALUES:
        raise QueryError(f"Choose at most {MAX_VALUES} values for {name}.")
    return values


def _date(raw: str | None, name: str) -> date | None:
    if not raw or not raw.strip():
        return None
    try:
        return date.fromisoformat(raw.strip())
    except ValueError:
        raise QueryError(f"The '{name}' date must look like 2024-06-01.") from None


def _whole_number(raw: str | None, name: str, default: int, low: int, high: int) -> int:
    if raw is None or not raw.strip():
        return default
    if not raw.strip().isdigit() or not low <= int(raw) <= high:
        raise QueryError(f"{name} must be a whole number from {low} to {high}.")
    return int(raw)


def whole_page(raw: str | None) -> int:
    """A page number from the query string (1 when missing); a bad one is a 400."""
    try:
        return _whole_number(raw, "Page", 1, 1, MAX_PAGE)
    except QueryError as error:
        raise BadQuery(str(error), field="page") from error


def parse_args(
    args: Mapping[str, Any], *, per_page: int = PER_PAGE, allow_per_page: bool = False
) -> SearchQuery:
    """Read q, party, area, region, election, tag, from, to, sort, page (and per_page for the API)."""
    sort = (args.get("sort") or "relevance").strip()
    if sort not in ("relevance", "newest"):
        raise QueryError("Sort by 'relevance' or 'newest'.")
    if allow_per_page:
        per_page = _whole_number(args.get("per_page"), "per_page", per_page, 1, 100)
    filters: dict[str, Any] = {name: _values(args, name) for name in FILTERS}
    query = SearchQuery(
        text=(args.get("q") or "").strip(),
        sort=sort,
        per_page=per_page,
        page=_whole_number(args.get("page"), "Page", 1, 1, MAX_PAGE),
        date_from=_date(args.get("from"), "from"),
        date_to=_date(args.get("to"), "to"),
        **filters,
    )
    query.validate()
    return query


def params(query: SearchQuery, **changes: Any) -> list[tuple[str, str]]:
    """The query string pairs of a search, with some arguments replaced (None drops one)."""
    values: dict[str, Any] = {
        "q": query.text,
        **{name: list(getattr(query, name)) for name in FILTERS},
        "from": query.date_from.isoformat() if query.date_from else "",
        "to": query.date_to.isoformat() if query.date_to else "",
        "sort": "" if query.sort == "relevance" else query.sort,
        "page": "" if query.page == 1 else str(query.page),
        "per_page": "" if query.per_page == PER_PAGE else str(query.per_page),
    }
    values.update(changes)
    pairs: list[tuple[str, str]] = []
    for name, value in values.items():
        for item in value if isinstance(value, list) else [value]:
            if item not in (None, ""):
                pairs.append((name, str(item)))
    return pairs


def toggled(query: SearchQuery, name: str, value: str) -> list[tuple[str, str]]:
    """The search with one facet value added or removed, back on page one."""
    if name == "year":
        first, last = date(int(value), 1, 1), date(int(value), 12, 31)
        if query.date_from == first and query.date_to == last:
            return params(query, **{"from": None, "to": None, "page": None})
        return params(query, **{"from": first.isoformat(), "to": last.isoformat(), "page": None})
    current = list(getattr(query, name))
    chosen = [v for v in current if v != value] if value in current else current + [value]
    return params(query, **{name: chosen, "page": None})


_HOLE = (
    "\x00"  # no search holds a NUL (SearchQuery.validate refuses one), so it can stand for a facet's values
)


def toggling(query: SearchQuery, name: str) -> Callable[[str], str]:
    """`urlencode(toggled(query, name, value))` for many values of one facet (scale: a common word's sidebar
    lists a few hundred constituencies): the pairs around the facet's own are encoded once, and an unchosen
    value only adds its pair after the chosen ones, as toggled puts it. A chosen value (a few) or a year takes
    the long way."""
    if name not in FILTERS:
        return lambda value: urlencode(toggled(query, name, value))
    current = list(getattr(query, name))
    pairs = params(query, **{name: [_HOLE], "page": None})
    hole = pairs.index((name, _HOLE))
    before = urlencode(pairs[:hole] + [(name, value) for value in current])
    after = urlencode(pairs[hole + 1 :])

    def encoded(value: str) -> str:
        if value in current:
            return urlencode(toggled(query, name, value))
        return "&".join(part for part in (before, urlencode([(name, value)]), after) if part)

    return encoded


# --- running it -------------------------------------------------------------------------------------------


def run(query: SearchQuery) -> Results:
    """Run a query on the index; QueryError passes through, an unreadable index becomes a 503."""
    try:
        return runtime.search_backend().search(query)
    except IndexUnavailable as error:
        log.error("search index unavailable", extra={"error": str(error)})
        raise ServiceUnavailable(UNAVAILABLE, code="search_unavailable") from error


def labels(values: dict[str, set[str]]) -> dict[str, dict[str, str]]:
    """Names for facet codes: party slug, GSS code, election slug and tag slug; others label themselves."""
    found = {
        "party": code_names.names(Party, Party.slug, values.get("party", set())),
        "area": code_names.names(Area, Area.gss, values.get("area", set())),
        "election": code_names.names(Election, Election.slug, values.get("election", set())),
        "tag": code_names.names(Tag, Tag.slug, values.get("tag", set())),
    }
    found.update(CHOICE_LABELS)  # verdicts and bias labels are fixed words, not rows
    return {name: {v: found.get(name, {}).get(v, v) for v in vals} for name, vals in values.items()}


def _selected(query: SearchQuery, name: str, value: str) -> bool:
    if name != "year":
        return value in getattr(query, name)
    year = value
    return query.date_from == date(int(year), 1, 1) and query.date_to == date(int(year), 12, 31)


def live_leaflets(ids: Sequence[int]) -> list[Leaflet]:
    """These leaflets in this order, with what a result shows loaded; any no longer live are left out."""
    if not ids:
        return []
    rows = db.session.scalars(
        with_card_data(select(Leaflet).where(Leaflet.id.in_(ids), Leaflet.status == LeafletStatus.LIVE))
    )
    by_id = {leaflet.id: leaflet for leaflet in rows}
    return [by_id[i] for i in ids if i in by_id]


def search_page(query: SearchQuery) -> SearchPage:
    """Run a search and shape it for people: leaflets for hits, names for facet values, active filters."""
    results = run(query)
    leaflets = {leaflet.id: leaflet for leaflet in live_leaflets([hit.leaflet_id for hit in results.hits])}
    hits = [
        HitView(leaflets[hit.leaflet_id], hit.snippet_html, hit.score)
        for hit in results.hits
        if hit.leaflet_id in leaflets
    ]
    wanted = {
        name: {value for value, _ in results.facets.get(name, [])} | set(getattr(query, name, []))
        for name in FACET_NAMES
        if name != "year"
    }
    names = labels(wanted)
    facets = {
        name: [
            FacetOption(value, names.get(name, {}).get(value, value), count, _selected(query, name, value))
            for value, count in results.facets.get(name, [])
        ]
        for name in FACET_NAMES
    }
    active = [
        ActiveFilter(name, value, names[name].get(value, value))
        for name in FILTERS
        for value in getattr(query, name)
    ]
    return SearchPage(query=query, results=results, hits=hits, facets=facets, active=active)


# --- a tag's page ----------------------------------------------------------------------------------------


@dataclass
class TagPage:
    tag: Tag
    leaflets: Page[Leaflet]
    search: list[tuple[str, str]]  # the same search on /search, to refine it


def tag_page(slug: str, number: int) -> TagPage:
    """A tag, what it means, and its leaflets newest first (the search for that tag)."""
    tag = db.session.scalar(select(Tag).where(Tag.slug == slug))
    if tag is None:
        raise NotFound("There is no such tag.")
    query = SearchQuery(
        tag=[slug], sort="newest", page=number, per_page=PER_PAGE, facets=False, suggest=False
    )
    results = run(query)
    leaflets = live_leaflets([hit.leaflet_id for hit in results.hits])
    return TagPage(
        tag,
        Page(items=leaflets, number=number, per_page=PER_PAGE, total=results.total),
        params(query, page=None, sort="newest"),
    )


# --- export -----------------------------------------------------------------------------------------------


def _matching_conditions(query: SearchQuery) -> list[Any]:
    conditions: list[Any] = [Leaflet.status == LeafletStatus.LIVE]
    if query.party:
        conditions.append(Leaflet.party_id.in_(select(Party.id).where(Party.slug.in_(query.party))))
    if query.area:
        conditions.append(Leaflet.area_id.in_(select(Area.id).where(Area.gss.in_(query.area))))
    if query.region:
        conditions.append(Leaflet.area_id.in_(select(Area.id).where(Area.region.in_(query.region))))
    if query.election:
        elections = select(Election.id).where(Election.slug.in_(query.election))
        conditions.append(Leaflet.election_id.in_(elections))
    if query.tag:
        conditions.append(
            exists().where(
                LeafletTag.leaflet_id == Leaflet.id, LeafletTag.tag_id == Tag.id, Tag.slug.in_(query.tag)
            )
        )
    if query.date_from:
        conditions.append(Leaflet.delivered_on >= query.date_from)
    if query.date_to:
        conditions.append(Leaflet.delivered_on <= query.date_to)
    return conditions


def _ids_from_database(query: SearchQuery) -> Iterator[list[int]]:
    after, conditions = 0, _matching_conditions(query)
    while True:
        ids = list(
            db.session.scalars(
                select(Leaflet.id)
                .where(Leaflet.id > after, *conditions)
                .order_by(Leaflet.id)
                .limit(EXPORT_CHUNK)
            )
        )
        if not ids:
            return
        yield ids
        after = ids[-1]


def _ids_from_index(query: SearchQuery) -> Iterator[list[int]]:
    try:
        ids = runtime.search_backend().ids(replace(query, page=1, sort="newest", facets=False, suggest=False))
        while chunk := list(itertools.islice(ids, EXPORT_CHUNK)):
            yield chunk
    except IndexUnavailable as error:
        log.error("search index unavailable", extra={"error": str(error)})
        raise ServiceUnavailable(UNAVAILABLE, code="search_unavailable") from error


def export_leaflets(query: SearchQuery) -> Iterator[Leaflet]:
    """Every live leaflet the search matches: from the database when there are no words to look for (oldest
    first), else every match the index holds (newest first), streamed in chunks."""
    chunks = _ids_from_index(query) if query.text else _ids_from_database(query)
    for ids in chunks:
        yield from live_leaflets(ids)
        db.session.expunge_all()
