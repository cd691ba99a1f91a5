"""Reports from the public and the moderators' audit trail."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import JSON, DateTime, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from leaflets.extensions import Model
from leaflets.models._types import utcnow
from leaflets.models.leaflet import Leaflet
from leaflets.models.reference import Area, Election, Party
from leaflets.models.user import User

FLAG_REASONS = ("not-a-leaflet", "personal-information", "offensive", "duplicate", "wrong-details", "other")


class Flag(Model):
    __tablename__ = "flag"
    id: Mapped[int] = mapped_column(primary_key=True)
    leaflet_id: Mapped[int] = mapped_column(ForeignKey("leaflet.id"), index=True)
    reason: Mapped[str] = mapped_column(String(40))
    note: Mapped[str] = mapped_column(Text, default="")
    reporter_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    resolved_at: Mapped[datetime | None] = mapped_column(DateTime)
    resolved_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    leaflet: Mapped[Leaflet] = relationship()
    reporter: Mapped[User | None] = relationship(foreign_keys=[reporter_id])


class AuditEntry(Model):
    __tablename__ = "audit_entry"
    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    action: Mapped[str] = mapped_column(String(40), index=True)
    target_type: Mapped[str] = mapped_column(String(40))
    target_id: Mapped[int | None] = mapped_column(Integer)
    # the leaflet an action concerns, whatever its target (a claim, a photo, a flag): one leaflet's history
    leaflet_id: Mapped[int | None] = mapped_column(Integer, index=True)
    reason: Mapped[str] = mapped_column(Text, default="")
    details: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, index=True)
    user: Mapped[User | None] = relationship()


class ProposalState(StrEnum):
    OPEN = "open"
    ACCEPTED = "accepted"
    DISMISSED = "dismissed"


class DetailProposal(Model):
    """A volunteer's proposed fix of a leaflet's party, area or election (None: leave that one as it is), for
    a moderator to accept in one click or dismiss. One open proposal per volunteer and leaflet."""

    __tablename__ = "detail_proposal"
    id: Mapped[int] = mapped_column(primary_key=True)
    leaflet_id: Mapped[int] = mapped_column(ForeignKey("leaflet.id"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id"))
    party_id: Mapped[int | None] = mapped_column(ForeignKey("party.id"))
    area_id: Mapped[int | None] = mapped_column(ForeignKey("area.id"))
    election_id: Mapped[int | None] = mapped_column(ForeignKey("election.id"))
    note: Mapped[str] = mapped_column(Text, default="")
    state: Mapped[str] = mapped_column(String(10), default=ProposalState.OPEN, index=True)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    decided_at: Mapped[datetime | None] = mapped_column(DateTime)
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    leaflet: Mapped[Leaflet] = relationship()
    user: Mapped[User] = relationship(foreign_keys=[user_id])
    party: Mapped[Party | None] = relationship()
    area: Mapped[Area | None] = relationship()
    election: Mapped[Election | None] = relationship()
