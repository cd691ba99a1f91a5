"""Serve stored images; only images of live leaflets are public (moderators see all).

Cache policy: an image any visitor may see is cacheable by anyone for IMAGE_MAX_AGE_S, with an ETag so a
revalidation costs a 304; when a leaflet is hidden, caches that revalidate get the 404 and drop their copy
within that time. An image only a moderator may see is `private, no-store`: no cache keeps it.
"""
from __future__ import annotations

from flask import Blueprint, Response, abort, current_app, send_file, url_for
from flask.typing import ResponseReturnValue
from flask_login import current_user

from leaflets import runtime
from leaflets.models import LeafletImage
from leaflets.services import leaflet_access

bp = Blueprint("media", __name__)


@bp.get("/images/<sha256>/<variant>")
def image(sha256: str, variant: str) -> ResponseReturnValue:
    found = runtime.storage().find(sha256, variant)
    public = found is not None and leaflet_access.image_is_visible(sha256, None)
    if found is None or not (public or leaflet_access.image_is_visible(sha256, current_user)):
        abort(404)
    path, mime = found
    response = send_file(path, mimetype=mime, conditional=True, etag=True)
    max_age = int(current_app.config["IMAGE_MAX_AGE_S"])
    response.headers["Cache-Control"] = f"public, max-age={max_age}" if public else "private, no-store"
    return response


@bp.after_request
def _not_found_is_not_cached(response: Response) -> Response:
    """A 404 may be a hidden leaflet's image: when it is restored, no cache should still be saying 404."""
    if response.status_code == 404:
        response.headers["Cache-Control"] = "no-store"
    return response


@bp.app_template_global()
def image_url(image: LeafletImage, variant: str, external: bool = False) -> str:
    """Where a variant of the photo is served: named by its files now (new ones when it is turned).

    Until a background worker has made the files, a placeholder: the leaflet page swaps in the photo when
    its status poll reports the real address (static/js/ocr-status.js)."""
    if not image.variants_ready:
        return url_for("static", filename="img/photo-pending.svg", _external=external)
    return url_for("media.image", sha256=image.stored_sha256, variant=variant, _external=external)
