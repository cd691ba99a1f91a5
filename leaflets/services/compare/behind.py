"""The leaflets behind a finding: those here or elsewhere about a topic, of a template, or printing a figure's
sentence, as a page of leaflet cards."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select

from leaflets.extensions import db
from leaflets.models import Area, CompareNumber, CompareText, Election, Leaflet, Party
from leaflets.services import browse
from leaflets.services.browse import Page
from leaflets.services.errors import NotFound, ValidationFailed

WHERE = ("here", "elsewhere", "neighbours", "anywhere")


@dataclass(frozen=True)
class Finding:
    party: Party
    area: Area | None = None
    election: Election | None = None
    where: str = "anywhere"
    topic: str | None = None
    template: int | None = None
    key: str | None = None


def leaflets_behind(finding: Finding, number: int, per_page: int) -> Page[Leaflet]:
    """Live leaflets of the finding, newest first (422 for a place-bound choice without a place)."""
    if finding.where not in WHERE:
        raise ValidationFailed(
            "Choose here, elsewhere, neighbours or anywhere.", field="where", code="unknown_where"
        )
    if finding.where != "anywhere" and finding.area is None:
        raise ValidationFailed("Choose a constituency.", field="area", code="missing_area")
    conditions = [CompareText.counted.is_(True), CompareText.party_id == finding.party.id]
    if finding.election is not None:
        conditions.append(CompareText.election_id == finding.election.id)
    if finding.area is not None and finding.where == "here":
        conditions.append(CompareText.area_id == finding.area.id)
    elif finding.area is not None and finding.where == "elsewhere":
        conditions.append(CompareText.area_id != finding.area.id)
    elif finding.area is not None and finding.where == "neighbours":
        conditions.append(CompareText.area_id.in_([area.id for area in browse.neighbours(finding.area)]))
    if finding.topic:
        conditions.append(CompareText.topics.like(f"%,{finding.topic},%"))
    if finding.template is not None:
        conditions.append(CompareText.template_id == finding.template)
    if finding.key:
        conditions.append(
            CompareText.leaflet_id.in_(
                select(CompareNumber.leaflet_id).where(
                    CompareNumber.key == finding.key, CompareNumber.party_id == finding.party.id
                )
            )
        )
    total = db.session.scalar(select(func.count()).select_from(CompareText).where(*conditions)) or 0
    page: Page[Leaflet] = Page([], number, per_page, total)
    if number > page.pages:
        raise NotFound(f"There is no page {number}: the last is page {page.pages}.")
    ids = select(CompareText.leaflet_id).where(*conditions)
    query = browse.newest_first(browse.with_card_data(select(Leaflet).where(Leaflet.id.in_(ids))))
    page.items = list(db.session.scalars(query.limit(per_page).offset((number - 1) * per_page)))
    return page
