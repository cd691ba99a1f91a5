"""The moderators' audit trail: who did what, why and when, with the state before and after."""
from __future__ import annotations

import logging
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from leaflets.extensions import db
from leaflets.models import AuditEntry, User

log = logging.getLogger(__name__)


def record(user: User, action: str, target_type: str, target_id: int | None, *, reason: str = "",
           before: dict[str, Any] | None = None, after: dict[str, Any] | None = None,
           **details: Any) -> AuditEntry:
    """Add an entry to the session: it commits with the action it describes, or not at all."""
    entry = AuditEntry(user_id=user.id, action=action, target_type=target_type, target_id=target_id,
                       reason=reason or "", details={"before": before, "after": after, **details})
    db.session.add(entry)
    log.info("moderation action", extra={"user_id": user.id, "action": action, "target_type": target_type,
                                          "target_id": target_id})
    return entry


def entries(page: int = 1, per_page: int = 50, *, action: str | None = None) -> tuple[list[AuditEntry], int]:
    """Newest first, one page, and the total."""
    query = select(AuditEntry)
    count = select(func.count(AuditEntry.id))
    if action:
        query, count = query.where(AuditEntry.action == action), count.where(AuditEntry.action == action)
    rows = db.session.scalars(query.options(selectinload(AuditEntry.user))
                              .order_by(AuditEntry.created_at.desc(), AuditEntry.id.desc())
                              .offset((max(page, 1) - 1) * per_page).limit(per_page))
    return list(rows), db.session.scalar(count) or 0
