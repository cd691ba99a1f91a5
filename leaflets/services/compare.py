"""Compare a party's leaflets in one constituency ("local") with its leaflets everywhere else ("national").

Everything is computed from the best text of each image whose OCR is done, plus the leaflet's title:
- distinctive terms: Fightin' Words z-scores over unigrams and bigrams (see text_stats.distinctive_terms);
- shared templates: local leaflets whose word 5-gram shingles have Jaccard similarity >= TEMPLATE_THRESHOLD
  with a national leaflet ("the party's template, also delivered in X, Y");
- local-only claims: accepted claims on local leaflets that no national claim resembles (content-word
  Jaccard >= CLAIM_THRESHOLD) and no national leaflet's text contains (ignoring case and punctuation).

The national corpus is capped at the NATIONAL_CAP most recently uploaded leaflets. Texts, leaflets and
claims are read with one query each, then everything is computed in memory in one pass over the texts.
"""
from __future__ import annotations

import logging
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from typing import Any, Mapping

from sqlalchemy import ColumnElement, Select, and_, func, or_, select

from leaflets.extensions import db
from leaflets.models import (Area, Claim, ClaimState, Election, Leaflet, LeafletImage, LeafletStatus,
                             OcrStatus, Party)
from leaflets.services import text_stats
from leaflets.services.errors import ValidationFailed
from leaflets.services.text_stats import ScoredTerm

log = logging.getLogger(__name__)

NATIONAL_CAP = 2000  # an app may override it with the COMPARE_NATIONAL_CAP setting (see configured_cap)
TERM_LIMIT = 20
TEMPLATE_THRESHOLD = 0.5
TEMPLATE_MATCH_LIMIT = 5
CLAIM_THRESHOLD = 0.6


@dataclass(frozen=True)
class Subject:
    party: Party
    area: Area
    election: Election | None = None


@dataclass
class Document:
    leaflet_id: int
    title: str
    area_gss: str
    area_name: str
    is_local: bool
    texts: list[str] = field(default_factory=list)  # the real title, if any, then each image's text
    sentences: list[list[str]] = field(default_factory=list)
    words: list[str] = field(default_factory=list)

    @property
    def text(self) -> str:
        return "\n".join(self.texts)


@dataclass(frozen=True)
class TemplateMatch:
    leaflet_id: int
    title: str
    area_gss: str
    area_name: str
    similarity: float


@dataclass(frozen=True)
class TemplateGroup:
    leaflet_id: int
    title: str
    matches: list[TemplateMatch]
    match_count: int


@dataclass(frozen=True)
class LocalClaim:
    claim_id: int
    leaflet_id: int
    text: str
    leaflet_title: str


@dataclass(frozen=True)
class CorpusSize:
    leaflets: int
    words: int


@dataclass
class Comparison:
    subject: Subject
    local: CorpusSize
    national: CorpusSize
    national_available: int
    national_cap: int = NATIONAL_CAP
    template_threshold: float = TEMPLATE_THRESHOLD
    claim_threshold: float = CLAIM_THRESHOLD
    local_terms: list[ScoredTerm] = field(default_factory=list)
    national_terms: list[ScoredTerm] = field(default_factory=list)
    templates: list[TemplateGroup] = field(default_factory=list)
    local_only_claims: list[LocalClaim] = field(default_factory=list)
    message: str | None = None

    @property
    def national_capped(self) -> bool:
        return self.national_available > self.national.leaflets


def resolve(party: str | None, area: str | None, election: str | None = None) -> Subject:
    """Look up the request's party slug, constituency GSS code and optional election slug; 422 if unusable."""
    party, area, election = (party or "").strip(), (area or "").strip().upper(), (election or "").strip()
    if not party:
        raise ValidationFailed("Choose a party to compare.", field="party", code="missing_party")
    if not area:
        raise ValidationFailed("Choose a constituency to compare.", field="area", code="missing_area")
    found_party = db.session.scalar(select(Party).where(Party.slug == party))
    if found_party is None:
        raise ValidationFailed(f"There is no party called {party!r}.", field="party", code="unknown_party")
    found_area = db.session.scalar(select(Area).where(Area.gss == area))
    if found_area is None:
        raise ValidationFailed(f"There is no constituency with the code {area!r}.", field="area",
                               code="unknown_area")
    found_election = None
    if election:
        found_election = db.session.scalar(select(Election).where(Election.slug == election))
        if found_election is None:
            raise ValidationFailed(f"There is no election called {election!r}.", field="election",
                                   code="unknown_election")
    return Subject(found_party, found_area, found_election)


