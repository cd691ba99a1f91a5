"""The audit trail of moderators' and volunteers' actions: who did what, why and when, before and after."""

from __future__ import annotations

import logging
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from leaflets.extensions import db
from leaflets.models import AuditEntry, User

log = logging.getLogger(__name__)


def record(
    user: User,
    action: str,
    target_type: str,
    target_id: int | None,
    *,
    reason: str = "",
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
    leaflet_id: int | None = None,
    **details: Any,
) -> AuditEntry:
    """Add an entry to the session: it commits with the action it describes, or not at all.

    `leaflet_id` names the leaflet a claim, photo or flag belongs to (a leaflet target is its own)."""
    if leaflet_id is None and target_type == "leaflet":
        leaflet_id = target_id
    entry = AuditEntry(
        user_id=user.id,
        action=action,
        target_type=target_type,
        target_id=target_id,
        leaflet_id=leaflet_id,
        reason=reason or "",
        details={"before": before, "after": after, **details},
    )
    db.session.add(entry)
    log.info(
        "audited action",
        extra={"user_id": user.id, "action": action, "target_type": target_type, "target_id": target_id},
    )
    return entry


def entries(
    page: int = 1, per_page: int = 50, *, action: str | None = None, leaflet_id: int | None = None
) -> tuple[list[AuditEntry], int]:
    """Newest first, one page, and the total; optionally one action's or one leaflet's entries."""
    query = select(AuditEntry)
    count = select(func.count(AuditEntry.id))
    conditions = ([AuditEntry.action == action] if action else []) + (
        [AuditEntry.leaflet_id == leaflet_id] if leaflet_id is not None else []
    )
    if conditions:
        query, count = query.where(*conditions), count.where(*conditions)
    rows = db.session.scalars(
        query.options(selectinload(AuditEntry.user))
        .order_by(AuditEntry.created_at.desc(), AuditEntry.id.desc())
        .offset((max(page, 1) - 1) * per_page)
        .limit(per_page)
    )
    return list(rows), db.session.scalar(count) or 0
