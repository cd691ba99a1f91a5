"""Leaflets and their images, with OCR job state kept on the image (DESIGN §3)."""

from __future__ import annotations

from datetime import date, datetime
from enum import IntEnum, StrEnum
from typing import TYPE_CHECKING, Any

from sqlalchemy import (
    JSON,
    Boolean,
    ColumnElement,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    SmallInteger,
    String,
    Text,
    and_,
    case,
    func,
    or_,
    true,
)
from sqlalchemy.ext.hybrid import hybrid_property
from sqlalchemy.orm import Mapped, mapped_column, query_expression, relationship

from leaflets.extensions import Model
from leaflets.models._types import utcnow
from leaflets.models.reference import Area, Election, Party

if TYPE_CHECKING:
    from leaflets.models.user import User


class LeafletStatus(StrEnum):
    LIVE = "live"
    HIDDEN = "hidden"
    REMOVED = "removed"


class OcrStatus(StrEnum):
    PENDING = "pending"
    RUNNING = "running"
    DONE = "done"
    FAILED = "failed"


class OcrPriority(IntEnum):
    """Lower runs first: a person waiting for their text comes before background work."""

    INTERACTIVE = 0  # a voter's upload, a moderator's turn
    REQUEUED = 1  # `flask ocr requeue`
    BULK = 2  # demo data, bulk imports


def _same_as_upload(context: Any) -> str:
    """Until the photo is turned, its variants live in the folder named by the upload's own hash."""
    return str(context.get_current_parameters()["sha256"])


class ImageRole(StrEnum):
    FRONT = "front"
    BACK = "back"
    INSIDE = "inside"
    IMPRINT = "imprint"


class Leaflet(Model):
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
    uploader: Mapped["User | None"] = relationship()
    duplicate_of: Mapped["Leaflet | None"] = relationship(remote_side=[id])
    images: Mapped[list["LeafletImage"]] = relationship(
        back_populates="leaflet", order_by="LeafletImage.position", cascade="all, delete-orphan"
    )

    # scale: newest-first pages of all live leaflets and of one party, area or election read these in order
    # (deep pages read only the index); uploaded_at ties are broken by id, so id is in each.
    __table_args__ = (
        Index("ix_leaflet_status_uploaded", "status", "uploaded_at"),
        Index("ix_leaflet_live_order", "status", "uploaded_at", "id"),
        Index("ix_leaflet_party_order", "party_id", "status", "uploaded_at", "id"),
        Index("ix_leaflet_area_order", "area_id", "status", "uploaded_at", "id"),
        Index("ix_leaflet_election_order", "election_id", "status", "uploaded_at", "id"),
    )

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