def configured_cap(config: Mapping[str, Any]) -> int:
    """The cap on the national corpus: the COMPARE_NATIONAL_CAP setting if there is one, else NATIONAL_CAP."""
    return int(config.get("COMPARE_NATIONAL_CAP") or NATIONAL_CAP)


def compare(subject: Subject, national_cap: int = NATIONAL_CAP) -> Comparison:
    """Local versus national for one party and constituency (and optionally one election)."""
    documents = _load_documents(subject, national_cap)
    local = [doc for doc in documents.values() if doc.is_local]
    national = [doc for doc in documents.values() if not doc.is_local]
    result = Comparison(subject=subject, local=_size(local), national=_size(national),
                        national_available=_national_available(subject), national_cap=national_cap)
    result.message = _empty_message(subject, result)
    if result.message:
        return result
    result.local_terms, result.national_terms = text_stats.distinctive_terms_of(
        _sentences(local), _sentences(national), TERM_LIMIT)
    result.templates = _templates(local, national)
    result.local_only_claims = _local_only_claims(_selected_ids(subject, national_cap), documents, national)
    log.info("compared leaflets", extra={"party": subject.party.slug, "area": subject.area.gss,
                                         "local": len(local), "national": len(national)})
    return result


def _live_of(subject: Subject) -> list[ColumnElement[bool]]:
    conditions = [Leaflet.status == LeafletStatus.LIVE, Leaflet.party_id == subject.party.id]
    if subject.election is not None:
        conditions.append(Leaflet.election_id == subject.election.id)
    return conditions


def _selected_ids(subject: Subject, national_cap: int) -> Select:
    """Ids of the local leaflets and of the national_cap most recently uploaded national ones."""
    live = _live_of(subject)
    national = (select(Leaflet.id).where(*live, Leaflet.area_id != subject.area.id)
                .order_by(Leaflet.uploaded_at.desc(), Leaflet.id.desc()).limit(national_cap).subquery())
    return select(Leaflet.id).where(or_(and_(*live, Leaflet.area_id == subject.area.id),
                                        Leaflet.id.in_(select(national.c.id))))


def _load_documents(subject: Subject, national_cap: int) -> dict[int, Document]:
    """One query for the leaflets, one for all their texts."""
    chosen = _selected_ids(subject, national_cap).scalar_subquery()
    rows = db.session.execute(select(Leaflet.id, Leaflet.title, Leaflet.area_id, Area.gss, Area.name)
                              .join(Area, Area.id == Leaflet.area_id).where(Leaflet.id.in_(chosen)))
    label = subject.party.label
    documents = {leaflet_id: Document(leaflet_id, title or f"{label} leaflet, {area_name}", gss, area_name,
                                      area_id == subject.area.id, [title] if title else [])
                 for leaflet_id, title, area_id, gss, area_name in rows}
    texts = db.session.execute(
        select(LeafletImage.leaflet_id, LeafletImage.text)
        .where(LeafletImage.leaflet_id.in_(chosen), LeafletImage.ocr_status == OcrStatus.DONE)
        .order_by(LeafletImage.leaflet_id, LeafletImage.position))
    for leaflet_id, text in texts:
        if leaflet_id in documents and text:
            documents[leaflet_id].texts.append(text)
    for document in documents.values():
        document.sentences = text_stats.sentences(document.text)
        document.words = [word for sentence in document.sentences for word in sentence]
    return documents


def _national_available(subject: Subject) -> int:
    return db.session.scalar(select(func.count(Leaflet.id))
                             .where(*_live_of(subject), Leaflet.area_id != subject.area.id)) or 0


def _size(documents: list[Document]) -> CorpusSize:
    return CorpusSize(leaflets=len(documents), words=sum(len(doc.words) for doc in documents))


def _sentences(documents: list[Document]) -> list[list[str]]:
    return [sentence for document in documents for sentence in document.sentences]


