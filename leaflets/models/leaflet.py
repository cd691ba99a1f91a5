"""Leaflets and their images, with OCR job state kept on the image (DESIGN §3)."""
from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import JSON, Date, DateTime, Float, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from leaflets.extensions import db
from leaflets.models._types import utcnow
from leaflets.models.reference import Area, Election, Party


class LeafletStatus(StrEnum):
    LIVE = "live"
    HIDDEN = "hidden"
    REMOVED = "removed"


class OcrStatus(StrEnum):
    PENDING = "pending"
    RUNNING = "running"
    DONE = "done"
    FAILED = "failed"


class ImageRole(StrEnum):
    FRONT = "front"
    BACK = "back"
    INSIDE = "inside"
    IMPRINT = "imprint"


class Leaflet(db.Model):
    __tablename__ = "leaflet"
    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(300), default="")
    description: Mapped[str] = mapped_column(Text, default="")
    party_id: Mapped[int | None] = mapped_column(ForeignKey("party.id"), index=True)
    area_id: Mapped[int | None] = mapped_column(ForeignKey("area.id"), index=True)  # None: "needs a place"
    election_id: Mapped[int] = mapped_column(ForeignKey("election.id"), index=True)
    delivered_on: Mapped[date] = mapped_column(Date)
    postcode_district: Mapped[str | None] = mapped_column(String(8))
    uploaded_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, index=True)
    updated_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, onupdate=utcnow)
    uploader_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    status: Mapped[str] = mapped_column(String(10), default=LeafletStatus.LIVE, index=True)
    status_reason: Mapped[str | None] = mapped_column(Text)
    duplicate_of_id: Mapped[int | None] = mapped_column(ForeignKey("leaflet.id"), index=True)

    party: Mapped[Party | None] = relationship()
    area: Mapped[Area | None] = relationship()
    election: Mapped[Election] = relationship()
    uploader: Mapped["User | None"] = relationship()  # noqa: F821
    duplicate_of: Mapped["Leaflet | None"] = relationship(remote_side=[id])
    images: Mapped[list["LeafletImage"]] = relationship(
        back_populates="leaflet", order_by="LeafletImage.position", cascade="all, delete-orphan")

    __table_args__ = (Index("ix_leaflet_status_uploaded", "status", "uploaded_at"),)

    @property
    def is_live(self) -> bool:
        return self.status == LeafletStatus.LIVE

    @property
    def place_name(self) -> str:
        """The constituency's name, or a plain statement that nobody has placed the leaflet yet."""
        return self.area.name if self.area else "Place not known yet"

    @property
    def display_title(self) -> str:
        if self.title:
            return self.title
        who = self.party.label if self.party else "Unknown party"
        return f"{who} leaflet, {self.area.name if self.area else 'place not known'}"

    def __repr__(self) -> str:
        return f"<Leaflet {self.id}>"


class LeafletImage(db.Model):
    __tablename__ = "leaflet_image"
    id: Mapped[int] = mapped_column(primary_key=True)
    leaflet_id: Mapped[int] = mapped_column(ForeignKey("leaflet.id"), index=True)
    position: Mapped[int] = mapped_column(Integer, default=0)
    role: Mapped[str] = mapped_column(String(10), default=ImageRole.FRONT)
    sha256: Mapped[str] = mapped_column(String(64), index=True)
    width: Mapped[int] = mapped_column(Integer)
    height: Mapped[int] = mapped_column(Integer)
    mime: Mapped[str] = mapped_column(String(40))
    byte_size: Mapped[int] = mapped_column(Integer, default=0)
    rotation: Mapped[int] = mapped_column(Integer, default=0)
    ocr_status: Mapped[str] = mapped_column(String(10), default=OcrStatus.PENDING)
    ocr_text: Mapped[str | None] = mapped_column(Text)
    ocr_confidence: Mapped[float | None] = mapped_column(Float)
    ocr_words: Mapped[list[dict[str, Any]] | None] = mapped_column(JSON)
    ocr_rotation: Mapped[int | None] = mapped_column(Integer)
    ocr_timings: Mapped[dict[str, float] | None] = mapped_column(JSON)
    ocr_attempts: Mapped[int] = mapped_column(Integer, default=0)
    ocr_error: Mapped[str | None] = mapped_column(Text)
    leased_until: Mapped[datetime | None] = mapped_column(DateTime)
    lease_owner: Mapped[str | None] = mapped_column(String(80))
    next_attempt_at: Mapped[datetime | None] = mapped_column(DateTime)
    ocr_finished_at: Mapped[datetime | None] = mapped_column(DateTime)
    corrected_text: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)

    leaflet: Mapped[Leaflet] = relationship(back_populates="images")

    __table_args__ = (Index("ix_leaflet_image_ocr_queue", "ocr_status", "next_attempt_at"),)

    @property
    def text(self) -> str:
        """The best text we have: a volunteer's correction wins over raw OCR."""
        return self.corrected_text if self.corrected_text is not None else (self.ocr_text or "")

    def __repr__(self) -> str:
        return f"<LeafletImage {self.id} of {self.leaflet_id}>"
