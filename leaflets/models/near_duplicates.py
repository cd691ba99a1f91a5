"""Near-duplicates: perceptual fingerprints of stored photos, uploads held while the voter is asked whether a
photo shows a leaflet we already have, and "possibly the same as" links for moderators
(docs/near-duplicates.md).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, BigInteger, DateTime, Float, ForeignKey, Index, Integer, String, UniqueConstraint
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
    """An upload whose photo looks like a leaflet we have, kept (metadata and stored photos) until the voter
    answers "is this the same leaflet?" or it expires."""

    __tablename__ = "pending_upload"
    id: Mapped[int] = mapped_column(primary_key=True)
    token: Mapped[str] = mapped_column(String(64), unique=True)  # secret: whoever holds it may answer
    candidate_id: Mapped[int] = mapped_column(ForeignKey("leaflet.id", ondelete="CASCADE"), index=True)
    score: Mapped[float] = mapped_column(Float)
    uploader_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), index=True)
    meta: Mapped[dict[str, Any]] = mapped_column(JSON)  # the resolved form fields, by id
    staged: Mapped[list[dict[str, Any]]] = mapped_column(JSON)  # the stored photos (uploads.StagedImage)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(DateTime, index=True)

    candidate: Mapped[Leaflet] = relationship()


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
