"""GET /api/v1/search (hits with snippets, total, facets, suggestion); GET /api/v1/export (CSV, JSONL)."""

from __future__ import annotations

import csv
import io
import itertools
import json
from collections.abc import Iterable, Iterator
from typing import Any

from flask import Response, jsonify, request, stream_with_context, url_for

from leaflets.api import bp
from leaflets.api.serializers import leaflet_json
from leaflets.models import Leaflet
from leaflets.services import review, search_service
from search import QueryError, SearchQuery

FORMATS = {"csv": "text/csv; charset=utf-8", "jsonl": "application/x-ndjson; charset=utf-8"}
CSV_COLUMNS = (
    "id",
    "url",
    "title",
    "description",
    "party",
    "party_name",
    "area",
    "area_name",
    "region",
    "nation",
    "election",
    "election_name",
    "delivered_on",
    "postcode_district",
    "uploaded_at",
    "duplicate_of",
    "image_count",
    "image_urls",
    "text",
    "tags",
    "claims",
    "claim_count",
    "claims_rated",
    "bias_count",
    "bias_tone_mean",
    "bias_fairness_mean",
)
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _query(**kwargs: Any) -> SearchQuery:
    try:
        return search_service.parse_args(request.args, **kwargs)
    except QueryError as error:
        raise search_service.BadQuery(str(error)) from error


@bp.get("/search")
def search() -> Response:
    query = _query(allow_per_page=True)
    try:
        page = search_service.search_page(query)
    except QueryError as error:
        raise search_service.BadQuery(str(error)) from error
    results = page.results
    next_url = None
    if query.page < page.pages and page.hits:
        following = _grouped(search_service.params(query, page=query.page + 1))
        next_url = url_for("api.search", _external=True, **following)
    return jsonify(
        {
            "query": query.text,
            "total": results.total,
            "total_is_estimate": results.total_is_estimate,
            "page": query.page,
            "per_page": query.per_page,
            "pages": page.pages,
            "next": next_url,
            "suggestion": results.suggestion,
            "terms": results.terms,
            "hits": [
                {
                    "leaflet": leaflet_json(hit.leaflet, detail=False),
                    "score": round(hit.score, 4),
                    "highlights": [hit.snippet_html] if hit.snippet_html else [],
                    "url": url_for(
                        "archive.leaflet",
                        leaflet_id=hit.leaflet.id,
                        highlight=page.highlight or None,
                        _external=True,
                    ),
                }
                for hit in page.hits
            ],
            "facets": {
                name: [
                    {"value": option.value, "label": option.label, "count": option.count}
                    for option in options
                ]
                for name, options in page.facets.items()
            },
        }
    )


def _grouped(pairs: list[tuple[str, str]]) -> dict[str, Any]:  # url_for's **values
    grouped: dict[str, list[str]] = {}
    for name, value in pairs:
        grouped.setdefault(name, []).append(value)
    return grouped


# --- export -----------------------------------------------------------------------------------------------


def safe_cell(value: Any) -> str:
    """A CSV cell a spreadsheet will not run as a formula (cells starting = + - @ get a leading ')."""
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_START) else text


def leaflet_text(leaflet: Leaflet) -> str:
    return "\n\n".join(image.text for image in leaflet.images if image.text)


def export_record(leaflet: Leaflet) -> dict[str, Any]:
    """The leaflet JSON, its full text, and its tags, claims with rating summaries and bias summary."""
    record = leaflet_json(leaflet, detail=False)
    record["text"] = leaflet_text(leaflet)
    record.update(review.leaflet_summary(leaflet))
    return record


def csv_row(record: dict[str, Any]) -> list[str]:
    party, area, election = record["party"] or {}, record["area"] or {}, record["election"]
    bias = record["bias"] or {}
    claims = [
        {"text": c["text"], "consensus": c["ratings"]["consensus"], "ratings": c["ratings"]["count"]}
        for c in record["claims"]
    ]
    values = {
        "id": record["id"],
        "url": record["url"],
        "title": record["title"],
        "description": record["description"],
        "party": party.get("slug"),
        "party_name": party.get("name"),
        "area": area.get("gss"),
        "area_name": area.get("name"),
        "region": area.get("region"),
        "nation": area.get("nation"),
        "election": election["slug"],
        "election_name": election["name"],
        "delivered_on": record["delivered_on"],
        "postcode_district": record["postcode_district"],
        "uploaded_at": record["uploaded_at"],
        "duplicate_of": record["duplicate_of"],
        "image_count": len(record["images"]),
        "image_urls": " ".join(image["urls"]["master"] for image in record["images"]),
        "text": record["text"],
        "tags": ";".join(tag["slug"] for tag in record["tags"]),
        "claims": json.dumps(claims, ensure_ascii=False) if claims else "",
        "claim_count": len(claims),
        "claims_rated": sum(1 for c in record["claims"] if c["ratings"]["rated"]),
        "bias_count": bias.get("count", 0),
        "bias_tone_mean": bias.get("tone_mean"),
        "bias_fairness_mean": bias.get("fairness_mean"),
    }
    return [safe_cell(values[column]) for column in CSV_COLUMNS]


def _csv_lines(records: Iterable[dict[str, Any]]) -> Iterator[str]:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(CSV_COLUMNS)
    for record in records:
        writer.writerow(csv_row(record))
        yield buffer.getvalue()
        buffer.seek(0)
        buffer.truncate()
    yield buffer.getvalue()


def _jsonl_lines(records: Iterable[dict[str, Any]]) -> Iterator[str]:
    for record in records:
        yield json.dumps(record, ensure_ascii=False, default=str) + "\n"


@bp.get("/export")
def export() -> Response:
    """Stream every live leaflet the filters (and words) match; errors surface before the first byte."""
    fmt = request.args.get("format", "")
    if fmt not in FORMATS:
        raise search_service.BadQuery("format must be 'csv' or 'jsonl'.", field="format")
    query = _query()
    leaflets = search_service.export_leaflets(query)
    try:
        first = list(itertools.islice(leaflets, 1))  # run the query now: a bad one is a 400, not a cut file
    except QueryError as error:
        raise search_service.BadQuery(str(error)) from error
    records = (export_record(leaflet) for leaflet in itertools.chain(first, leaflets))
    lines = _csv_lines(records) if fmt == "csv" else _jsonl_lines(records)
    response = Response(stream_with_context(lines), content_type=FORMATS[fmt])
    response.headers["Content-Disposition"] = f'attachment; filename="straight-choice-leaflets.{fmt}"'
    response.headers["Cache-Control"] = "no-store"
    return response
