"""Values that cross the search package boundary: documents, queries, results, errors."""

from __future__ import annotations

import abc
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any, Callable, Iterable, Iterator

FACET_NAMES = ("party", "area", "region", "election", "tag", "verdict", "bias", "year")
VERDICTS = ("accurate", "misleading", "false", "unverifiable")  # a claim's consensus rating
BIASES = ("attacks-opponents", "promotes-own-party", "misleading-presentation", "fair-presentation")
SORTS = ("relevance", "newest")


class QueryError(ValueError):
    """A query the user typed cannot be run; the message is safe to show them."""


class IndexUnavailable(RuntimeError):
    """The index is missing or unreadable; the app should answer 503 and an admin should rebuild."""


@dataclass
class SearchDocument:
    leaflet_id: int
    title: str = ""
    description: str = ""
    text: str = ""
    claims: list[str] = field(default_factory=list)
    party: str | None = None
    party_name: str | None = None
    area: str | None = None
    area_name: str | None = None
    region: str | None = None
    nation: str | None = None
    election: str | None = None
    tags: list[str] = field(default_factory=list)
    verdicts: list[str] = field(default_factory=list)  # consensus verdicts of its rated claims (VERDICTS)
    bias: list[str] = field(default_factory=list)  # labels from its bias ratings (BIASES)
    delivered_on: date | None = None
    uploaded_at: datetime | None = None
    image_count: int = 0
    status: str = "live"
    version: str = ""

    def display_fields(self) -> dict[str, Any]:
        """Return the fields a hit carries back to the app (everything but the long OCR text)."""
        return {
            "leaflet_id": self.leaflet_id,
            "title": self.title,
            "description": self.description,
            "claims": list(self.claims),
            "party": self.party,
            "party_name": self.party_name,
            "area": self.area,
            "area_name": self.area_name,
            "region": self.region,
            "nation": self.nation,
            "election": self.election,
            "tags": list(self.tags),
            "verdicts": list(self.verdicts),
            "bias": list(self.bias),
            "delivered_on": self.delivered_on,
            "uploaded_at": self.uploaded_at,
            "image_count": self.image_count,
            "version": self.version,
        }


@dataclass
class SearchQuery:
    text: str = ""
    party: list[str] = field(default_factory=list)
    area: list[str] = field(default_factory=list)
    region: list[str] = field(default_factory=list)
    nation: list[str] = field(default_factory=list)
    election: list[str] = field(default_factory=list)
    tag: list[str] = field(default_factory=list)
    verdict: list[str] = field(default_factory=list)
    bias: list[str] = field(default_factory=list)
    date_from: date | None = None
    date_to: date | None = None
    sort: str = "relevance"
    page: int = 1
    per_page: int = 20
    facets: bool = True  # compute facet counts
    facet_limit: int = 100  # at most this many values per facet, commonest first (years: newest first)
    suggest: bool = True  # offer "did you mean" when there are fewer than 3 hits

    def validate(self) -> None:
        """Reject impossible paging and sort values with a readable message."""
        if self.sort not in SORTS:
            raise QueryError(f"Sort must be one of: {', '.join(SORTS)}.")
        if not isinstance(self.page, int) or self.page < 1 or self.page > 1000:
            raise QueryError("Page must be a whole number between 1 and 1000.")
        if not isinstance(self.per_page, int) or self.per_page < 1 or self.per_page > 100:
            raise QueryError("Results per page must be between 1 and 100.")
        for name, allowed in (("verdict", VERDICTS), ("bias", BIASES)):
            if set(getattr(self, name)) - set(allowed):
                raise QueryError(f"{name.capitalize()} must be one of: {', '.join(allowed)}.")
        if self.date_from and self.date_to and self.date_from > self.date_to:
            raise QueryError("The start date is after the end date.")
        values = [self.text, *(value for chosen in self.filters().values() for value in chosen)]
        if any("\x00" in value for value in values):
            raise QueryError("The search contains a NUL character, which no leaflet holds.")

    def filters(self) -> dict[str, list[str]]:
        """Return the non-empty exact-value filters by facet field name."""
        pairs = {
            "party": self.party,
            "area": self.area,
            "region": self.region,
            "nation": self.nation,
            "election": self.election,
            "tag": self.tag,
            "verdict": self.verdict,
            "bias": self.bias,
        }
        return {name: list(values) for name, values in pairs.items() if values}


@dataclass
class Hit:
    leaflet_id: int
    score: float
    snippet_html: str
    fields: dict[str, Any]


@dataclass
class Results:
    total: int
    hits: list[Hit]
    facets: dict[str, list[tuple[str, int]]]
    total_is_estimate: bool = False
    suggestion: str | None = None
    terms: list[str] = field(default_factory=list)
    page: int = 1
    per_page: int = 20
    total_known: int | None = None  # matches certainly there (== total unless total_is_estimate)
    has_more: bool = False  # another page certainly holds at least one hit

    @property
    def pages(self) -> int:
        """Pages that certainly exist: every page up to the known matches, and the next one if it has hits."""
        known = self.total if self.total_known is None else self.total_known
        sure = -(-known // self.per_page)
        return max(sure, self.page + 1 if self.has_more else min(self.page, sure), 1)


Progress = Callable[[int], None] | None


class SearchBackend(abc.ABC):
    """What the app needs from a full-text index; the database stays the source of truth."""

    @abc.abstractmethod
    def index(self, docs: Iterable[SearchDocument]) -> None:
        """Add or replace documents by leaflet_id; documents that are not live are removed."""

    @abc.abstractmethod
    def delete(self, leaflet_ids: Iterable[int]) -> None:
        """Remove documents by leaflet_id."""

    @abc.abstractmethod
    def rebuild(self, docs: Iterable[SearchDocument], progress: Progress = None) -> int:
        """Replace the whole index with these documents; return how many live documents were indexed."""

    @abc.abstractmethod
    def ids(self, query: SearchQuery) -> Iterator[int]:
        """Every matching leaflet id in the query's order (page and per_page ignored), streamed."""

    @abc.abstractmethod
    def versions(self) -> dict[int, str]:
        """Return leaflet_id -> version for every indexed document."""

    @abc.abstractmethod
    def search(self, query: SearchQuery) -> Results:
        """Run a query; raise QueryError for bad input and IndexUnavailable when the index cannot be read."""

    def flush(self) -> None:
        """Make pending writes visible to searches now."""

    def close(self) -> None:
        """Release files, threads and connections."""

    def __enter__(self):
        return self

    def __exit__(self, *exc) -> None:
        self.close()
