"""Counting one (party, election) group's findings from its live leaflets' accepted claims and ratings.

One pass over the group's claim rows (ordered by claim) and its bias ratings; agreement from verdict counts.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from typing import Any

from sqlalchemy import func, select

from leaflets.extensions import db
from leaflets.models import BiasRating, Claim, ClaimRating, ClaimState, Leaflet, LeafletStatus
from leaflets.models.findings import NO_PARTY
from leaflets.services.agreement import Level, alpha_from_coincidences, coincidences_from_counts

FORMAT = 1  # bump when the shape of a group's document changes: cached documents are then recomputed


def _in_group(party_key: int, election_id: int) -> list[Any]:
    party = Leaflet.party_id.is_(None) if party_key == NO_PARTY else Leaflet.party_id == party_key
    return [party, Leaflet.election_id == election_id, Leaflet.status == LeafletStatus.LIVE]


def consensus(counts: Counter) -> str | None:
    """The verdict most raters gave, when one verdict leads outright (the rule of review.rating_summary)."""
    ranked = counts.most_common(2)
    if not ranked or (len(ranked) == 2 and ranked[0][1] == ranked[1][1]):
        return None
    return ranked[0][0]


def _agreement(units: list[dict[Any, int]], level: Level) -> dict[str, Any]:
    """Krippendorff's alpha over units given as value counts, with how many units and ratings it rests on."""
    pairable = [unit for unit in units if sum(unit.values()) >= 2]
    alpha = alpha_from_coincidences(coincidences_from_counts(pairable), level)
    return {
        "alpha": None if alpha is None else round(alpha, 3),
        "units": len(pairable),
        "ratings": sum(sum(unit.values()) for unit in pairable),
    }


class _ClaimTally:
    """Claims of one group, fed one claim's verdict counts at a time (the query is ordered by claim).

    Plain dicts and one pass per claim: a big party's group has tens of thousands of claims, and this loop is
    most of the cost of recounting it after a rating."""

    def __init__(self, threshold: int) -> None:
        self.threshold = threshold
        self.claims = self.with_ratings = self.rated = self.no_consensus = 0
        self.ratings: dict[str, int] = {}
        self.decided: dict[str, int] = {}
        self.pairable: list[dict[str, int]] = []

    def add(self, counts: dict[str, int]) -> None:
        self.claims += 1
        if not counts:
            return
        self.with_ratings += 1
        total, best, best_n, tie = 0, "", 0, False
        for verdict, n in counts.items():
            total += n
            self.ratings[verdict] = self.ratings.get(verdict, 0) + n
            if n > best_n:
                best, best_n, tie = verdict, n, False
            elif n == best_n:
                tie = True
        if total >= 2:
            self.pairable.append(counts)
        if total >= self.threshold:
            self.rated += 1
            if tie:  # the rule of consensus(): one verdict must lead outright
                self.no_consensus += 1
            else:
                self.decided[best] = self.decided.get(best, 0) + 1

    def figures(self) -> dict[str, Any]:
        return {
            "claims": self.claims,
            "claims_with_ratings": self.with_ratings,
            "claims_rated": self.rated,
            "consensus": self.decided,
            "no_consensus": self.no_consensus,
            "ratings": self.ratings,
            "accuracy_agreement": _agreement(self.pairable, "nominal"),
        }


def _claim_figures(party_key: int, election_id: int, threshold: int) -> tuple[dict[str, Any], set[int]]:
    rows = db.session.execute(
        select(Claim.id, Claim.leaflet_id, ClaimRating.accuracy, func.count(ClaimRating.id))
        .join(Leaflet, Claim.leaflet_id == Leaflet.id)
        .outerjoin(ClaimRating, ClaimRating.claim_id == Claim.id)
        .where(Claim.state == ClaimState.ACCEPTED, *_in_group(party_key, election_id))
        .group_by(Claim.id, Claim.leaflet_id, ClaimRating.accuracy)
        .order_by(Claim.id)
    )
    tally, rated_leaflets = _ClaimTally(threshold), set()
    current: int | None = None
    counts: dict[str, int] = {}
    for claim_id, leaflet_id, accuracy, count in rows:
        if claim_id != current:
            if current is not None:
                tally.add(counts)
            current, counts = claim_id, {}
        if accuracy is not None:
            counts[accuracy] = count
            rated_leaflets.add(leaflet_id)
    if current is not None:
        tally.add(counts)
    return tally.figures(), rated_leaflets


def _bias_figures(party_key: int, election_id: int) -> tuple[dict[str, Any], set[int]]:
    rows = db.session.execute(
        select(BiasRating.leaflet_id, BiasRating.tone, BiasRating.fairness)
        .join(Leaflet, BiasRating.leaflet_id == Leaflet.id)
        .where(*_in_group(party_key, election_id))
    ).all()
    tone: dict[int, Counter] = defaultdict(Counter)
    fairness: dict[int, Counter] = defaultdict(Counter)
    for leaflet_id, tone_value, fairness_value in rows:
        tone[leaflet_id][tone_value] += 1
        fairness[leaflet_id][fairness_value] += 1
    count = len(rows)
    bias = {
        "ratings": count,
        "leaflets": len(tone),
        "tone_mean": round(sum(r[1] for r in rows) / count, 2) if count else None,
        "fairness_mean": round(sum(r[2] for r in rows) / count, 2) if count else None,
        "tone_agreement": _agreement(list(tone.values()), "interval"),
        "fairness_agreement": _agreement(list(fairness.values()), "interval"),
    }
    return bias, set(tone)


def compute_group(party_key: int, election_id: int, threshold: int) -> dict[str, Any]:
    """The findings of one (party, election) group, from the live leaflets' accepted claims and ratings."""
    leaflets = (
        db.session.scalar(select(func.count(Leaflet.id)).where(*_in_group(party_key, election_id))) or 0
    )
    claims, claim_leaflets = _claim_figures(party_key, election_id, threshold)
    bias, bias_leaflets = _bias_figures(party_key, election_id)
    return {
        "format": FORMAT,
        "threshold": threshold,
        "leaflets": leaflets,
        "leaflets_rated": len(claim_leaflets | bias_leaflets),
        **claims,
        "bias": bias,
    }
