"""Serve stored images; only images of live leaflets are public (moderators see all)."""
from __future__ import annotations

from flask import Blueprint, abort, send_file, url_for
from flask.typing import ResponseReturnValue
from flask_login import current_user

from leaflets import runtime
from leaflets.models import LeafletImage
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


@bp.app_template_global()
def image_url(image: LeafletImage, variant: str, external: bool = False) -> str:
    """Where a variant of the photo is served: named by its files now (new ones when it is turned)."""
    return url_for("media.image", sha256=image.stored_sha256, variant=variant, _external=external)
