"""Templates: leaflets whose masked text is largely the same share a template id (MinHash LSH across the
archive).

A leaflet arriving looks up the leaflets that share one of its LSH bands, keeps those whose estimated Jaccard
similarity reaches TEMPLATE_THRESHOLD, and joins the template most of them belong to; with none it starts its
own (its template id is its leaflet id). `flask compare rebuild` clusters the whole archive the same way in
memory.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass
from typing import Iterable, Protocol

import numpy as np
from sqlalchemy import select

from leaflets.extensions import db
from leaflets.models import CompareBand, CompareText
from leaflets.services.compare import minhash

TEMPLATE_THRESHOLD = 0.5
CANDIDATES = 300  # leaflets looked at per arrival: enough to find the template among thousands of copies
BUCKET_SAMPLE = 24  # per band in memory: the first leaflets seen in it


@dataclass(frozen=True)
class Candidate:
    leaflet_id: int
    signature: np.ndarray
    template_id: int


class CandidateSource(Protocol):
    def candidates(self, leaflet_id: int, band_hashes: list[int]) -> list[Candidate]: ...


def choose_template(leaflet_id: int, signature: np.ndarray, candidates: Iterable[Candidate]) -> int:
    """The template most similar candidates belong to (ties: the closest match, then the oldest template)."""
    votes: Counter[int] = Counter()
    best: dict[int, float] = defaultdict(float)
    for candidate in candidates:
        if candidate.leaflet_id == leaflet_id:
            continue
        similarity = minhash.similarity(signature, candidate.signature)
        if similarity >= TEMPLATE_THRESHOLD:
            votes[candidate.template_id] += 1
            best[candidate.template_id] = max(best[candidate.template_id], similarity)
    if not votes:
        return leaflet_id
    return min(votes, key=lambda template: (-votes[template], -best[template], template))


class DatabaseCandidates:
    """Candidates from the compare_band table (one query per arriving leaflet)."""

    def candidates(self, leaflet_id: int, band_hashes: list[int]) -> list[Candidate]:
        found = (
            select(CompareBand.leaflet_id)
            .where(CompareBand.band_hash.in_(band_hashes), CompareBand.leaflet_id != leaflet_id)
            .distinct()
            .limit(CANDIDATES)
            .subquery()
        )
        rows = db.session.execute(
            select(CompareText.leaflet_id, CompareText.signature, CompareText.template_id).where(
                CompareText.leaflet_id.in_(select(found.c.leaflet_id)), CompareText.signature.is_not(None)
            )
        )
        return [
            Candidate(leaflet_id, minhash.from_bytes(signature), template_id or leaflet_id)
            for leaflet_id, signature, template_id in rows
            if signature is not None
        ]


class MemoryCandidates:
    """Candidates from the leaflets clustered so far in this process (for a rebuild of the whole archive)."""

    def __init__(self) -> None:
        self.buckets: dict[int, list[int]] = defaultdict(list)
        self.known: dict[int, Candidate] = {}

    def candidates(self, leaflet_id: int, band_hashes: list[int]) -> list[Candidate]:
        ids = {other for band in band_hashes for other in self.buckets.get(band, ())}
        return [self.known[other] for other in sorted(ids)][:CANDIDATES]

    def remember(
        self, leaflet_id: int, signature: np.ndarray, template_id: int, band_hashes: list[int]
    ) -> None:
        """Keep the leaflet as a candidate for later ones if a band of its still has room."""
        for band in band_hashes:
            if len(self.buckets[band]) < BUCKET_SAMPLE:
                self.buckets[band].append(leaflet_id)
                self.known[leaflet_id] = Candidate(leaflet_id, signature, template_id)