class LeafletImage(Model):
    __tablename__ = "leaflet_image"
    id: Mapped[int] = mapped_column(primary_key=True)
    leaflet_id: Mapped[int] = mapped_column(ForeignKey("leaflet.id"), index=True)
    position: Mapped[int] = mapped_column(Integer, default=0)
    role: Mapped[str] = mapped_column(String(10), default=ImageRole.FRONT)
    sha256: Mapped[str] = mapped_column(String(64), index=True)  # of the uploaded bytes: finds duplicates
    # The storage folder (and URL) of the served variants: the upload's sha256, or after a turn the sha256 of
    # the turned master, so a turned photo gets new URLs and browsers never show a cached old picture.
    stored_sha256: Mapped[str] = mapped_column(String(64), index=True, default=_same_as_upload)
    # Set only on the image that first brought these bytes to the archive. Unique, so of two uploads of the
    # same photo racing each other only one can be the original; the other becomes a delivery of it.
    original_sha256: Mapped[str | None] = mapped_column(String(64))
    width: Mapped[int] = mapped_column(Integer)
    height: Mapped[int] = mapped_column(Integer)
    mime: Mapped[str] = mapped_column(String(40))
    byte_size: Mapped[int] = mapped_column(Integer, default=0)
    rotation: Mapped[int] = mapped_column(Integer, default=0)  # clockwise turn of the files from the upload
    rotation_manual: Mapped[bool] = mapped_column(Boolean, default=False)  # a moderator's: OCR keeps it
    # load: False while a background worker still makes the stored variants (models/pending_photo.py);
    # pages show a placeholder meanwhile, and OCR waits for the master.
    variants_ready: Mapped[bool] = mapped_column(Boolean, default=True, server_default=true())
    # load: why the variants could not be made (the upload undecodable after all, its files lost); pages then
    # say "This photo could not be prepared" instead of waiting for ever, and moderators read the reason.
    variants_error: Mapped[str | None] = mapped_column(Text)
    ocr_status: Mapped[str] = mapped_column(String(10), default=OcrStatus.PENDING)
    ocr_text: Mapped[str | None] = mapped_column(Text)
    ocr_confidence: Mapped[float | None] = mapped_column(Float)
    ocr_words: Mapped[list[dict[str, Any]] | None] = mapped_column(JSON)
    # How many word boxes, when the query counted them in the database (browse.with_card_data) instead of
    # decoding them; None otherwise (serializers.word_count then counts the loaded boxes).
    ocr_word_count: Mapped[int | None] = query_expression()
    ocr_rotation: Mapped[int | None] = mapped_column(Integer)
    ocr_timings: Mapped[dict[str, float] | None] = mapped_column(JSON)
    ocr_readable: Mapped[bool | None] = mapped_column(Boolean)  # False: the text is not fit to publish
    ocr_quality: Mapped[dict[str, float] | None] = mapped_column(JSON)
    ocr_attempts: Mapped[int] = mapped_column(Integer, default=0)
    ocr_priority: Mapped[int] = mapped_column(SmallInteger, default=OcrPriority.INTERACTIVE)
    ocr_submitter: Mapped[str] = mapped_column(String(80), default="")  # who queued it: takes turns
    ocr_started_at: Mapped[datetime | None] = mapped_column(DateTime)
    ocr_error: Mapped[str | None] = mapped_column(Text)
    leased_until: Mapped[datetime | None] = mapped_column(DateTime)
    lease_owner: Mapped[str | None] = mapped_column(String(80))
    next_attempt_at: Mapped[datetime | None] = mapped_column(DateTime)
    ocr_finished_at: Mapped[datetime | None] = mapped_column(DateTime)
    corrected_text: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)

    leaflet: Mapped[Leaflet] = relationship(back_populates="images")

    __table_args__ = (
        Index("ix_leaflet_image_ocr_queue", "ocr_status", "next_attempt_at"),
        Index("uq_leaflet_image_original_sha256", "original_sha256", unique=True),
        Index("ix_leaflet_image_ocr_order", "ocr_status", "ocr_priority", "id"),
        Index("ix_leaflet_image_ocr_served", "ocr_submitter", "ocr_started_at"),
    )

    @hybrid_property
    def text(self) -> str:
        """The published text: a volunteer's correction wins over OCR; unreadable OCR text is never shown."""
        if self.corrected_text is not None:
            return self.corrected_text
        return "" if self.ocr_readable is False else (self.ocr_text or "")

    @text.inplace.expression
    @classmethod
    def _text_expression(cls) -> ColumnElement[str]:
        return case(
            (cls.corrected_text.is_not(None), cls.corrected_text),
            (cls.ocr_readable.is_(False), ""),
            else_=func.coalesce(cls.ocr_text, ""),
        )

    @property
    def text_status(self) -> str:
        """What text the photo has: corrected (by a volunteer), read (by OCR, published), unreadable (read,
        not fit to publish), failed (OCR gave up), or pending."""
        if self.corrected_text is not None:
            return "corrected"
        if self.ocr_status == OcrStatus.DONE:
            return "unreadable" if self.ocr_readable is False else "read"
        return "failed" if self.ocr_status == OcrStatus.FAILED else "pending"

    @hybrid_property
    def needs_transcription(self) -> bool:
        """Read, or given up on, without text fit to publish, and no volunteer has typed it yet."""
        unreadable = self.ocr_status == OcrStatus.FAILED or (
            self.ocr_status == OcrStatus.DONE and self.ocr_readable is False
        )
        return unreadable and self.corrected_text is None

    @needs_transcription.inplace.expression
    @classmethod
    def _needs_transcription_expression(cls) -> ColumnElement[bool]:
        unreadable = or_(
            cls.ocr_status == OcrStatus.FAILED,
            and_(cls.ocr_status == OcrStatus.DONE, cls.ocr_readable.is_(False)),
        )
        return and_(unreadable, cls.corrected_text.is_(None))

    def __repr__(self) -> str:
        return f"<LeafletImage {self.id} of {self.leaflet_id}>"
