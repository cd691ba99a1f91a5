"""What volunteers found, per party and election: claims rated, verdict shares, agreement, bias means.

A group's figures are counted once (findings_count.py) and kept in `findings_group` (a JSON document); a write
that changes them raises the group's generation (findings_marks.py) and the next read recounts only the stale
groups. So /stats and GET /api/v1/stats read a few hundred cached rows, never the whole archive.
"""

from __future__ import annotations

import logging
import math
from dataclasses import dataclass
from typing import Any

from flask import current_app
from sqlalchemy import func, select, update

from leaflets.extensions import db
from leaflets.models import Accuracy, Election, FindingsGroup, Leaflet, Party
from leaflets.models._types import utcnow
from leaflets.models.findings import NO_PARTY
from leaflets.services.errors import NotFound
from leaflets.services.findings_count import FORMAT, compute_group

log = logging.getLogger(__name__)
Z95 = 1.959964


def verdicts() -> tuple[str, ...]:
    """The verdicts a claim can get, in the model's order (never a list of our own)."""
    return tuple(verdict.value for verdict in Accuracy)


def rated_threshold() -> int:
    """CLAIM_RATED_THRESHOLD: ratings before a claim counts as rated (as review.rated_threshold)."""
    return int(current_app.config["CLAIM_RATED_THRESHOLD"])


def min_rated_claims() -> int:
    return int(current_app.config["STATS_MIN_RATED_CLAIMS"])


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
        return (
            self.computed_generation < self.generation
            or data.get("format") != FORMAT
            or data.get("threshold") != threshold
        )


def cached_groups(party_key: int | None = None, election_id: int | None = None) -> list[CachedGroup]:
    table = FindingsGroup
    query = select(
        table.party_key, table.election_id, table.generation, table.computed_generation, table.data
    )
    if party_key is not None:
        query = query.where(table.party_key == party_key)
    if election_id is not None:
        query = query.where(table.election_id == election_id)
    return [CachedGroup(*row) for row in db.session.execute(query)]


def refresh(groups: list[CachedGroup], threshold: int) -> int:
    """Recount the stale groups; one changed again meanwhile keeps its newer generation (and stays stale)."""
    done = 0
    for group in groups:
        if not group.needs_computing(threshold):
            continue
        data = compute_group(group.party_key, group.election_id, threshold)
        db.session.execute(
            update(FindingsGroup)
            .where(
                FindingsGroup.party_key == group.party_key,
                FindingsGroup.election_id == group.election_id,
                FindingsGroup.computed_generation <= group.generation,
            )
            .values(data=data, computed_generation=group.generation, computed_at=utcnow())
            .execution_options(synchronize_session=False)
        )
        group.data, group.computed_generation = data, group.generation
        done += 1
    if done:
        db.session.commit()
        log.info("findings recomputed", extra={"groups": done})
    return done


def leaflet_rated(leaflet_id: int) -> None:
    """Recount now the group a just-committed rating touched, so the next reader of /stats finds it fresh (the
    rater's request pays, not the reader's). Never raises: a failure leaves the group stale for the reader."""
    try:
        found = db.session.execute(
            select(func.coalesce(Leaflet.party_id, NO_PARTY), Leaflet.election_id).where(
                Leaflet.id == leaflet_id
            )
        ).first()
        if found is not None:
            refresh(cached_groups(found[0], found[1]), rated_threshold())
    except Exception:  # a side effect after the caller's commit: record it, never fail the caller
        log.exception("findings recount failed", extra={"leaflet_id": leaflet_id})
        db.session.rollback()


def rebuild_all() -> int:
    """Mark every (party, election) with leaflets stale and recount: after bulk SQL that bypassed the ORM."""
    from leaflets.services.findings_marks import bump

    pairs = db.session.execute(
        select(func.coalesce(Leaflet.party_id, NO_PARTY), Leaflet.election_id).distinct()
    )
    bump(db.session, [(party_key, election_id) for party_key, election_id in pairs])
    db.session.commit()
    return refresh(cached_groups(), rated_threshold())


# --- shaping for the page, the API and CSV ------------------------------------------------------------------


@dataclass
class VerdictShare:
    verdict: str
    count: int
    share: float | None  # None when no claim is rated
    low: float | None  # 95 % Wilson interval of the share
    high: float | None


@dataclass
class PartyFindings:
    party: Party | None
    election: Election
    data: dict[str, Any]
    shares: list[VerdictShare]
    no_consensus: VerdictShare
    enough: bool  # at least STATS_MIN_RATED_CLAIMS rated claims: shares are worth quoting

    @property
    def rated(self) -> bool:
        """Volunteers have rated something on this party's leaflets (a claim or the leaflet's bias)."""
        return bool(self.data.get("leaflets_rated"))


def wilson(count: int, total: int) -> tuple[float | None, float | None]:
    if total <= 0:
        return None, None
    share = count / total
    spread = Z95 * math.sqrt(share * (1 - share) / total + Z95**2 / (4 * total**2))
    centre = share + Z95**2 / (2 * total)
    scale = 1 + Z95**2 / total
    return max(0.0, (centre - spread) / scale), min(1.0, (centre + spread) / scale)


def _share(verdict: str, count: int, total: int) -> VerdictShare:
    low, high = wilson(count, total)
    return VerdictShare(verdict, count, count / total if total else None, low, high)


def _shape(
    row: CachedGroup, parties: dict[int, Party], elections: dict[int, Election], minimum: int
) -> PartyFindings:
    data = row.data or {}
    rated = int(data.get("claims_rated", 0))
    shares = [
        _share(verdict, int(data.get("consensus", {}).get(verdict, 0)), rated) for verdict in verdicts()
    ]
    return PartyFindings(
        party=parties.get(row.party_key),
        election=elections[row.election_id],
        data=data,
        shares=shares,
        no_consensus=_share("no consensus", int(data.get("no_consensus", 0)), rated),
        enough=rated >= minimum,
    )


def party_findings(party: Party | None = None, election: Election | None = None) -> list[PartyFindings]:
    """Every group with live leaflets (newest election first, most claims rated first), fresh from cache."""
    rows = cached_groups(party.id if party else None, election.id if election else None)
    refresh(rows, rated_threshold())
    parties = {p.id: p for p in db.session.scalars(select(Party))}
    elections = {e.id: e for e in db.session.scalars(select(Election))}
    minimum = min_rated_claims()
    found = [_shape(row, parties, elections, minimum) for row in rows if (row.data or {}).get("leaflets")]
    found.sort(
        key=lambda f: (
            -f.election.date.toordinal(),
            f.election.name,
            -f.data.get("claims_rated", 0),
            -f.data.get("leaflets", 0),
            f.party.name if f.party else "~",
        )
    )
    return found


@dataclass
class FindingsPage:
    elections: list[Election]  # every election with live leaflets, newest first
    election: Election | None  # the one shown
    groups: list[PartyFindings]  # its parties, most claims rated first


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
