"""The lists on the alerts page: parties (those with leaflets first), constituencies by nation and region."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select

from leaflets.extensions import db
from leaflets.models import Area, Party
from leaflets.services import browse


@dataclass
class AlertChoices:
    parties: list[Party]
    areas: dict[str, list[Area]]  # "England: South East" -> its constituencies, by name


def choices() -> AlertChoices:
    active = [party for party, _count in browse.party_counts()]
    seen = {party.id for party in active}
    others = [p for p in db.session.scalars(select(Party).order_by(Party.name)) if p.id not in seen]
    areas: dict[str, list[Area]] = {}
    for area in db.session.scalars(select(Area).order_by(Area.nation, Area.region, Area.name)):
        areas.setdefault(f"{area.nation}: {area.region}", []).append(area)
    return AlertChoices(parties=active + others, areas=areas)
