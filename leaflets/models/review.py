"""What volunteers add: tags, claims, accuracy and bias ratings, OCR corrections."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import DateTime, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from leaflets.extensions import Model
from leaflets.models._types import utcnow
from leaflets.models.leaflet import Leaflet, LeafletImage
from leaflets.models.user import User


class Tag(Model):
    __tablename__ = "tag"
    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(80), unique=True)
    name: Mapped[str] = mapped_column(String(120))
    group: Mapped[str] = mapped_column(String(60), default="topic")
    description: Mapped[str] = mapped_column(Text, default="")


class LeafletTag(Model):
    __tablename__ = "leaflet_tag"
    id: Mapped[int] = mapped_column(primary_key=True)
    leaflet_id: Mapped[int] = mapped_column(ForeignKey("leaflet.id"), index=True)
    tag_id: Mapped[int] = mapped_column(ForeignKey("tag.id"), index=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    leaflet: Mapped[Leaflet] = relationship()
    tag: Mapped[Tag] = relationship()
    user: Mapped[User | None] = relationship()
    __table_args__ = (UniqueConstraint("leaflet_id", "tag_id", "user_id", name="uq_leaflet_tag_user"),)


class ClaimOrigin(StrEnum):
    SUGGESTED = "suggested"
    VOLUNTEER = "volunteer"


class ClaimState(StrEnum):
    SUGGESTED = "suggested"
    ACCEPTED = "accepted"
    DISMISSED = "dismissed"


class Accuracy(StrEnum):
    ACCURATE = "accurate"
    MISLEADING = "misleading"
    FALSE = "false"
    UNVERIFIABLE = "unverifiable"
    PLEDGE_OR_OPINION = "pledge-opinion"  # "Fix our NHS": nothing to check; fits String(14), no migration


class Claim(Model):
    __tablename__ = "claim"
    id: Mapped[int] = mapped_column(primary_key=True)
    leaflet_id: Mapped[int] = mapped_column(ForeignKey("leaflet.id"), index=True)
    image_id: Mapped[int | None] = mapped_column(ForeignKey("leaflet_image.id"))
    text: Mapped[str] = mapped_column(Text)
    span_start: Mapped[int | None] = mapped_column(Integer)
    span_end: Mapped[int | None] = mapped_column(Integer)
    origin: Mapped[str] = mapped_column(String(12), default=ClaimOrigin.VOLUNTEER)
    state: Mapped[str] = mapped_column(String(12), default=ClaimState.ACCEPTED)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    leaflet: Mapped[Leaflet] = relationship()
    image: Mapped[LeafletImage | None] = relationship()
    created_by: Mapped[User | None] = relationship()
    ratings: Mapped[list["ClaimRating"]] = relationship(back_populates="claim", cascade="all, delete-orphan")


class ClaimRating(Model):
    __tablename__ = "claim_rating"
    id: Mapped[int] = mapped_column(primary_key=True)
    claim_id: Mapped[int] = mapped_column(ForeignKey("claim.id"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id"))
    accuracy: Mapped[str] = mapped_column(String(14))
    source_url: Mapped[str | None] = mapped_column(String(2000))
    note: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, onupdate=utcnow)
    claim: Mapped[Claim] = relationship(back_populates="ratings")
    user: Mapped[User] = relationship()
    __table_args__ = (UniqueConstraint("claim_id", "user_id", name="uq_claim_rating_user"),)


class BiasRating(Model):
    """Two five-point scales: tone (-2 attacks opponents .. +2 positive about own party),
    fairness (-2 misleading presentation .. +2 fair presentation)."""

    __tablename__ = "bias_rating"
    id: Mapped[int] = mapped_column(primary_key=True)
    leaflet_id: Mapped[int] = mapped_column(ForeignKey("leaflet.id"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id"))
    tone: Mapped[int] = mapped_column(Integer)
    fairness: Mapped[int] = mapped_column(Integer)
    note: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, onupdate=utcnow)
    leaflet: Mapped[Leaflet] = relationship()
    user: Mapped[User] = relationship()
    __table_args__ = (UniqueConstraint("leaflet_id", "user_id", name="uq_bias_rating_user"),)


class OcrCorrection(Model):
    """Each saved correction of an image's text is a new version; the newest is on the image."""

    __tablename__ = "ocr_correction"
    id: Mapped[int] = mapped_column(primary_key=True)
    image_id: Mapped[int] = mapped_column(ForeignKey("leaflet_image.id"), index=True)
    version: Mapped[int] = mapped_column(Integer)
    text: Mapped[str] = mapped_column(Text)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    image: Mapped[LeafletImage] = relationship()
    user: Mapped[User | None] = relationship()
    __table_args__ = (UniqueConstraint("image_id", "version", name="uq_ocr_correction_version"),)
