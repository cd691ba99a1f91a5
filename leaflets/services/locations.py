"""Where a leaflet was delivered: a constituency by GSS code, one found from a postcode, or not known yet.

A full GB postcode is looked up in mySociety's full-postcode ranges and gives one constituency; a sector
("NG7 2") or a district ("NG7") gives the constituencies it spans with their shares of its postcodes;
Northern Ireland (BT) is not covered by the lookups, so its 18 constituencies are offered. Only the outward
code is kept.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from enum import StrEnum

from sqlalchemy import Select, select

from leaflets.extensions import db
from leaflets.models import Area, PostcodeDistrict, PostcodeRange, PostcodeSector
from leaflets.services.errors import NotFound, ValidationFailed
from leaflets.services.postcode_data import postcode_number

UNKNOWN_AREA = "unknown"  # the voter does not know: the leaflet waits in the volunteers' "needs a place"
NORTHERN_IRELAND = "Northern Ireland"
# Outward code (A9, A99, AA9, AA99, A9A, AA9A); a full postcode adds the sector digit and the unit's letters.
_OUT = r"[A-Z]{1,2}[0-9][A-Z0-9]?"
_FULL = re.compile(rf"^({_OUT}) ?([0-9])([A-Z]{{2}})$")
_SECTOR = re.compile(rf"^({_OUT}) ([0-9])$")  # "NG72" is the district NG72: a sector needs its space
_DISTRICT = re.compile(rf"^({_OUT})$")


class PostcodeKind(StrEnum):
    POSTCODE = "postcode"  # a full postcode: one constituency
    SECTOR = "sector"  # outward code and the inward digit
    DISTRICT = "district"  # the outward code only
    NORTHERN_IRELAND = "northern-ireland"  # BT: choose one of the 18


@dataclass(frozen=True)
class Postcode:
    outward: str
    digit: str | None = None
    unit: str | None = None

    @property
    def sector(self) -> str | None:
        return f"{self.outward} {self.digit}" if self.digit else None

    @property
    def full(self) -> str | None:
        return f"{self.outward} {self.digit}{self.unit}" if self.digit and self.unit else None

    def __str__(self) -> str:
        return self.full or self.sector or self.outward


@dataclass
class AreaChoice:
    gss: str
    name: str
    share: float | None = None  # of the sector's or district's postcodes; None for a full postcode or NI


@dataclass
class PostcodeLookup:
    postcode: Postcode
    kind: PostcodeKind
    choices: list[AreaChoice] = field(default_factory=list)

    @property
    def district(self) -> str:
        return self.postcode.outward

    @property
    def question(self) -> str:
        """What the voter is asked about these choices."""
        if self.kind == PostcodeKind.POSTCODE:
            return f"{self.postcode} is in {self.choices[0].name}: is that where it was delivered?"
        if self.kind == PostcodeKind.NORTHERN_IRELAND:
            return (
                f"{self.postcode} is in Northern Ireland, which our postcode lookup does not cover: "
                "choose the constituency it was delivered in."
            )
        if len(self.choices) == 1:
            return f"{self.postcode} is in {self.choices[0].name}: is that where it was delivered?"
        return f"{self.postcode} covers {len(self.choices)} constituencies: which one was it delivered in?"

    @property
    def instruction(self) -> str:
        """What the voter must still do, for the error summary (the question is the choices' legend)."""
        if len(self.choices) == 1:
            return f"Confirm the constituency: {self.postcode} is in {self.choices[0].name}."
        if self.kind == PostcodeKind.NORTHERN_IRELAND:
            return "Choose the Northern Ireland constituency it was delivered in, or “I don't know”."
        return (
            f"Choose which of the {len(self.choices)} constituencies of {self.postcode} it was delivered "
            "in, or “I don't know”."
        )

    def as_json(self) -> dict[str, object]:
        return {
            "postcode": str(self.postcode),
            "kind": self.kind.value,
            "district": self.district,
            "sector": self.postcode.sector,
            "question": self.question,
            "areas": [{"gss": c.gss, "name": c.name, "share": c.share} for c in self.choices],
        }


class AreaChoiceNeeded(ValidationFailed):
    """The postcode leaves a choice (or a confirmation) to the voter."""

    code = "area_choice_needed"

    def __init__(self, lookup: PostcodeLookup) -> None:
        super().__init__(lookup.instruction, field="area")
        self.lookup = lookup
        self.district = lookup.district
        self.choices = lookup.choices
        self.details = {
            "district": lookup.district,
            "kind": lookup.kind.value,
            "choices": [{"gss": c.gss, "name": c.name, "share": c.share} for c in lookup.choices],
        }


class UnknownPostcode(NotFound):
    code = "postcode_not_found"


def parse_postcode(text: str) -> Postcode:
    """A full postcode, a sector or a district, in any case and spacing; else a clear error."""
    cleaned = re.sub(r"\s+", " ", text.strip().upper())
    for pattern in (_FULL, _SECTOR, _DISTRICT):
        match = pattern.match(cleaned)
        if match:
            return Postcode(*match.groups())
    raise ValidationFailed(
        f"“{text.strip()[:20]}” is not a UK postcode: give it like NG7 2RD (or its first part, NG7).",
        field="postcode",
        code="postcode_malformed",
    )


def outward_code(postcode: str) -> str:
    return parse_postcode(postcode).outward


def area_by_gss(gss: str) -> Area:
    area = db.session.scalar(select(Area).where(Area.gss == gss.strip().upper()))
    if area is None:
        raise ValidationFailed("Choose a constituency from the list: that one is not known.", field="area")
    return area


def _choices(query: Select[str, str, float]) -> list[AreaChoice]:
    return [AreaChoice(gss, name, share) for gss, name, share in db.session.execute(query)]


def district_choices(district: str) -> list[AreaChoice]:
    return _choices(
        select(Area.gss, Area.name, PostcodeDistrict.share)
        .join(PostcodeDistrict.area)
        .where(PostcodeDistrict.district == district)
        .order_by(PostcodeDistrict.share.desc(), Area.name)
    )


def sector_choices(sector: str) -> list[AreaChoice]:
    return _choices(
        select(Area.gss, Area.name, PostcodeSector.share)
        .join(PostcodeSector.area)
        .where(PostcodeSector.sector == sector)
        .order_by(PostcodeSector.share.desc(), Area.name)
    )


def northern_ireland_areas() -> list[AreaChoice]:
    rows = db.session.execute(
        select(Area.gss, Area.name).where(Area.nation == NORTHERN_IRELAND).order_by(Area.name)
    )
    return [AreaChoice(gss, name) for gss, name in rows]


def full_postcode_area(postcode: Postcode) -> AreaChoice | None:
    """The constituency of a full postcode from the range whose start is the last at or before it."""
    number = postcode_number((postcode.full or "").replace(" ", ""))
    area_id = db.session.scalar(
        select(PostcodeRange.area_id)
        .where(PostcodeRange.start <= number)
        .order_by(PostcodeRange.start.desc())
        .limit(1)
    )
    area = db.session.get(Area, area_id) if area_id is not None else None
    return AreaChoice(area.gss, area.name) if area else None


def lookup(text: str) -> PostcodeLookup:
    """The constituencies a postcode points to; UnknownPostcode when its district is not a GB one we know."""
    postcode = parse_postcode(text)
    if postcode.outward.startswith("BT"):
        return PostcodeLookup(postcode, PostcodeKind.NORTHERN_IRELAND, northern_ireland_areas())
    district = district_choices(postcode.outward)
    if not district:  # the range file answers for any string in its span, so the district must exist
        raise UnknownPostcode(
            f"We don't know the postcode district {postcode.outward}: check the postcode, "
            "or choose the constituency instead.",
            field="postcode",
        )
    if postcode.full:
        found = full_postcode_area(postcode)
        if found:
            return PostcodeLookup(postcode, PostcodeKind.POSTCODE, [found])
    if postcode.sector:
        sector = sector_choices(postcode.sector)
        if sector:
            return PostcodeLookup(Postcode(postcode.outward, postcode.digit), PostcodeKind.SECTOR, sector)
    return PostcodeLookup(Postcode(postcode.outward), PostcodeKind.DISTRICT, district)


def resolve(
    area: str | None, postcode: str | None, *, confirm: bool = False
) -> tuple[Area | None, str | None]:
    """The delivery area (None: not known) and the postcode district we keep (never the full postcode).

    With `confirm` (the web form) a postcode alone never decides: the voter confirms a full postcode's
    constituency or picks one of a partial postcode's. Without it (the API) one constituency is taken as is.
    """
    given = (postcode or "").strip()
    chosen = (area or "").strip()
    district = outward_code(given) if given else None
    if chosen.lower() == UNKNOWN_AREA:
        return None, district
    if chosen:
        return area_by_gss(chosen), district
    if not given:
        raise ValidationFailed(
            "Give the postcode, choose the constituency, or choose “I don't know”.",
            field="postcode",
            code="place_missing",
        )
    try:
        found = lookup(given)
    except UnknownPostcode as error:
        raise ValidationFailed(error.message, field="postcode", code=error.code) from None
    if confirm or len(found.choices) != 1:
        raise AreaChoiceNeeded(found)
    return area_by_gss(found.choices[0].gss), found.district
