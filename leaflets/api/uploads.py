"""POST /api/v1/leaflets: the upload contract of DESIGN §4; a photo like a leaflet we have is held for the
client's answer (202, docs/near-duplicates.md)."""

from __future__ import annotations

from flask import Response, current_app, jsonify, request, url_for
from flask_login import current_user

from leaflets.api import bp
from leaflets.api.serializers import leaflet_json
from leaflets.extensions import limiter
from leaflets.forms.upload import incoming_images, submission_from_form
from leaflets.models import Leaflet, PendingUpload
from leaflets.services import pending_uploads, uploads
from leaflets.services.errors import ValidationFailed

ANSWERS = {
    "same": "It is this leaflet: record my place and date on it and discard my photos.",
    "different": "It is a different leaflet: publish mine.",
}


@bp.post("/leaflets")
@limiter.limit(lambda: current_app.config["UPLOAD_RATE_LIMIT"])
def create_leaflet() -> tuple[Response, int, dict[str, str]]:
    submission = submission_from_form(
        request.form, incoming_images(request.files, request.form.getlist("roles"))
    )
    meta, staged = uploads.checked_and_stored(submission)
    try:
        pending_uploads.check(meta, staged)
    except pending_uploads.SameLeafletQuestion as question:
        return _held(question.pending)
    return _created(uploads.create_leaflet(meta, staged))


def _created(leaflet: Leaflet) -> tuple[Response, int, dict[str, str]]:
    location = url_for("api.get_leaflet", leaflet_id=leaflet.id, _external=True)
    return jsonify(leaflet_json(leaflet)), 201, {"Location": location}


def _held(pending: PendingUpload) -> tuple[Response, int, dict[str, str]]:
    answer_url = url_for("api.answer_held_upload", token=pending.token, _external=True)
    candidate = pending.candidate
    body = {
        "status": "possible_duplicate",
        "message": "A photo looks like a leaflet already in the archive. Is it the same leaflet? POST "
        "answer=same or answer=different to answer_url before expires_at.",
        "candidate": {**leaflet_json(candidate, detail=False), "score": pending.score},
        "pending": {
            "answer_url": answer_url,
            "expires_at": pending.expires_at.isoformat() + "Z",
            "answers": ANSWERS,
        },
    }
    return jsonify(body), 202, {"Location": answer_url, "Cache-Control": "no-store"}


@bp.post("/uploads/held/<token>")
@limiter.limit(lambda: current_app.config["UPLOAD_RATE_LIMIT"])
def answer_held_upload(token: str) -> tuple[Response, int, dict[str, str]]:
    body = request.get_json(silent=True) if request.is_json else None
    answer = (body or {}).get("answer") if isinstance(body, dict) else request.form.get("answer")
    user_id = current_user.id if current_user.is_authenticated else None
    if answer == "same":
        return _created(pending_uploads.answer_same(token, user_id))
    if answer == "different":
        return _created(pending_uploads.answer_different(token, user_id))
    raise ValidationFailed("Give answer=same or answer=different.", field="answer")
