"""Where a leaflet was delivered: a constituency by GSS code, or one found from a postcode."""
from __future__ import annotations

import re
from dataclasses import dataclass

from sqlalchemy import select

from leaflets.extensions import db
from leaflets.models import Area, PostcodeDistrict
from leaflets.services.errors import ValidationFailed

# Outward code, optionally followed by the inward code (e.g. "SW1A", "SW1A 1AA", "kt141aa").
_POSTCODE = re.compile(r"^([A-Z]{1,2}[0-9][A-Z0-9]?)\s*([0-9][A-Z]{2})?$")


@dataclass
class AreaChoice:
    gss: str
    name: str
    share: float


class AreaChoiceNeeded(ValidationFailed):
    """The postcode district spans several constituencies; the voter picks one."""
    code = "area_choice_needed"

    def __init__(self, district: str, choices: list[AreaChoice]) -> None:
        super().__init__(f"The postcode district {district} covers {len(choices)} constituencies: choose yours.",
                         field="area")
        self.district = district
        self.choices = choices
        self.details = {"district": district,
                        "choices": [{"gss": c.gss, "name": c.name, "share": c.share} for c in choices]}


def outward_code(postcode: str) -> str:
    cleaned = re.sub(r"\s+", " ", postcode.strip().upper())
    match = _POSTCODE.match(cleaned)
    if not match:
        raise ValidationFailed(f"“{postcode.strip()[:20]}” is not a UK postcode.", field="postcode")
    return match.group(1)


def area_by_gss(gss: str) -> Area:
    area = db.session.scalar(select(Area).where(Area.gss == gss.strip().upper()))
    if area is None:
        raise ValidationFailed("Choose a constituency from the list: that one is not known.", field="area")
    return area


def district_choices(district: str) -> list[AreaChoice]:
    rows = db.session.execute(
        select(Area.gss, Area.name, PostcodeDistrict.share).join(PostcodeDistrict.area)
        .where(PostcodeDistrict.district == district).order_by(PostcodeDistrict.share.desc()))
    return [AreaChoice(gss, name, share) for gss, name, share in rows]


def resolve(area: str | None, postcode: str | None) -> tuple[Area, str | None]:
    """The delivery area and the postcode district we keep (never the full postcode)."""
    district = outward_code(postcode) if postcode and postcode.strip() else None
    if area and area.strip():
        return area_by_gss(area), district
    if district is None:
        raise ValidationFailed("Give the postcode or the constituency where the leaflet was delivered.",
                               field="postcode")
    choices = district_choices(district)
    if not choices:
        raise ValidationFailed(f"We don't know the postcode district {district}. Check it, or choose the "
                               "constituency instead.", field="postcode")
    if len(choices) > 1:
        raise AreaChoiceNeeded(district, choices)
    return area_by_gss(choices[0].gss), district
