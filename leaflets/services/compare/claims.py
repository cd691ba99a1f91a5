"""Claims made only here: accepted claims on the local leaflets that no claim elsewhere resembles and whose
wording the party does not print elsewhere (every word pair of it is in the baseline's counts)."""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass

from sqlalchemy import select

from leaflets.extensions import db
from leaflets.models import Claim, ClaimState, CompareText, Leaflet
from leaflets.services.compare.corpus import Baseline, Subject
from leaflets.services.text_stats import claim_tokens, sentences, term_counts

CLAIM_THRESHOLD = 0.6  # content-word Jaccard from which two claims are the same claim


@dataclass(frozen=True)
class LocalClaim:
    claim_id: int
    leaflet_id: int
    text: str
    leaflet_title: str


class ClaimIndex:
    """Token sets of claims, found by the tokens they share: only candidates sharing a token are measured."""

    def __init__(self, token_sets: list[frozenset[str]]) -> None:
        self.token_sets = token_sets
        self.postings: dict[str, list[int]] = defaultdict(list)
        for number, tokens in enumerate(token_sets):
            for token in tokens:
                self.postings[token].append(number)

    def has_match(self, tokens: frozenset[str], threshold: float = CLAIM_THRESHOLD) -> bool:
        shared = Counter(number for token in tokens for number in self.postings.get(token, ()))
        return any(
            n / (len(tokens) + len(self.token_sets[number]) - n) >= threshold for number, n in shared.items()
        )


def _accepted(conditions: list) -> list[tuple[int, int, str, str]]:
    return list(
        db.session.execute(
            select(Claim.id, Claim.leaflet_id, Claim.text, Leaflet.title)
            .join(Leaflet, Leaflet.id == Claim.leaflet_id)
            .join(CompareText, CompareText.leaflet_id == Claim.leaflet_id)
            .where(Claim.state == ClaimState.ACCEPTED, *conditions)
            .order_by(Claim.leaflet_id, Claim.id)
        ).all()
    )


def local_only(
    subject: Subject, local_ids: list[int], baseline: Baseline, baseline_areas: list[int] | None
) -> list[LocalClaim]:
    local = _accepted([Claim.leaflet_id.in_(local_ids)])
    if not local:
        return []
    elsewhere = [
        CompareText.counted.is_(True),
        CompareText.party_id == subject.party.id,
        CompareText.area_id.in_(baseline_areas)
        if baseline_areas is not None
        else CompareText.area_id != subject.area.id,
    ]
    if subject.election is not None:
        elsewhere.append(CompareText.election_id == subject.election.id)
    similar = ClaimIndex([claim_tokens(text) for _id, _leaflet, text, _title in _accepted(elsewhere)])
    kept = []
    for claim_id, leaflet_id, text, title in local:
        pairs = [term for term in term_counts(sentences(text)) if " " in term]
        printed_elsewhere = bool(pairs) and all(baseline.counts(pairs).values())
        if not printed_elsewhere and not similar.has_match(claim_tokens(text)):
            kept.append(LocalClaim(claim_id, leaflet_id, text, title or ""))
    return kept
