"""E-mail alert subscriptions: an address, what it follows (a party, an area or a search) and how often.

The address is kept only to send these alerts; unconfirmed subscriptions are deleted after a week and an
unsubscribe deletes the row.
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import DateTime, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from leaflets.extensions import Model
from leaflets.models._types import utcnow


class AlertFrequency(StrEnum):
    DAILY = "daily"
    WEEKLY = "weekly"


class AlertKind(StrEnum):
    PARTY = "party"
    AREA = "area"
    SEARCH = "search"


class AlertSubscription(Model):
    __tablename__ = "alert_subscription"
    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254))
    kind: Mapped[str] = mapped_column(String(10))
    # "labour" for a party, "E14001063" for an area, a normalised query string ("q=potholes&party=green")
    target: Mapped[str] = mapped_column(String(1000))
    frequency: Mapped[str] = mapped_column(String(10), default=AlertFrequency.WEEKLY)
    nonce: Mapped[str] = mapped_column(String(32))  # in every token, so a deleted subscription's links die
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    confirm_sent_at: Mapped[datetime | None] = mapped_column(DateTime)
    confirmed_at: Mapped[datetime | None] = mapped_column(DateTime)
    # the end of the window the last digest covered: the next digest holds leaflets uploaded after it
    last_sent_at: Mapped[datetime | None] = mapped_column(DateTime)

    __table_args__ = (
        Index("uq_alert_subscription_target", "email", "kind", "target", unique=True),
        Index("ix_alert_subscription_due", "frequency", "confirmed_at"),
    )

    @property
    def confirmed(self) -> bool:
        return self.confirmed_at is not None

    def __repr__(self) -> str:
        return f"<AlertSubscription {self.id} {self.kind}:{self.target}>"
