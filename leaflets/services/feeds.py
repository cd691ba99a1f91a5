"""Atom feeds of the latest live leaflets: everything, one party, one area."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime

from leaflets.models import Area, Leaflet, Party
from leaflets.services import browse

FEED_SIZE = 30
# Characters XML 1.0 cannot carry at all, even escaped; user text may contain them.
_NOT_XML = re.compile("[^\u0009\u000a\u000d\u0020-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def xml_text(text: str | None) -> str:
    return _NOT_XML.sub("", text or "")


@dataclass
class FeedEntry:
    leaflet_id: int
    title: str
    summary: str
    published: datetime
    updated: datetime
    thumb_sha256: str | None


@dataclass
class Feed:
    key: str
    title: str
    updated: datetime
    entries: list[FeedEntry]


def _entry(leaflet: Leaflet) -> FeedEntry:
    who = leaflet.party.name if leaflet.party else "Unknown party"
    summary = (
        f"{who} leaflet delivered in {leaflet.place_name} on {leaflet.delivered_on.isoformat()} "
        f"({leaflet.election.name})."
    )
    if leaflet.description:
        summary += "\n\n" + leaflet.description
    return FeedEntry(
        leaflet_id=leaflet.id,
        title=xml_text(leaflet.display_title),
        summary=xml_text(summary),
        published=leaflet.uploaded_at,
        updated=max(leaflet.uploaded_at, leaflet.updated_at),
        thumb_sha256=leaflet.images[0].stored_sha256 if leaflet.images else None,
    )


def latest_feed(*, party: Party | None = None, area: Area | None = None) -> Feed:
    page = browse.leaflet_page(1, FEED_SIZE, party=party, area=area)
    entries = [_entry(leaflet) for leaflet in page.items]
    if party is not None:
        key, title = f"party/{party.slug}", f"{party.name} leaflets"
    elif area is not None:
        key, title = f"area/{area.gss}", f"Leaflets delivered in {area.name}"
    else:
        key, title = "latest", "Latest leaflets"
    updated = max((entry.updated for entry in entries), default=datetime(2024, 1, 1))
    return Feed(key=key, title=xml_text(f"{title} · Straight Choice"), updated=updated, entries=entries)
