"""Atom feed of a search (newest first), so people can follow words, a party or a place as leaflets arrive."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime
from typing import Any

from flask import Blueprint, Response, render_template, request, url_for
from markupsafe import Markup

from leaflets.models import Leaflet
from leaflets.services import feeds, search_service
from search import QueryError

bp = Blueprint("search_feed", __name__)
ATOM = "application/atom+xml; charset=utf-8"


def _entry(leaflet: Leaflet, snippet_html: str) -> feeds.FeedEntry:
    who = leaflet.party.name if leaflet.party else "Unknown party"
    summary = (
        f"{who} leaflet delivered in {leaflet.place_name} on {leaflet.delivered_on.isoformat()} "
        f"({leaflet.election.name})."
    )
    excerpt = Markup(snippet_html).striptags()  # the snippet is escaped HTML; the feed carries plain text
    if excerpt:
        summary += "\n\n" + excerpt
    return feeds.FeedEntry(
        leaflet_id=leaflet.id,
        title=feeds.xml_text(leaflet.display_title),
        summary=feeds.xml_text(summary),
        published=leaflet.uploaded_at,
        updated=max(leaflet.uploaded_at, leaflet.updated_at),
        thumb_sha256=leaflet.images[0].stored_sha256 if leaflet.images else None,
    )


def _title(page: search_service.SearchPage) -> str:
    parts = [f"“{page.query.text}”"] if page.query.text else []
    parts += [active.label for active in page.active]
    return "Leaflets matching " + ", ".join(parts) if parts else "Latest leaflets"


def _grouped(pairs: list[tuple[str, str]]) -> dict[str, Any]:  # url_for's **values
    grouped: dict[str, list[str]] = {}
    for name, value in pairs:
        grouped.setdefault(name, []).append(value)
    return grouped


@bp.get("/feeds/search.atom")
def feed() -> Response:
    """The newest leaflets a search finds; a bad query is a 400, a missing index a 503."""
    try:
        parsed = search_service.parse_args(request.args, per_page=feeds.FEED_SIZE)
        query = replace(parsed, sort="newest", page=1)
        page = search_service.search_page(query)
    except QueryError as error:
        raise search_service.BadQuery(str(error)) from error
    entries = [_entry(hit.leaflet, hit.snippet_html) for hit in page.hits]
    updated = max((entry.updated for entry in entries), default=datetime(2024, 1, 1))
    title = feeds.xml_text(f"{_title(page)} · Straight Choice")
    atom = feeds.Feed(key="search", title=title, updated=updated, entries=entries)
    kept = _grouped(search_service.params(query, sort=None, page=None, per_page=None))
    body = render_template(
        "feeds/feed.xml",
        feed=atom,
        self_url=url_for(".feed", _external=True, **kept),
        page_url=url_for("search.search", _external=True, **kept),
    )
    return Response(body, content_type=ATOM)
