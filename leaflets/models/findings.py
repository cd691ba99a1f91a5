"""Cached per-party findings: one row per (party, election) with the aggregates /stats shows.

A write that changes what a group's findings would be (a rating, a claim's state, a leaflet's status, party or
election) raises the group's `generation` in the same transaction (leaflets/services/findings_marks.py); a row
whose `computed_generation` lags behind is recomputed the next time it is read.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, DateTime, ForeignKey, Index, Integer
from sqlalchemy.orm import Mapped, mapped_column

from leaflets.extensions import Model
from leaflets.models.leaflet import Leaflet

NO_PARTY = 0  # party_key of leaflets whose party is unknown


class FindingsGroup(Model):
    __tablename__ = "findings_group"
    party_key: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    election_id: Mapped[int] = mapped_column(ForeignKey("election.id"), primary_key=True, autoincrement=False)
    generation: Mapped[int] = mapped_column(Integer, default=1)
    computed_generation: Mapped[int] = mapped_column(Integer, default=0)
    data: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    computed_at: Mapped[datetime | None] = mapped_column(DateTime)

    @property
    def party_id(self) -> int | None:
        return None if self.party_key == NO_PARTY else self.party_key

    @property
    def stale(self) -> bool:
        return self.computed_generation < self.generation


# A group's leaflets in one index range: recounting a group never scans the whole leaflet table.
ix_leaflet_group = Index(
    "ix_leaflet_party_election_status", Leaflet.party_id, Leaflet.election_id, Leaflet.status
)
