"""POST /api/v1/leaflets: the upload contract of DESIGN §4."""
from __future__ import annotations

from flask import Response, current_app, jsonify, request, url_for

from leaflets.api import bp
from leaflets.api.serializers import leaflet_json
from leaflets.extensions import limiter
from leaflets.forms.upload import incoming_images, submission_from_form
from leaflets.services import uploads


@bp.post("/leaflets")
@limiter.limit(lambda: current_app.config["UPLOAD_RATE_LIMIT"])
def create_leaflet() -> tuple[Response, int, dict[str, str]]:
    submission = submission_from_form(request.form, incoming_images(request.files, request.form.getlist("roles")))
    leaflet = uploads.submit_leaflet(submission)
    location = url_for("api.get_leaflet", leaflet_id=leaflet.id, _external=True)
    return jsonify(leaflet_json(leaflet)), 201, {"Location": location}
