"""Near-duplicates: perceptual fingerprints of stored photos, the "is this the same leaflet?" question an
upload's background check may put to its uploader, and "possibly the same as" links for moderators
(docs/near-duplicates.md).
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, DateTime, Float, ForeignKey, Index, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from leaflets.extensions import Model
from leaflets.models._types import utcnow
from leaflets.models.leaflet import Leaflet


class ImageFingerprint(Model):
    """The 64-bit perceptual hash of one stored picture (a storage folder), cut into four indexed 16-bit bands
    so a Hamming-distance search reads a few index ranges instead of every hash."""

    __tablename__ = "image_fingerprint"
    key: Mapped[str] = mapped_column(String(64), primary_key=True)  # LeafletImage.stored_sha256
    hash: Mapped[int] = mapped_column(BigInteger)
    band0: Mapped[int] = mapped_column(Integer, index=True)
    band1: Mapped[int] = mapped_column(Integer, index=True)
    band2: Mapped[int] = mapped_column(Integer, index=True)
    band3: Mapped[int] = mapped_column(Integer, index=True)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)


class PendingUpload(Model):
    """A published upload whose photos the background check compares with the archive: while `candidate_id`
    is None the check is still to run (`leased_until`: a worker has it); once set, its uploader is asked "is
    this the same leaflet as this one?" until they answer or it expires (docs/near-duplicates.md). The row
    goes when nothing alike was found, when the uploader answers, or when it expires."""

    __tablename__ = "pending_upload"
    id: Mapped[int] = mapped_column(primary_key=True)
    token: Mapped[str] = mapped_column(String(64), unique=True)  # secret: whoever holds it may answer
    leaflet_id: Mapped[int] = mapped_column(ForeignKey("leaflet.id", ondelete="CASCADE"))
    candidate_id: Mapped[int | None] = mapped_column(ForeignKey("leaflet.id", ondelete="CASCADE"), index=True)
    score: Mapped[float | None] = mapped_column(Float)
    uploader_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), index=True)
    leased_until: Mapped[datetime | None] = mapped_column(DateTime)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(DateTime, index=True)

    leaflet: Mapped[Leaflet] = relationship(foreign_keys=[leaflet_id])
    candidate: Mapped[Leaflet | None] = relationship(foreign_keys=[candidate_id])

    __table_args__ = (UniqueConstraint("leaflet_id", name="uq_pending_upload_leaflet_id"),)


class LeafletSimilarity(Model):
    """ "Possibly the same as": two leaflets whose photos or text look alike, for a moderator to judge.
    `leaflet_id` is the later leaflet; `kind` is "image" or "text"."""

    __tablename__ = "leaflet_similarity"
    id: Mapped[int] = mapped_column(primary_key=True)
    leaflet_id: Mapped[int] = mapped_column(ForeignKey("leaflet.id", ondelete="CASCADE"), index=True)
    other_id: Mapped[int] = mapped_column(ForeignKey("leaflet.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(10))
    score: Mapped[float] = mapped_column(Float)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)

    __table_args__ = (
        UniqueConstraint("leaflet_id", "other_id", "kind", name="uq_leaflet_similarity_pair"),
        Index("ix_leaflet_similarity_other_kind", "other_id", "kind"),
    )
