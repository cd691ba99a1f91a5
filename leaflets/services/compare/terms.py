"""Distinctive terms without names or OCR noise, grouped into topics where a tag's words explain them."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import Iterable

from sqlalchemy import select

from leaflets.extensions import db
from leaflets.models import CompareToken
from leaflets.services.compare.corpus import TOP_BASELINE, Baseline, Local
from leaflets.services.compare.names import TokenStats, metadata_names, reference_names, why_excluded
from leaflets.services.compare.topics import TopicMatcher
from leaflets.services.text_stats import ScoredTerm, distinctive_terms

TERM_LIMIT = 20
EXAMPLES = 8


@dataclass
class Term:
    term: str
    z: float
    local_count: int
    national_count: int
    topic: str | None = None


@dataclass
class TopicGroup:
    slug: str | None
    name: str
    terms: list[Term]


@dataclass
class Excluded:
    names: list[str] = field(default_factory=list)
    noise: list[str] = field(default_factory=list)
    name_count: int = 0
    noise_count: int = 0


@dataclass
class Terms:
    local: list[Term] = field(default_factory=list)
    national: list[Term] = field(default_factory=list)
    excluded: Excluded = field(default_factory=Excluded)


def token_stats(tokens: Iterable[str]) -> dict[str, TokenStats]:
    wanted, found = sorted(set(tokens)), {}
    columns = (
        CompareToken.token,
        CompareToken.capitalised,
        CompareToken.paired,
        CompareToken.lowered,
        CompareToken.trusted,
    )
    for start in range(0, len(wanted), 500):
        for token, *counts in db.session.execute(
            select(*columns).where(CompareToken.token.in_(wanted[start : start + 500]))
        ):
            found[token] = TokenStats(*counts)
    return found


def distinctive(local: Local, baseline: Baseline, topics: TopicMatcher, limit: int = TERM_LIMIT) -> Terms:
    """The local leaflets' terms against the baseline's (Fightin' Words), names and noise left out."""
    local_counts = {term: n for term, n in local.counts.items() if not term.startswith("#")}
    national = baseline.top(TOP_BASELINE)
    national.update(baseline.counts(local_counts))
    candidates = local_counts.keys() | national.keys()
    stats = token_stats(token for term in candidates for token in term.split())
    reference = reference_names()
    metadata = metadata_names(text for doc in local.docs for text in (doc.title, doc.description))
    result = Terms()
    kept = set()
    for term in sorted(candidates, key=lambda t: (-local_counts.get(t, 0) - national.get(t, 0), t)):
        reason = why_excluded(term, stats, reference, metadata)
        if reason is None:
            kept.add(term)
        else:
            _note(result.excluded, reason, term)
    scored_local, scored_national = distinctive_terms(
        {t: local_counts[t] for t in kept if t in local_counts},
        {t: national[t] for t in kept if t in national},
        limit,
        totals=(float(local.total), float(baseline.total)),
    )
    result.local = [_term(scored, topics) for scored in scored_local]
    result.national = [_term(scored, topics) for scored in scored_national]
    return result


def _note(excluded: Excluded, reason: str, term: str) -> None:
    if reason == "name":
        excluded.name_count += 1
        if len(excluded.names) < EXAMPLES and " " not in term:
            excluded.names.append(term)
    else:
        excluded.noise_count += 1
        if len(excluded.noise) < EXAMPLES and " " not in term:
            excluded.noise.append(term)


def _term(scored: ScoredTerm, topics: TopicMatcher) -> Term:
    return Term(
        scored.term, scored.z, scored.local_count, scored.national_count, topics.topic_of(scored.term)
    )


def grouped(terms: list[Term], topics: TopicMatcher) -> list[TopicGroup]:
    """Terms under the topic that explains them, topics in the order of their strongest term; the rest
    last."""
    groups: dict[str | None, list[Term]] = defaultdict(list)
    for term in terms:
        groups[term.topic].append(term)
    ordered = [TopicGroup(slug, topics.name(slug), found) for slug, found in groups.items() if slug]
    if None in groups:
        ordered.append(TopicGroup(None, "Other words", groups[None]))
    return ordered
