"""What volunteers found, per party and election: claims rated, verdict shares, agreement, bias means.

A group's figures are computed from the ratings once and kept in `findings_group` (a JSON document); a write
that changes them raises the group's generation (findings_marks.py) and the next read recomputes only the
groups that are stale. So /stats and GET /api/v1/stats read a few hundred cached rows, never the whole archive.
"""
from __future__ import annotations

import logging
import math
from collections import Counter, defaultdict
from dataclasses import dataclass
from typing import Any

from flask import current_app
from sqlalchemy import func, select, update

from leaflets.extensions import db
from leaflets.models import (BiasRating, Claim, ClaimRating, ClaimState, Election, FindingsGroup, Leaflet,
                             LeafletStatus, Party)
from leaflets.models._types import utcnow
from leaflets.models.findings import NO_PARTY
from leaflets.services import review
from leaflets.services.agreement import Level, alpha_from_coincidences, coincidences_from_counts
from leaflets.services.errors import NotFound

log = logging.getLogger(__name__)
FORMAT = 1  # bump when the shape of the cached document changes: old documents are then recomputed
Z95 = 1.959964


def verdicts() -> tuple[str, ...]:
    """The verdicts a claim can get, in the model's order (never a list of our own)."""
    return review.VERDICTS


def min_rated_claims() -> int:
    return int(current_app.config["STATS_MIN_RATED_CLAIMS"])


# --- computing one group -----------------------------------------------------------------------------------

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
    return {"alpha": None if alpha is None else round(alpha, 3), "units": len(pairable),
            "ratings": sum(sum(unit.values()) for unit in pairable)}


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
        return {"claims": self.claims, "claims_with_ratings": self.with_ratings, "claims_rated": self.rated,
                "consensus": self.decided, "no_consensus": self.no_consensus, "ratings": self.ratings,
                "accuracy_agreement": _agreement(self.pairable, "nominal")}


def _claim_figures(party_key: int, election_id: int, threshold: int) -> tuple[dict[str, Any], set[int]]:
    rows = db.session.execute(
        select(Claim.id, Claim.leaflet_id, ClaimRating.accuracy, func.count(ClaimRating.id))
        .join(Leaflet, Claim.leaflet_id == Leaflet.id).outerjoin(ClaimRating, ClaimRating.claim_id == Claim.id)
        .where(Claim.state == ClaimState.ACCEPTED, *_in_group(party_key, election_id))
        .group_by(Claim.id, Claim.leaflet_id, ClaimRating.accuracy).order_by(Claim.id))
    tally, rated_leaflets = _ClaimTally(threshold), set()
    current, counts = None, {}
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
    rows = db.session.execute(select(BiasRating.leaflet_id, BiasRating.tone, BiasRating.fairness)
                              .join(Leaflet, BiasRating.leaflet_id == Leaflet.id)
                              .where(*_in_group(party_key, election_id))).all()
    tone: dict[int, Counter] = defaultdict(Counter)
    fairness: dict[int, Counter] = defaultdict(Counter)
    for leaflet_id, tone_value, fairness_value in rows:
        tone[leaflet_id][tone_value] += 1
        fairness[leaflet_id][fairness_value] += 1
    count = len(rows)
    bias = {"ratings": count, "leaflets": len(tone),
            "tone_mean": round(sum(r[1] for r in rows) / count, 2) if count else None,
            "fairness_mean": round(sum(r[2] for r in rows) / count, 2) if count else None,
            "tone_agreement": _agreement(list(tone.values()), "interval"),
            "fairness_agreement": _agreement(list(fairness.values()), "interval")}
    return bias, set(tone)


def compute_group(party_key: int, election_id: int, threshold: int) -> dict[str, Any]:
    """The findings of one (party, election) group, from the live leaflets' accepted claims and ratings."""
    leaflets = db.session.scalar(select(func.count(Leaflet.id)).where(*_in_group(party_key, election_id))) or 0
    claims, claim_leaflets = _claim_figures(party_key, election_id, threshold)
    bias, bias_leaflets = _bias_figures(party_key, election_id)
    return {"format": FORMAT, "threshold": threshold, "leaflets": leaflets,
            "leaflets_rated": len(claim_leaflets | bias_leaflets), **claims, "bias": bias}


# --- the cache ---------------------------------------------------------------------------------------------

@dataclass
class CachedGroup:
    """One findings_group row as plain values (no ORM state to expire when a refresh commits)."""
    party_key: int
    election_id: int
    generation: int
    computed_generation: int
    data: dict[str, Any] | None

    def needs_computing(self, threshold: int) -> bool:
        data = self.data or {}
        return (self.computed_generation < self.generation or data.get("format") != FORMAT
                or data.get("threshold") != threshold)


def cached_groups(party_key: int | None = None, election_id: int | None = None) -> list[CachedGroup]:
    table = FindingsGroup
    query = select(table.party_key, table.election_id, table.generation, table.computed_generation, table.data)
    if party_key is not None:
        query = query.where(table.party_key == party_key)
    if election_id is not None:
        query = query.where(table.election_id == election_id)
    return [CachedGroup(*row) for row in db.session.execute(query)]