def _empty_message(subject: Subject, result: Comparison) -> str | None:
    party, area = subject.party.name, subject.area.name
    during = f" for the {subject.election.name}" if subject.election else ""
    if result.local.leaflets == 0:
        return f"No {party} leaflets from {area}{during} yet."
    if result.national.leaflets == 0:
        return (f"No {party} leaflets from anywhere other than {area}{during} yet, "
                "so there is nothing to compare with.")
    if result.local.words == 0:
        return (f"The {party} leaflets from {area}{during} have no text yet: "
                "their photos are still being read.")
    return None


def _templates(local: list[Document], national: list[Document]) -> list[TemplateGroup]:
    """For each local leaflet, the national leaflets sharing its 5-gram shingles by Jaccard >= threshold."""
    local_shingles = {doc.leaflet_id: text_stats.shingles(doc.words) for doc in local}
    any_local = frozenset().union(*local_shingles.values())
    found: dict[int, list[TemplateMatch]] = defaultdict(list)
    for other in national:
        theirs = text_stats.shingles(other.words)
        if any_local.isdisjoint(theirs):
            continue
        for leaflet_id, ours in local_shingles.items():
            similarity = text_stats.jaccard(ours, theirs)
            if similarity >= TEMPLATE_THRESHOLD:
                found[leaflet_id].append(TemplateMatch(other.leaflet_id, other.title, other.area_gss,
                                                       other.area_name, round(similarity, 3)))
    groups = []
    for doc in local:
        matches = sorted(found.get(doc.leaflet_id, []), key=lambda m: (-m.similarity, m.leaflet_id))
        if matches:
            groups.append(TemplateGroup(doc.leaflet_id, doc.title, matches[:TEMPLATE_MATCH_LIMIT],
                                        len(matches)))
    return sorted(groups, key=lambda g: (-g.match_count, g.leaflet_id))


def _local_only_claims(chosen: Select, documents: dict[int, Document],
                       national: list[Document]) -> list[LocalClaim]:
    """Accepted local claims that resemble no national claim and appear in no national leaflet's text."""
    rows = db.session.execute(select(Claim.id, Claim.leaflet_id, Claim.text)
                              .where(Claim.leaflet_id.in_(chosen.scalar_subquery()),
                                     Claim.state == ClaimState.ACCEPTED)
                              .order_by(Claim.leaflet_id, Claim.id))
    local_claims, national_claims = [], []
    for claim_id, leaflet_id, text in rows:
        if leaflet_id not in documents:
            continue
        (local_claims if documents[leaflet_id].is_local else national_claims).append(
            LocalClaim(claim_id, leaflet_id, text, documents[leaflet_id].title))
    national_text = "\n".join(" " + " ".join(doc.words) + " " for doc in national)
    similar = _ClaimIndex([text_stats.claim_tokens(claim.text) for claim in national_claims])
    kept = []
    for claim in local_claims:
        phrase = text_stats.normalised(claim.text)
        if not phrase or f" {phrase} " in national_text:
            continue
        if not similar.has_match(text_stats.claim_tokens(claim.text)):
            kept.append(claim)
    return kept


class _ClaimIndex:
    """Token sets of claims, found by the tokens they share: only candidates sharing a token are measured."""

    def __init__(self, token_sets: list[frozenset[str]]) -> None:
        self.token_sets = token_sets
        self.postings: dict[str, list[int]] = defaultdict(list)
        for number, tokens in enumerate(token_sets):
            for token in tokens:
                self.postings[token].append(number)

    def has_match(self, tokens: frozenset[str], threshold: float = CLAIM_THRESHOLD) -> bool:
        shared = Counter(number for token in tokens for number in self.postings.get(token, ()))
        return any(n / (len(tokens) + len(self.token_sets[number]) - n) >= threshold
                   for number, n in shared.items())

@dataclass(frozen=True)
class Choices:
    parties: list[tuple[str, str]]
    areas: list[tuple[str, str]]
    elections: list[tuple[str, str]]


def choices() -> Choices:
    """What the compare form offers: parties, constituencies and elections as (value, label) pairs."""
    return Choices(
        parties=[(slug, name) for slug, name in db.session.execute(
            select(Party.slug, Party.name).order_by(func.lower(Party.name)))],
        areas=[(gss, name) for gss, name in db.session.execute(
            select(Area.gss, Area.name).order_by(Area.name))],
        elections=[(slug, name) for slug, name in db.session.execute(
            select(Election.slug, Election.name).order_by(Election.date.desc()))])
