"""Tags, claims and ratings over JSON; bearer token or session; 401 / 403 / 422 as JSON errors."""

from __future__ import annotations

from typing import Any

from flask import Response, jsonify, request, url_for
from flask_login import current_user

from leaflets.api import bp
from leaflets.auth_guards import api_role_required
from leaflets.services import review
from leaflets.services.errors import PermissionDenied, ValidationFailed
from leaflets.services.leaflet_access import visible_leaflet


def _body() -> dict[str, Any]:
    body = request.get_json(silent=True)
    if not isinstance(body, dict):
        raise ValidationFailed("Send a JSON object (Content-Type: application/json).", code="invalid_json")
    return body


def _optional_int(body: dict[str, Any], name: str) -> int | None:
    value = body.get(name)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int):
        raise ValidationFailed(f"{name} must be a whole number.", field=name)
    return value


def _text(body: dict[str, Any], name: str) -> str:
    value = body.get(name)
    if value is not None and not isinstance(value, str):
        raise ValidationFailed(f"{name} must be a string.", field=name)
    return value or ""


@bp.get("/leaflets/<int:leaflet_id>/tags")
@api_role_required("volunteer")
def list_tags(leaflet_id: int) -> Response:
    leaflet = visible_leaflet(leaflet_id, current_user)
    return jsonify({"tags": review.tag_counts(leaflet.id)})


@bp.post("/leaflets/<int:leaflet_id>/tags")
@api_role_required("volunteer")
def add_tag(leaflet_id: int) -> tuple[Response, int]:
    leaflet = visible_leaflet(leaflet_id, current_user)
    created = review.add_tag(leaflet, current_user, _text(_body(), "slug"))
    return jsonify({"tags": review.tag_counts(leaflet.id)}), 201 if created else 200


@bp.delete("/leaflets/<int:leaflet_id>/tags/<slug>")
@api_role_required("volunteer")
def remove_tag(leaflet_id: int, slug: str) -> tuple[Response, int]:
    leaflet = visible_leaflet(leaflet_id, current_user)
    everyone = request.args.get("everyone") in ("1", "true")
    if everyone and not current_user.has_role("moderator"):
        raise PermissionDenied("Only moderators may remove everyone's tags.")
    review.remove_tag(leaflet, current_user, slug, everyone=everyone)
    return jsonify({"tags": review.tag_counts(leaflet.id)}), 200


@bp.get("/leaflets/<int:leaflet_id>/claims")
@api_role_required("volunteer")
def list_claims(leaflet_id: int) -> Response:
    leaflet = visible_leaflet(leaflet_id, current_user)
    threshold = review.rated_threshold()
    return jsonify(
        {"claims": [review.claim_json(claim, threshold) for claim in review.leaflet_claims(leaflet.id)]}
    )


@bp.post("/leaflets/<int:leaflet_id>/claims")
@api_role_required("volunteer")
def add_claim(leaflet_id: int) -> tuple[Response, int, dict[str, str]]:
    leaflet = visible_leaflet(leaflet_id, current_user)
    body = _body()
    claim = review.add_claim(
        leaflet,
        current_user,
        _text(body, "text"),
        _optional_int(body, "image_id"),
        _optional_int(body, "span_start"),
        _optional_int(body, "span_end"),
    )
    location = url_for("volunteer.claim_page", claim_id=claim.id, _external=True)
    return jsonify(review.claim_json(claim, review.rated_threshold())), 201, {"Location": location}


@bp.put("/claims/<int:claim_id>/ratings")
@api_role_required("volunteer")
def rate_claim(claim_id: int) -> Response:
    claim = review.visible_claim(claim_id, current_user)
    body = _body()
    rating = review.rate_claim(
        claim, current_user, _text(body, "accuracy"), _text(body, "source_url"), _text(body, "note")
    )
    return jsonify(
        {
            "rating": {
                "claim_id": claim.id,
                "accuracy": rating.accuracy,
                "source_url": rating.source_url,
                "note": rating.note,
            },
            "claim": review.claim_json(
                review.visible_claim(claim_id, current_user), review.rated_threshold()
            ),
        }
    )


@bp.put("/leaflets/<int:leaflet_id>/bias")
@api_role_required("volunteer")
def rate_bias(leaflet_id: int) -> Response:
    leaflet = visible_leaflet(leaflet_id, current_user)
    body = _body()
    rating = review.rate_bias(
        leaflet, current_user, body.get("tone"), body.get("fairness"), _text(body, "note")
    )
    return jsonify(
        {
            "rating": {
                "leaflet_id": leaflet.id,
                "tone": rating.tone,
                "fairness": rating.fairness,
                "note": rating.note,
            },
            "bias": review.bias_summary(leaflet.id),
        }
    )