def refresh(groups: list[CachedGroup], threshold: int) -> int:
    """Recompute the stale groups; one changed again meanwhile keeps its newer generation (and stays stale)."""
    done = 0
    for group in groups:
        if not group.needs_computing(threshold):
            continue
        data = compute_group(group.party_key, group.election_id, threshold)
        db.session.execute(update(FindingsGroup).where(
            FindingsGroup.party_key == group.party_key, FindingsGroup.election_id == group.election_id,
            FindingsGroup.computed_generation <= group.generation)
            .values(data=data, computed_generation=group.generation, computed_at=utcnow())
            .execution_options(synchronize_session=False))
        group.data, group.computed_generation = data, group.generation
        done += 1
    if done:
        db.session.commit()
        log.info("findings recomputed", extra={"groups": done})
    return done


def rebuild_all() -> int:
    """Mark every (party, election) that has leaflets stale and recompute: after bulk SQL that bypassed the ORM."""
    from leaflets.services.findings_marks import bump

    pairs = db.session.execute(select(func.coalesce(Leaflet.party_id, NO_PARTY), Leaflet.election_id).distinct())
    bump(db.session, [(party_key, election_id) for party_key, election_id in pairs])
    db.session.commit()
    return refresh(cached_groups(), review.rated_threshold())


# --- shaping for the page, the API and CSV ------------------------------------------------------------------

@dataclass
class VerdictShare:
    verdict: str
    count: int
    share: float | None      # None when no claim is rated
    low: float | None        # 95 % Wilson interval of the share
    high: float | None


@dataclass
class PartyFindings:
    party: Party | None
    election: Election
    data: dict[str, Any]
    shares: list[VerdictShare]
    no_consensus: VerdictShare
    enough: bool             # at least STATS_MIN_RATED_CLAIMS rated claims: shares are worth quoting

    @property
    def rated(self) -> bool:
        """Volunteers have rated something on this party's leaflets (a claim or the leaflet's bias)."""
        return bool(self.data.get("leaflets_rated"))


def wilson(count: int, total: int) -> tuple[float | None, float | None]:
    if total <= 0:
        return None, None
    share = count / total
    spread = Z95 * math.sqrt(share * (1 - share) / total + Z95 ** 2 / (4 * total ** 2))
    centre = share + Z95 ** 2 / (2 * total)
    scale = 1 + Z95 ** 2 / total
    return max(0.0, (centre - spread) / scale), min(1.0, (centre + spread) / scale)


def _share(verdict: str, count: int, total: int) -> VerdictShare:
    low, high = wilson(count, total)
    return VerdictShare(verdict, count, count / total if total else None, low, high)


def _shape(row: CachedGroup, parties: dict[int, Party], elections: dict[int, Election],
           minimum: int) -> PartyFindings:
    data = row.data or {}
    rated = int(data.get("claims_rated", 0))
    shares = [_share(verdict, int(data.get("consensus", {}).get(verdict, 0)), rated) for verdict in verdicts()]
    return PartyFindings(party=parties.get(row.party_key), election=elections[row.election_id], data=data,
                         shares=shares, no_consensus=_share("no consensus", int(data.get("no_consensus", 0)), rated),
                         enough=rated >= minimum)


def party_findings(party: Party | None = None, election: Election | None = None) -> list[PartyFindings]:
    """Every group with live leaflets (newest election first, most claims rated first), fresh from the cache."""
    rows = cached_groups(party.id if party else None, election.id if election else None)
    refresh(rows, review.rated_threshold())
    parties = {p.id: p for p in db.session.scalars(select(Party))}
    elections = {e.id: e for e in db.session.scalars(select(Election))}
    minimum = min_rated_claims()
    found = [_shape(row, parties, elections, minimum) for row in rows if (row.data or {}).get("leaflets")]
    found.sort(key=lambda f: (-f.election.date.toordinal(), f.election.name, -f.data.get("claims_rated", 0),
                              -f.data.get("leaflets", 0), f.party.name if f.party else "~"))
    return found


@dataclass
class FindingsPage:
    elections: list[Election]        # every election with live leaflets, newest first
    election: Election | None        # the one shown
    groups: list[PartyFindings]      # its parties, most claims rated first


def findings_page(election_slug: str | None) -> FindingsPage:
    """One election's findings (default: the newest with anything rated), and the elections to choose from."""
    found = party_findings()
    elections = list({item.election.id: item.election for item in found}.values())
    if election_slug:
        chosen = next((e for e in elections if e.slug == election_slug), None)
        if chosen is None:
            raise NotFound(f"There are no findings for an election called {election_slug!r}.")
    else:
        chosen = next((item.election for item in found if item.rated), elections[0] if elections else None)
    groups = [item for item in found if chosen is not None and item.election.id == chosen.id]
    return FindingsPage(elections=elections, election=chosen, groups=groups)
