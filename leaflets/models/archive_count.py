"""Live leaflet counts kept by the database itself (scale, issue 13): one row per scope and key, maintained by
triggers on leaflet and leaflet_image (migration 0015), so pages read a number instead of counting 100,000
rows.

scope 'all' (key 0): every live leaflet, and `images` their photos; 'party', 'area', 'election' (key: the id;
0 for no party or no place yet): live leaflets of each. Rows may hold 0 after leaflets leave a scope.
"""

from __future__ import annotations

from enum import StrEnum

from sqlalchemy import Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from leaflets.extensions import Model


class CountScope(StrEnum):
    ALL = "all"
    PARTY = "party"
    AREA = "area"
    ELECTION = "election"


class ArchiveCount(Model):
    __tablename__ = "archive_count"
    scope: Mapped[str] = mapped_column(String(10), primary_key=True)
    key_id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    leaflets: Mapped[int] = mapped_column(Integer, default=0)
    images: Mapped[int] = mapped_column(Integer, default=0)

    def __repr__(self) -> str:
        return f"<ArchiveCount {self.scope}:{self.key_id} {self.leaflets}>"
