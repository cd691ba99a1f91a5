"""Volunteers propose a fix of a leaflet's party, area or election; a moderator accepts it in one click or
dismisses it. Proposing, accepting and dismissing are each audited; accepting re-indexes the leaflet."""

from __future__ import annotations

import logging
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from leaflets.extensions import db
from leaflets.models import DetailProposal, Election, Leaflet, Party, ProposalState, User
from leaflets.models._types import utcnow
from leaflets.services import audit, indexing
from leaflets.services.errors import Conflict, DomainError, ManyErrors, NotFound, ValidationFailed
from leaflets.services.moderation import find_area

log = logging.getLogger(__name__)
MAX_NOTE = 2000


def details_of(leaflet: Leaflet) -> dict[str, Any]:
    """The three fixable details as the audit log records them (slugs and GSS codes; None for not known)."""
    return {
        "party": leaflet.party.slug if leaflet.party else None,
        "area": leaflet.area.gss if leaflet.area else None,
        "election": leaflet.election.slug,
    }


def _by_slug(model: Any, slug: str, field: str, label: str) -> Any:
    found = db.session.scalar(select(model).where(model.slug == slug.strip()))
    if found is None:
        raise ValidationFailed(f"Choose the {label} from the list.", field=field)
    return found


def propose(
    leaflet: Leaflet, user: User, *, party: str = "", area: str = "", election: str = "", note: str = ""
) -> DetailProposal:
    """Record (or replace) this volunteer's open proposal; every problem is reported at once."""
    errors: list[DomainError] = []
    chosen: dict[str, Any] = {}
    for field, value, lookup in (
        ("party", party, lambda v: _by_slug(Party, v, "party", "party")),
        ("area", area, find_area),
        ("election", election, lambda v: _by_slug(Election, v, "election", "election")),
    ):
        if (value or "").strip():
            try:
                chosen[field] = lookup(value)
            except DomainError as error:
                errors.append(error)
    note = (note or "").strip()
    if len(note) > MAX_NOTE:
        errors.append(ValidationFailed(f"The note is at most {MAX_NOTE:,} characters.", field="note"))
    current = {"party": leaflet.party_id, "area": leaflet.area_id, "election": leaflet.election_id}
    changes = {field: row for field, row in chosen.items() if row.id != current[field]}
    if not errors and not changes:
        errors.append(
            ValidationFailed("Choose a party, area or election different from the leaflet's.", field="party")
        )
    if errors:
        raise ManyErrors(errors)
    proposal = db.session.scalar(
        select(DetailProposal).where(
            DetailProposal.leaflet_id == leaflet.id,
            DetailProposal.user_id == user.id,
            DetailProposal.state == ProposalState.OPEN,
        )
    ) or DetailProposal(leaflet_id=leaflet.id, user_id=user.id)
    proposal.party, proposal.area, proposal.election = (
        changes.get(name) for name in ("party", "area", "election")
    )
    proposal.note = note
    db.session.add(proposal)
    db.session.flush()
    audit.record(
        user,
        "propose-details",
        "leaflet",
        leaflet.id,
        before=details_of(leaflet),
        after={**details_of(leaflet), **_proposed(proposal)},
        proposal=proposal.id,
    )
    db.session.commit()
    log.info(
        "details proposed",
        extra={"leaflet_id": leaflet.id, "proposal_id": proposal.id, "fields": sorted(changes)},
    )
    return proposal


def _proposed(proposal: DetailProposal) -> dict[str, Any]:
    out: dict[str, Any] = {}
    if proposal.party is not None:
        out["party"] = proposal.party.slug
    if proposal.area is not None:
        out["area"] = proposal.area.gss
    if proposal.election is not None:
        out["election"] = proposal.election.slug
    return out


def _open(proposal_id: int) -> DetailProposal:
    proposal = db.session.get(DetailProposal, proposal_id)
    if proposal is None:
        raise NotFound(f"There is no proposal {proposal_id}.")
    if proposal.state != ProposalState.OPEN:
        raise Conflict(f"This proposal was already {proposal.state}.")
    return proposal


def accept(proposal_id: int, moderator: User) -> DetailProposal:
    """Apply the proposed details to the leaflet: one click, one audit entry, the index told after."""
    proposal = _open(proposal_id)
    leaflet = proposal.leaflet
    before = details_of(leaflet)
    if proposal.party is not None:
        leaflet.party = proposal.party
    if proposal.area is not None:
        leaflet.area = proposal.area
    if proposal.election is not None:
        leaflet.election = proposal.election
    proposal.state, proposal.decided_at, proposal.decided_by_id = (
        ProposalState.ACCEPTED,
        utcnow(),
        moderator.id,
    )
    audit.record(
        moderator,
        "accept-proposal",
        "leaflet",
        leaflet.id,
        before=before,
        after=details_of(leaflet),
        proposal=proposal.id,
        proposed_by=proposal.user.display_name,
    )
    db.session.commit()
    indexing.leaflet_changed(leaflet.id)
    return proposal


def dismiss(proposal_id: int, moderator: User, reason: str = "") -> DetailProposal:
    proposal = _open(proposal_id)
    proposal.state, proposal.decided_at, proposal.decided_by_id = (
        ProposalState.DISMISSED,
        utcnow(),
        moderator.id,
    )
    audit.record(
        moderator,
        "dismiss-proposal",
        "leaflet",
        proposal.leaflet_id,
        reason=reason,
        before={"proposal": "open"},
        after={"proposal": "dismissed"},
        proposal=proposal.id,
    )
    db.session.commit()
    return proposal


def open_proposals(leaflet_id: int | None = None, limit: int = 50) -> list[DetailProposal]:
    """Open proposals, oldest first (one leaflet's, or all)."""
    query = select(DetailProposal).where(DetailProposal.state == ProposalState.OPEN)
    if leaflet_id is not None:
        query = query.where(DetailProposal.leaflet_id == leaflet_id)
    query = query.options(
        selectinload(DetailProposal.leaflet).options(
            selectinload(Leaflet.images), selectinload(Leaflet.party), selectinload(Leaflet.area)
        ),
        selectinload(DetailProposal.user),
        selectinload(DetailProposal.party),
        selectinload(DetailProposal.area),
        selectinload(DetailProposal.election),
    )
    return list(db.session.scalars(query.order_by(DetailProposal.created_at, DetailProposal.id).limit(limit)))


def mine(leaflet_id: int, user: User) -> DetailProposal | None:
    return db.session.scalar(
        select(DetailProposal).where(
            DetailProposal.leaflet_id == leaflet_id,
            DetailProposal.user_id == user.id,
            DetailProposal.state == ProposalState.OPEN,
        )
    )
