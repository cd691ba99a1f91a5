"""An uploaded photo whose variants are still to be made: the job of the background variant workers.

The request that received the photo checks it and writes its bytes to storage (the HELD object of its
folder, leaflets/storage.py) before this row commits, so a restart loses nothing and any worker on any machine
can make the variants; the database holds only the key, not megabytes under its one writer. A worker leases
the row, writes master, display and thumbnail to storage, marks the images that use them ready, deletes the
row and then the held bytes: the original (with its EXIF and GPS) is never served and not kept once its
variants exist. Rows from before held bytes moved to storage keep them in `data` and are made as before.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import DateTime, Integer, LargeBinary, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from leaflets.extensions import Model
from leaflets.models._types import utcnow


class PendingPhoto(Model):
    __tablename__ = "pending_photo"
    sha256: Mapped[str] = mapped_column(String(64), primary_key=True)  # of the uploaded bytes
    data: Mapped[bytes | None] = mapped_column(LargeBinary, nullable=True)  # only rows held before 0018
    held_key: Mapped[str | None] = mapped_column(String(64))  # the storage folder holding the bytes
    # The small upright picture the upload's check decoded, as a JPEG of a few dozen KB: what the
    # near-duplicate check of later uploads compares with until the copies are made (not the original).
    look: Mapped[bytes | None] = mapped_column(LargeBinary)
    format: Mapped[str] = mapped_column(String(8))  # the sniffed format: JPEG, PNG, WEBP or HEIF
    filename: Mapped[str] = mapped_column(String(200), default="")
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, index=True)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    leased_until: Mapped[datetime | None] = mapped_column(DateTime)
    lease_owner: Mapped[str | None] = mapped_column(String(80))
    error: Mapped[str | None] = mapped_column(Text)

    def __repr__(self) -> str:
        return f"<PendingPhoto {self.sha256[:12]}>"
