"""Mark per-party findings stale in the same transaction as the write that changes them.

Any flush that adds, deletes or changes a rating, a claim's state, or a leaflet's status, party or election
raises the `generation` of the (party, election) groups it touches, old and new. The mark rides in the
writer's own transaction, so no code path (volunteers, moderators, the API, imports, other features added
later) can change a finding without the cache knowing; the recount itself happens on the next read
(leaflets/services/findings.py). Bulk `update()`/`delete()` statements bypass the ORM: after one, run
`flask stats refresh`.
"""

from __future__ import annotations

from typing import Any, Iterable

from sqlalchemy import event, func, select
from sqlalchemy.orm import Session, attributes, scoped_session

from leaflets.extensions import insert_of
from leaflets.models import BiasRating, Claim, ClaimRating, FindingsGroup, Leaflet
from leaflets.models.findings import NO_PARTY

PENDING = "findings_pending"
Group = tuple[int, int]  # (party_key, election_id)
# What each watched model carries that changes a finding; any insert or delete counts.
WATCHED: dict[type, tuple[str, ...]] = {
    Leaflet: ("status", "party_id", "election_id", "party", "election"),
    Claim: ("state", "leaflet_id", "leaflet"),
    ClaimRating: ("accuracy", "claim_id", "claim"),
    BiasRating: ("tone", "fairness", "leaflet_id", "leaflet"),
}


def _changed(obj: Any) -> bool:
    names = WATCHED[type(obj)]
    return any(attributes.get_history(obj, name).has_changes() for name in names)


def _before(obj: Any, name: str) -> Any:
    """An attribute's value before this flush (a changed column keeps its old value in the history)."""
    history = attributes.get_history(obj, name)
    return history.deleted[0] if history.deleted else getattr(obj, name)


class _Pending:
    """What a flush touches: groups known already (a leaflet's old group) and rows to look up after it."""

    def __init__(self) -> None:
        self.groups: set[Group] = set()
        self.leaflet_ids: set[int] = set()  # leaflets a claim or bias rating was on before the flush
        self.claim_ids: set[int] = set()  # claims a rating was on before the flush
        self.objects: list[Any] = []

    def remember_old(self, obj: Any) -> None:
        if isinstance(obj, Leaflet) and obj.id is not None:
            self.groups.add((_before(obj, "party_id") or NO_PARTY, _before(obj, "election_id")))
        elif isinstance(obj, (Claim, BiasRating)):
            self.leaflet_ids.add(_before(obj, "leaflet_id"))
        elif isinstance(obj, ClaimRating):
            self.claim_ids.add(_before(obj, "claim_id"))


def _before_flush(session: Session, _context: Any, _instances: Any) -> None:
    pending = _Pending()
    with session.no_autoflush:
        for obj in list(session.dirty) + list(session.deleted):
            if type(obj) not in WATCHED or (obj not in session.deleted and not _changed(obj)):
                continue
            pending.remember_old(obj)
            pending.objects.append(obj)
        pending.objects += [obj for obj in session.new if type(obj) in WATCHED]
    session.info[PENDING] = pending


def _leaflet_groups(session: Session, leaflet_ids: set[int]) -> set[Group]:
    if not leaflet_ids:
        return set()
    rows = session.execute(
        select(func.coalesce(Leaflet.party_id, NO_PARTY), Leaflet.election_id)
        .where(Leaflet.id.in_(leaflet_ids))
        .distinct()
    )
    return {(party_key, election_id) for party_key, election_id in rows}


def _claim_leaflets(session: Session, claim_ids: set[int]) -> set[int]:
    if not claim_ids:
        return set()
    return set(session.scalars(select(Claim.leaflet_id).where(Claim.id.in_(claim_ids))))


def groups_of(
    session: Session, objects: Iterable[Any], leaflet_ids: Iterable[int] = (), claim_ids: Iterable[int] = ()
) -> set[Group]:
    """The groups these (flushed) leaflets, claims and ratings belong to now, and those of the given ids."""
    leaflet_ids, claim_ids = set(leaflet_ids), set(claim_ids)
    direct: set[Group] = set()
    for obj in objects:
        if isinstance(obj, Leaflet):
            if obj.election_id is not None:
                direct.add((obj.party_id or NO_PARTY, obj.election_id))
        elif isinstance(obj, (Claim, BiasRating)):
            leaflet_ids.add(obj.leaflet_id)
        elif isinstance(obj, ClaimRating):
            claim_ids.add(obj.claim_id)
    leaflet_ids |= _claim_leaflets(session, claim_ids)
    return direct | _leaflet_groups(session, {i for i in leaflet_ids if i is not None})


def bump(session: Session | scoped_session[Any], groups: Iterable[Group]) -> None:
    """Raise each group's generation (creating its row), in a fixed order so two writers cannot deadlock."""
    table = FindingsGroup.__table__
    for party_key, election_id in sorted(set(groups)):
        statement = insert_of(table, session).values(
            party_key=party_key, election_id=election_id, generation=1, computed_generation=0
        )
        statement = statement.on_conflict_do_update(
            index_elements=["party_key", "election_id"], set_={"generation": table.c.generation + 1}
        )
        session.execute(statement)


def _after_flush(session: Session, _context: Any) -> None:
    pending: _Pending | None = session.info.pop(PENDING, None)
    if pending is None or not (pending.objects or pending.groups):
        return
    bump(
        session, pending.groups | groups_of(session, pending.objects, pending.leaflet_ids, pending.claim_ids)
    )


def register() -> None:
    """Listen on every ORM session (once per process)."""
    if not event.contains(Session, "before_flush", _before_flush):
        event.listen(Session, "before_flush", _before_flush)
        event.listen(Session, "after_flush", _after_flush)
