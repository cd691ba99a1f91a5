"""Crops of leaflet photos around words (GET /crops/<image_id>?box=left,top,width,height)."""

from __future__ import annotations

from flask import Blueprint, Response, request
from flask_login import current_user

from leaflets.services import crops

bp = Blueprint("crops", __name__)


@bp.get("/crops/<int:image_id>")
def crop(image_id: int) -> Response:
    found = crops.crop(image_id, request.args.get("box"), current_user)
    response = Response(found.data, mimetype="image/jpeg")
    # Hidden leaflets' crops (seen by moderators only) must not be kept by shared caches.
    response.headers["Cache-Control"] = "public, max-age=86400" if found.public else "private, no-store"
    return response
