"""The API's filtered leaflet list with cursor pagination: (uploaded_at, id) is a total order, so pages
never overlap or skip while new leaflets arrive."""

from __future__ import annotations

import base64
from dataclasses import dataclass
from datetime import datetime, timezone

from sqlalchemy import and_, exists, or_, select

from leaflets.extensions import db
from leaflets.models import Area, Election, Leaflet, LeafletTag, Party, Tag
from leaflets.services.browse import is_live, newest_first, with_card_data
from leaflets.services.errors import DomainError, ValidationFailed


@dataclass
class ListFilters:
    party: Party | None = None
    area: Area | None = None
    election: Election | None = None
    tag: Tag | None = None
    since: datetime | None = None


@dataclass
class CursorPage:
    items: list[Leaflet]
    next_cursor: str | None


def _known(model: type, column, value: str | None, name: str):
    if value is None or value == "":
        return None
    found = db.session.scalar(select(model).where(column == value))
    if found is None:
        raise ValidationFailed(f"Unknown {name} {value!r}.", field=name, code=f"unknown_{name}")
    return found


def parse_since(raw: str | None) -> datetime | None:
    """An ISO date (midnight UTC) or datetime; an aware time is converted to naive UTC like the database."""
    if not raw:
        return None
    try:
        if "T" in raw:  # an unencoded "+01:00" arrives as " 01:00"
            raw = raw.replace(" ", "+")
        moment = datetime.fromisoformat(raw.replace("Z", "+00:00"))
    except ValueError:
        raise DomainError(
            "since must be an ISO date or date-time, like 2024-06-01 or 2024-06-01T12:00:00Z.",
            field="since",
            code="bad_since",
        ) from None
    if moment.tzinfo is not None:
        moment = moment.astimezone(timezone.utc).replace(tzinfo=None)
    return moment


def list_filters(
    party: str | None, area: str | None, election: str | None, tag: str | None, since: str | None
) -> ListFilters:
    return ListFilters(
        party=_known(Party, Party.slug, party, "party"),
        area=_known(Area, Area.gss, area.upper() if area else area, "area"),
        election=_known(Election, Election.slug, election, "election"),
        tag=_known(Tag, Tag.slug, tag, "tag"),
        since=parse_since(since),
    )


def encode_cursor(leaflet: Leaflet) -> str:
    raw = f"{leaflet.uploaded_at.isoformat()}|{leaflet.id}".encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_cursor(cursor: str) -> tuple[datetime, int]:
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
        moment, leaflet_id = raw.split("|")
        return datetime.fromisoformat(moment), int(leaflet_id)
    except (ValueError, UnicodeDecodeError):
        raise DomainError(
            "The cursor is not one this API gave out; start again without it.",
            field="cursor",
            code="bad_cursor",
        ) from None


def cursor_page(filters: ListFilters, limit: int, cursor: str | None = None) -> CursorPage:
    """Live leaflets newest first after `cursor`; (uploaded_at, id) is a total order: pages never overlap."""
    query = with_card_data(select(Leaflet).where(is_live()))
    if filters.party is not None:
        query = query.where(Leaflet.party_id == filters.party.id)
    if filters.area is not None:
        query = query.where(Leaflet.area_id == filters.area.id)
    if filters.election is not None:
        query = query.where(Leaflet.election_id == filters.election.id)
    if filters.tag is not None:
        query = query.where(
            exists().where(LeafletTag.leaflet_id == Leaflet.id, LeafletTag.tag_id == filters.tag.id)
        )
    if filters.since is not None:
        query = query.where(Leaflet.uploaded_at > filters.since)
    if cursor:
        moment, leaflet_id = decode_cursor(cursor)
        query = query.where(
            or_(Leaflet.uploaded_at < moment, and_(Leaflet.uploaded_at == moment, Leaflet.id < leaflet_id))
        )
    rows = list(db.session.scalars(newest_first(query).limit(limit + 1)))
    items = rows[:limit]
    return CursorPage(items=items, next_cursor=encode_cursor(items[-1]) if len(rows) > limit else None)
