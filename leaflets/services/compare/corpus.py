"""What a comparison reads: the subject, its local leaflets, and the baseline they are compared with.

The baseline is either the party's leaflets everywhere else (its precomputed counts less the local leaflets':
a handful of indexed lookups however many leaflets it has) or its leaflets in the neighbouring seats on the
hex map (counted here: a few dozen leaflets).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Iterable, Protocol

from sqlalchemy import ColumnElement, select

from leaflets.extensions import db
from leaflets.models import Area, CompareTermCount, CompareText, Election, Leaflet, Party
from leaflets.models.compare import ALL_ELECTIONS
from leaflets.services.compare import store
from leaflets.services.compare.counts import LEAFLETS, TOPIC, TOTAL, leaflet_terms, unpack
from leaflets.services.compare.sql import mapping

MISSING_CAP = 300  # leaflets analysed during one request at most (the rest wait for `flask compare update`)
TOP_BASELINE = 1500  # the baseline's most used terms considered for "used more elsewhere"
AGAINST = ("national", "neighbours")


@dataclass(frozen=True)
class Subject:
    party: Party
    area: Area
    election: Election | None = None
    against: str = "national"

    @property
    def election_key(self) -> int:
        return self.election.id if self.election else ALL_ELECTIONS


@dataclass
class LocalDoc:
    leaflet_id: int
    title: str
    description: str
    template_id: int | None
    topics: list[str]
    terms: Counter[str]


@dataclass
class Local:
    docs: list[LocalDoc]
    counts: Counter[str] = field(default_factory=Counter)

    def __post_init__(self) -> None:
        for doc in self.docs:
            self.counts.update(doc.terms)

    @property
    def ids(self) -> list[int]:
        return [doc.leaflet_id for doc in self.docs]

    @property
    def total(self) -> int:
        return self.counts[TOTAL]


class Baseline(Protocol):
    leaflets: int
    total: int
    label: str

    def counts(self, terms: Iterable[str]) -> dict[str, int]: ...
    def top(self, limit: int) -> dict[str, int]: ...
    def topics(self) -> dict[str, int]: ...


def counted_here(subject: Subject, area_ids: Iterable[int]) -> list[ColumnElement[bool]]:
    conditions = [
        CompareText.counted.is_(True),
        CompareText.party_id == subject.party.id,
        CompareText.area_id.in_(list(area_ids)),
    ]
    if subject.election is not None:
        conditions.append(CompareText.election_id == subject.election.id)
    return conditions


def ensure_analysed(party_id: int) -> int:
    """Analyse the party's leaflets that have no compare rows yet, up to MISSING_CAP; returns how many are
    still waiting after that."""
    waiting = store.missing(party_id, MISSING_CAP)
    if waiting:
        store.refresh(waiting)
        return store.missing_count(party_id)
    return 0


def docs_in(subject: Subject, area_ids: Iterable[int]) -> list[LocalDoc]:
    rows = db.session.execute(
        select(
            CompareText.leaflet_id,
            CompareText.tokens,
            CompareText.topics,
            CompareText.template_id,
            Leaflet.title,
            Leaflet.description,
        )
        .join(Leaflet, Leaflet.id == CompareText.leaflet_id)
        .where(*counted_here(subject, area_ids))
        .order_by(Leaflet.uploaded_at.desc(), Leaflet.id.desc())
    )
    docs = []
    for leaflet_id, tokens, topics, template_id, title, description in rows:
        slugs = [slug for slug in topics.split(",") if slug]
        docs.append(
            LocalDoc(
                leaflet_id,
                title or "",
                description or "",
                template_id,
                slugs,
                leaflet_terms(unpack(tokens), slugs),
            )
        )
    return docs


class NationalBaseline:
    """The party's counts (for the election, or all) less the local leaflets' own."""

    label = "everywhere else"

    def __init__(self, subject: Subject, local: Local) -> None:
        self.key = (
            CompareTermCount.party_id == subject.party.id,
            CompareTermCount.election_id == subject.election_key,
        )
        self.local = local
        stored = self._stored([TOTAL, LEAFLETS])
        self.total = stored.get(TOTAL, 0) - local.total
        self.leaflets = stored.get(LEAFLETS, 0) - len(local.docs)

    def _stored(self, terms: list[str]) -> dict[str, int]:
        found: dict[str, int] = {}
        for start in range(0, len(terms), 500):
            found.update(
                mapping(
                    select(CompareTermCount.term, CompareTermCount.count).where(
                        *self.key, CompareTermCount.term.in_(terms[start : start + 500])
                    )
                )
            )
        return found

    def counts(self, terms: Iterable[str]) -> dict[str, int]:
        wanted = sorted(set(terms))
        stored = self._stored(wanted)
        return {term: max(0, stored.get(term, 0) - self.local.counts.get(term, 0)) for term in wanted}

    def top(self, limit: int) -> dict[str, int]:
        rows = db.session.execute(
            select(CompareTermCount.term, CompareTermCount.count)
            .where(*self.key, CompareTermCount.count > 0)
            .order_by(CompareTermCount.count.desc())
            .limit(limit)
        )
        out = {
            term: count - self.local.counts.get(term, 0) for term, count in rows if not term.startswith("#")
        }
        return {term: count for term, count in out.items() if count > 0}

    def topics(self) -> dict[str, int]:
        rows = db.session.execute(
            select(CompareTermCount.term, CompareTermCount.count).where(
                *self.key, CompareTermCount.term.like(f"{TOPIC}%")
            )
        )
        return {
            term.removeprefix(TOPIC): max(0, count - self.local.counts.get(term, 0)) for term, count in rows
        }


class DocsBaseline:
    """Leaflets counted here (the neighbouring seats')."""

    def __init__(self, docs: list[LocalDoc], label: str) -> None:
        self.docs, self.label = docs, label
        self.all = Local(docs).counts
        self.total, self.leaflets = self.all[TOTAL], len(docs)

    def counts(self, terms: Iterable[str]) -> dict[str, int]:
        return {term: self.all.get(term, 0) for term in terms}

    def top(self, limit: int) -> dict[str, int]:
        return dict([item for item in self.all.most_common() if not item[0].startswith("#")][:limit])

    def topics(self) -> dict[str, int]:
        return {term.removeprefix(TOPIC): n for term, n in self.all.items() if term.startswith(TOPIC)}
