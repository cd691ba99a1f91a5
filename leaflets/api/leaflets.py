"""Reading leaflets: the filtered, cursor-paginated list and one leaflet."""

from __future__ import annotations

from flask import Response, jsonify, request, url_for

from leaflets.api import bp
from leaflets.api.serializers import leaflet_json
from leaflets.api.uploads import question_json
from leaflets.services import browse, leaflet_listing
from leaflets.services.errors import DomainError
from leaflets.web import same_leaflet

DEFAULT_LIMIT = 20
MAX_LIMIT = 100
FILTERS = ("party", "area", "election", "tag", "since")


def _limit(raw: str | None) -> int:
    if raw is None or raw == "":
        return DEFAULT_LIMIT
    if not raw.isdigit() or not 1 <= int(raw) <= MAX_LIMIT:
        raise DomainError(
            f"limit must be a whole number from 1 to {MAX_LIMIT}.", field="limit", code="bad_limit"
        )
    return int(raw)


@bp.get("/leaflets")
def list_leaflets() -> Response:
    args = {name: request.args.get(name) for name in FILTERS}
    limit = _limit(request.args.get("limit"))
    page = leaflet_listing.cursor_page(
        leaflet_listing.list_filters(**args), limit, request.args.get("cursor")
    )
    next_url = None
    if page.next_cursor:
        kept = {name: value for name, value in args.items() if value}
        next_url = url_for("api.list_leaflets", **kept, limit=limit, cursor=page.next_cursor, _external=True)
    response = jsonify(
        {"leaflets": [leaflet_json(leaflet, detail=False) for leaflet in page.items], "next": next_url}
    )
    if next_url:
        response.headers["Link"] = f'<{next_url}>; rel="next"'
    return response


@bp.get("/leaflets/<int:leaflet_id>")
def get_leaflet(leaflet_id: int) -> Response:
    leaflet = browse.live_leaflet(leaflet_id)
    body = leaflet_json(leaflet)
    question = same_leaflet.for_visitor(leaflet)  # its uploader's look-alike check, while it runs or asks
    if question is None:
        return jsonify(body)
    body["same_question"] = question_json(question)
    response = jsonify(body)
    response.headers["Cache-Control"] = "private, no-store"
    return response
