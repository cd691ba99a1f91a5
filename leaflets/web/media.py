"""Serve stored images; only images of live leaflets are public (moderators see all)."""
from __future__ import annotations

from flask import Blueprint, abort, send_file
from flask.typing import ResponseReturnValue
from flask_login import current_user

from leaflets import runtime
from leaflets.services import leaflet_access

bp = Blueprint("media", __name__)


@bp.get("/images/<sha256>/<variant>")
def image(sha256: str, variant: str) -> ResponseReturnValue:
    found = runtime.storage().find(sha256, variant)
    if found is None or not leaflet_access.image_is_visible(sha256, current_user):
        abort(404)
    path, mime = found
    response = send_file(path, mimetype=mime, max_age=86400, conditional=True, etag=True)
    # The sha256 names the bytes, so the content behind a URL never changes.
    response.headers["Cache-Control"] = "public, max-age=31536000, immutable"
    return response
