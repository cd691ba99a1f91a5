"""Reference data: elections, areas (constituencies), parties, postcode districts."""

from __future__ import annotations

from datetime import date

from sqlalchemy import BigInteger, Date, Float, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from leaflets.extensions import Model

ELECTION_KINDS = ("general", "local", "by-election", "mayoral", "devolved")


class Election(Model):
    __tablename__ = "election"
    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(80), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    date: Mapped[date] = mapped_column(Date)
    kind: Mapped[str] = mapped_column(String(20))

    def __repr__(self) -> str:
        return f"<Election {self.slug}>"


class Area(Model):
    __tablename__ = "area"
    id: Mapped[int] = mapped_column(primary_key=True)
    gss: Mapped[str] = mapped_column(String(12), unique=True)
    name: Mapped[str] = mapped_column(String(200), index=True)
    name_alt: Mapped[str | None] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(40), default="westminster-constituency")
    nation: Mapped[str] = mapped_column(String(40))
    region: Mapped[str] = mapped_column(String(80))
    region_code: Mapped[str | None] = mapped_column(String(12))
    hex_q: Mapped[int | None] = mapped_column(Integer)
    hex_r: Mapped[int | None] = mapped_column(Integer)

    def __repr__(self) -> str:
        return f"<Area {self.gss} {self.name}>"


class Party(Model):
    __tablename__ = "party"
    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(80), unique=True)
    ec_ref: Mapped[str | None] = mapped_column(String(40), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    short_name: Mapped[str | None] = mapped_column(String(80))
    colour: Mapped[str] = mapped_column(String(7), default="#5a5a5a")
    # voters: how prominent the party was at GE2024 (constituencies where it came first or second), and the
    # one nation those places were all in, if only one; the upload page lists the main parties first.
    ge2024_top_two: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    ge2024_nation: Mapped[str | None] = mapped_column(String(40))

    @property
    def label(self) -> str:
        return self.short_name or self.name

    def __repr__(self) -> str:
        return f"<Party {self.slug}>"


class PostcodeDistrict(Model):
    """One row per (outward code, constituency) with the share of the district's postcodes in it."""

    __tablename__ = "postcode_district"
    district: Mapped[str] = mapped_column(String(8), primary_key=True)
    area_id: Mapped[int] = mapped_column(ForeignKey("area.id"), primary_key=True)
    share: Mapped[float] = mapped_column(Float)
    area: Mapped[Area] = relationship()


class PostcodeSector(Model):
    """One row per (sector, constituency); a sector is the outward code, a space, the inward code's digit."""

    __tablename__ = "postcode_sector"
    sector: Mapped[str] = mapped_column(String(8), primary_key=True)
    area_id: Mapped[int] = mapped_column(ForeignKey("area.id"), primary_key=True)
    share: Mapped[float] = mapped_column(Float)
    area: Mapped[Area] = relationship()


class PostcodeRange(Model):
    """mySociety's range lookup of full postcodes: postcodes read as base-36 numbers from `start` up to the
    next row's start are in `area_id` (none where it is null)."""

    __tablename__ = "postcode_range"
    start: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    area_id: Mapped[int | None] = mapped_column(ForeignKey("area.id"))
