"""The comparison of one party in one seat against everywhere else (or its neighbours), in one call."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field

from sqlalchemy import func, select

from leaflets.extensions import db
from leaflets.models import Area, Election, Party
from leaflets.services import browse
from leaflets.services.compare import claims, corpus, evidence, shares, templates, terms, varying
from leaflets.services.compare.claims import LocalClaim
from leaflets.services.compare.corpus import AGAINST, Local, Subject
from leaflets.services.compare.evidence import Evidence
from leaflets.services.compare.shares import TopicShare
from leaflets.services.compare.store import topic_matcher
from leaflets.services.compare.templates import TemplateMatch
from leaflets.services.compare.terms import Terms, TopicGroup
from leaflets.services.compare.varying import VaryingNumber
from leaflets.services.errors import ValidationFailed

log = logging.getLogger(__name__)


@dataclass
class Comparison:
    subject: Subject
    local: Local
    baseline_label: str
    baseline_leaflets: int
    baseline_words: int
    neighbours: list[Area] = field(default_factory=list)
    waiting: int = 0
    message: str | None = None
    terms: Terms = field(default_factory=Terms)
    local_groups: list[TopicGroup] = field(default_factory=list)
    national_groups: list[TopicGroup] = field(default_factory=list)
    evidence: dict[str, Evidence] = field(default_factory=dict)
    shares: list[TopicShare] = field(default_factory=list)
    numbers: list[VaryingNumber] = field(default_factory=list)
    templates: list[TemplateMatch] = field(default_factory=list)
    local_only_claims: list[LocalClaim] = field(default_factory=list)

    @property
    def local_leaflets(self) -> int:
        return len(self.local.docs)

    @property
    def local_words(self) -> int:
        return self.local.total

    @property
    def baseline_where(self) -> str:
        """Where the baseline is, to follow "used more": "elsewhere" or "in the neighbouring seats"."""
        return "in the neighbouring seats" if self.subject.against == "neighbours" else "elsewhere"

    @property
    def unmatched(self) -> int:
        """Local leaflets that are no template the party delivered elsewhere."""
        matched = {leaflet_id for match in self.templates for leaflet_id, _title in match.local}
        return self.local_leaflets - len(matched)


def _lookup(model: type, column, value: str, field_name: str, message: str):
    found = db.session.scalar(select(model).where(column == value))
    if found is None:
        raise ValidationFailed(message, field=field_name, code=f"unknown_{field_name}")
    return found


def resolve(
    party: str | None,
    area: str | None,
    election: str | None = None,
    against: str | None = None,
    need_party: bool = True,
    need_area: bool = True,
) -> Subject:
    """The request's party slug, constituency GSS code, optional election slug and baseline; 422 if unusable.
    (The page also takes a seat without a party, or a party without a seat: then Subject has None there.)"""
    party, area = (party or "").strip(), (area or "").strip().upper()
    election, against = (election or "").strip(), (against or "national").strip() or "national"
    if need_party and not party:
        raise ValidationFailed("Choose a party to compare.", field="party", code="missing_party")
    if need_area and not area:
        raise ValidationFailed("Choose a constituency to compare.", field="area", code="missing_area")
    if against not in AGAINST:
        raise ValidationFailed(
            "Compare against 'national' or 'neighbours'.", field="against", code="unknown_against"
        )
    found_party = (
        _lookup(Party, Party.slug, party, "party", f"There is no party called {party!r}.") if party else None
    )
    found_area = (
        _lookup(Area, Area.gss, area, "area", f"There is no constituency with the code {area!r}.")
        if area
        else None
    )
    found_election = (
        _lookup(Election, Election.slug, election, "election", f"There is no election called {election!r}.")
        if election
        else None
    )
    return Subject(found_party, found_area, found_election, against)  # type: ignore[arg-type]


def compare(subject: Subject) -> Comparison:
    """Local versus national (or neighbours) for one party and constituency, optionally one election."""
    waiting = corpus.ensure_analysed(subject.party.id)
    local = Local(corpus.docs_in(subject, [subject.area.id]))
    neighbours = browse.neighbours(subject.area)
    area_ids: list[int] | None = None
    if subject.against == "neighbours":
        area_ids = [area.id for area in neighbours]
        baseline: corpus.Baseline = corpus.DocsBaseline(
            corpus.docs_in(subject, area_ids), "the neighbouring seats"
        )
    else:
        baseline = corpus.NationalBaseline(subject, local)
    result = Comparison(
        subject, local, baseline.label, baseline.leaflets, baseline.total, neighbours, waiting
    )
    result.message = _empty_message(subject, result)
    if result.message:
        return result
    topics = topic_matcher()
    result.terms = terms.distinctive(local, baseline, topics)
    result.local_groups = terms.grouped(result.terms.local, topics)
    result.national_groups = terms.grouped(result.terms.national, topics)
    result.evidence = evidence.locate(local.ids, [term.term for term in result.terms.local])
    result.shares = shares.shares(local, baseline, topics)
    result.numbers = varying.varying(subject, local.ids, area_ids)
    result.templates = templates.templates_for(subject, local, area_ids)
    result.local_only_claims = claims.local_only(subject, local.ids, baseline, area_ids)
    log.info(
        "compared leaflets",
        extra={
            "party": subject.party.slug,
            "area": subject.area.gss,
            "against": subject.against,
            "local": result.local_leaflets,
            "baseline": result.baseline_leaflets,
        },
    )
    return result


def _empty_message(subject: Subject, result: Comparison) -> str | None:
    party, area = subject.party.name, subject.area.name
    during = f" for the {subject.election.name}" if subject.election else ""
    if not result.local.docs:
        return f"No {party} leaflets from {area}{during} have been read yet."
    if subject.against == "neighbours" and not result.neighbours:
        return f"{area} has no neighbouring seats on the map to compare with."
    if result.baseline_leaflets <= 0:
        return (
            f"No {party} leaflets from {result.baseline_label}{during} have been read yet, "
            "so there is nothing to compare with."
        )
    if result.local.total == 0:
        return (
            f"The {party} leaflets from {area}{during} have no text yet: their photos are still being read."
        )
    return None


@dataclass(frozen=True)
class Choices:
    parties: list[tuple[str, str]]
    areas: list[tuple[str, str]]
    elections: list[tuple[str, str]]


def choices(areas: bool = True) -> Choices:
    """What the compare form offers: parties, constituencies (unless not wanted) and elections as (value,
    label) pairs."""
    return Choices(
        parties=[
            (slug, name)
            for slug, name in db.session.execute(
                select(Party.slug, Party.name).order_by(func.lower(Party.name))
            )
        ],
        areas=[
            (gss, name) for gss, name in db.session.execute(select(Area.gss, Area.name).order_by(Area.name))
        ]
        if areas
        else [],
        elections=[
            (slug, name)
            for slug, name in db.session.execute(
                select(Election.slug, Election.name).order_by(Election.date.desc())
            )
        ],
    )
