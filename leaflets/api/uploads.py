"""POST /api/v1/leaflets: the upload contract of DESIGN §4. The leaflet is published at once (201); its photos
are then compared with the archive in the background, and when one looks like an earlier leaflet the uploader
is asked whether it is the same leaflet (docs/near-duplicates.md): `same_question_url` in the 201 body reads
the question (GET) and takes the answer (POST)."""

from __future__ import annotations

from typing import Any

from flask import Response, current_app, jsonify, request, url_for

from leaflets.api import bp
from leaflets.api.serializers import leaflet_json
from leaflets.auth_guards import signed_in_user_id
from leaflets.extensions import limiter
from leaflets.forms.upload import incoming_images, submission_from_form
from leaflets.models import Leaflet, PendingUpload
from leaflets.services import pending_uploads, uploads
from leaflets.services.errors import NotFound, ValidationFailed

ANSWERS = {
    "same": "It is this leaflet: record my place and date on it and show its photos instead of mine.",
    "different": "It is a different leaflet: keep mine as it is.",
}


@bp.post("/leaflets")
@limiter.limit(lambda: current_app.config["UPLOAD_RATE_LIMIT"])
def create_leaflet() -> tuple[Response, int, dict[str, str]]:
    submission = submission_from_form(
        request.form, incoming_images(request.files, request.form.getlist("roles"))
    )
    meta, staged = uploads.checked_and_stored(submission)
    leaflet, token = pending_uploads.publish(meta, staged)
    body = leaflet_json(leaflet)
    if token is not None:
        body["same_question_url"] = url_for("api.same_question", token=token, _external=True)
    return _created(body, leaflet)


def _created(body: dict[str, Any], leaflet: Leaflet) -> tuple[Response, int, dict[str, str]]:
    location = url_for("api.get_leaflet", leaflet_id=leaflet.id, _external=True)
    return jsonify(body), 201, {"Location": location, "Cache-Control": "no-store"}


def question_json(pending: PendingUpload) -> dict[str, Any]:
    """The look-alike check as its uploader sees it: `checking` still, or `open` with the leaflet asked
    about."""
    url = url_for("api.same_question", token=pending.token, _external=True)
    if pending.candidate is None:
        return {"status": "checking", "url": url, "leaflet_id": pending.leaflet_id}
    return {
        "status": "open",
        "url": url,
        "leaflet_id": pending.leaflet_id,
        "message": "A photo looks like a leaflet already in the archive. Is it the same leaflet? POST "
        "answer=same or answer=different to url before expires_at.",
        "candidate": {**leaflet_json(pending.candidate, detail=False), "score": pending.score},
        "expires_at": pending.expires_at.isoformat() + "Z",
        "answers": ANSWERS,
    }


@bp.get("/uploads/held/<token>")
def same_question(token: str) -> tuple[Response, int, dict[str, str]]:
    pending = pending_uploads.state(token, signed_in_user_id())
    if pending is None:
        raise NotFound("No question waits about that upload: it was answered, or nothing like it was found.")
    return jsonify(question_json(pending)), 200, {"Cache-Control": "private, no-store"}


@bp.post("/uploads/held/<token>")
@limiter.limit(lambda: current_app.config["UPLOAD_RATE_LIMIT"])
def answer_held_upload(token: str) -> tuple[Response, int, dict[str, str]]:
    body = request.get_json(silent=True) if request.is_json else None
    answer = (body or {}).get("answer") if isinstance(body, dict) else request.form.get("answer")
    if answer == "same":
        leaflet = pending_uploads.answer_same(token, signed_in_user_id())
    elif answer == "different":
        leaflet = pending_uploads.answer_different(token, signed_in_user_id())
    else:
        raise ValidationFailed("Give answer=same or answer=different.", field="answer")
    location = url_for("api.get_leaflet", leaflet_id=leaflet.id, _external=True)
    return jsonify(leaflet_json(leaflet)), 200, {"Location": location, "Cache-Control": "no-store"}
