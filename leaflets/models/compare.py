"""What compare precomputes per leaflet as it arrives (DESIGN §4), and each seat's 2024 result.

Rows are derived data: `flask compare rebuild` makes them all again from the leaflets. A leaflet's rows carry
its party, election and area (denormalised) and `counted` (live, with a party and some text), so the pages
read them with indexed lookups instead of joining every national leaflet.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import (
    BigInteger,
    Boolean,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    Text,
)
from sqlalchemy.orm import Mapped, mapped_column

from leaflets.extensions import Model
from leaflets.models._types import utcnow
from leaflets.models.leaflet import Leaflet

ALL_ELECTIONS = 0  # the election_id of a term count summed over every election


class CompareText(Model):
    """One leaflet's analysed text: its tokens, topics, MinHash signature and template."""

    __tablename__ = "compare_text"
    leaflet_id: Mapped[int] = mapped_column(ForeignKey("leaflet.id", ondelete="CASCADE"), primary_key=True)
    party_id: Mapped[int | None] = mapped_column(Integer)
    election_id: Mapped[int] = mapped_column(Integer)
    area_id: Mapped[int | None] = mapped_column(Integer)  # None: no place yet, so never counted
    counted: Mapped[bool] = mapped_column(Boolean, default=False)
    content_hash: Mapped[str] = mapped_column(String(40))
    text_hash: Mapped[str] = mapped_column(String(40))
    tokens: Mapped[bytes] = mapped_column(LargeBinary)  # zlib of sentences: tokens by spaces, one per line
    words: Mapped[int] = mapped_column(Integer, default=0)
    topics: Mapped[str] = mapped_column(String(400), default="")  # ",slug,slug," (LIKE-searchable)
    signature: Mapped[bytes | None] = mapped_column(LargeBinary)
    template_id: Mapped[int | None] = mapped_column(Integer)
    updated_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)

    # The template index covers what a template's places and copies are read by (no table lookups).
    __table_args__ = (
        Index("ix_compare_text_party_area", "party_id", "area_id"),
        Index(
            "ix_compare_text_template",
            "template_id",
            "party_id",
            "counted",
            "election_id",
            "area_id",
            "leaflet_id",
        ),
    )


class CompareBand(Model):
    """MinHash LSH: one row per band of a leaflet's signature; leaflets sharing a band are candidates."""

    __tablename__ = "compare_band"
    band_hash: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    leaflet_id: Mapped[int] = mapped_column(
        ForeignKey("leaflet.id", ondelete="CASCADE"), primary_key=True, index=True
    )


class CompareNumber(Model):
    """A figure in a leaflet with its masked context: the same key elsewhere with another figure varies."""

    __tablename__ = "compare_number"
    id: Mapped[int] = mapped_column(primary_key=True)
    leaflet_id: Mapped[int] = mapped_column(ForeignKey("leaflet.id", ondelete="CASCADE"), index=True)
    party_id: Mapped[int] = mapped_column(Integer)
    election_id: Mapped[int] = mapped_column(Integer)
    area_id: Mapped[int] = mapped_column(Integer)
    key: Mapped[str] = mapped_column(String(16))
    figure: Mapped[str] = mapped_column(String(40))
    value: Mapped[float | None] = mapped_column(Float)
    context: Mapped[str] = mapped_column(Text)  # the words around it, the figure itself as "{}"
    image_id: Mapped[int | None] = mapped_column(Integer)
    box: Mapped[str | None] = mapped_column(String(60))  # left,top,width,height on the master

    # Covers the figures that vary: every column they are grouped and counted by, read from the index alone.
    __table_args__ = (
        Index(
            "ix_compare_number_party_key",
            "party_id",
            "key",
            "area_id",
            "figure",
            "value",
            "leaflet_id",
            "election_id",
        ),
    )


class CompareTermCount(Model):
    """A party's term counts per election (ALL_ELECTIONS sums them), kept up to date as leaflets change.

    Besides words and word pairs, "#total" holds the sum of all counts, "#leaflets" the leaflets counted and
    "#topic:<slug>" the leaflets about a topic."""

    __tablename__ = "compare_term_count"
    party_id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    election_id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    term: Mapped[str] = mapped_column(String(120), primary_key=True)
    count: Mapped[int] = mapped_column(Integer, default=0)

    __table_args__ = (Index("ix_compare_term_count_top", "party_id", "election_id", "count"),)


class CompareToken(Model):
    """How a word is written across the archive: Capitalised, Capitalised next to another Capitalised word
    (a name: "Chloe Lloyd", "Station Road"), in lower case, and read with high confidence (a real word rather
    than OCR noise). Counts only grow."""

    __tablename__ = "compare_token"
    token: Mapped[str] = mapped_column(String(60), primary_key=True)
    capitalised: Mapped[int] = mapped_column(Integer, default=0)
    paired: Mapped[int] = mapped_column(Integer, default=0)
    lowered: Mapped[int] = mapped_column(Integer, default=0)
    trusted: Mapped[int] = mapped_column(Integer, default=0)


class AreaResult(Model):
    """Who won a seat at an election and who came second (reference data)."""

    __tablename__ = "area_result"
    area_id: Mapped[int] = mapped_column(ForeignKey("area.id"), primary_key=True)
    election_id: Mapped[int] = mapped_column(ForeignKey("election.id"), primary_key=True)
    winner_party_id: Mapped[int | None] = mapped_column(ForeignKey("party.id"))
    second_party_id: Mapped[int | None] = mapped_column(ForeignKey("party.id"))
    winner_name: Mapped[str | None] = mapped_column(String(200))


# The map's counts per seat for a party (and every party's split by result) read this index alone.
Index("ix_leaflet_live_party_area", Leaflet.status, Leaflet.party_id, Leaflet.area_id)
