"""Serve stored images; only images of live leaflets are public (moderators see all).

Cache policy: an image any visitor may see is cacheable by anyone for IMAGE_MAX_AGE_S, with an ETag so a
revalidation costs a 304; when a leaflet is hidden, caches that revalidate get the 404 and drop their copy
within that time. An image only a moderator may see is `private, no-store`: no cache keeps it.
On object storage (STORAGE=s3) a public image is a redirect to a signed URL; a hidden one is proxied.
"""

from __future__ import annotations

from flask import Blueprint, Response, abort, current_app, redirect, send_file
from flask.typing import ResponseReturnValue
from flask_login import current_user

from leaflets import runtime
from leaflets.services import leaflet_access
from leaflets.storage import VARIANTS, LocalStorage, is_sha

bp = Blueprint("media", __name__)


@bp.get("/images/<sha256>/<variant>")
def image(sha256: str, variant: str) -> ResponseReturnValue:
    if variant not in VARIANTS or not is_sha(sha256):
        abort(404)
    public = leaflet_access.image_is_visible(sha256, None)
    if not (public or leaflet_access.image_is_visible(sha256, current_user)):
        abort(404)
    storage = runtime.storage()
    max_age = int(current_app.config["IMAGE_MAX_AGE_S"])
    if public:
        # Object storage: the browser fetches the bytes from the store itself, through a URL that lasts
        # twice as long as the redirect may be cached, and that the store answers with our cache policy.
        url = storage.signed_url(sha256, variant, 2 * max_age, f"public, max-age={max_age}")
        if url is not None:
            response = redirect(url, 302)
            response.headers["Cache-Control"] = f"public, max-age={max_age}"
            return response
    if isinstance(storage, LocalStorage):
        found = storage.find(sha256, variant)
        if found is None:
            abort(404)
        response = send_file(found[0], mimetype=found[1], conditional=True, etag=True)
    else:  # a hidden leaflet's image on object storage is proxied: no URL to it ever leaves the app
        read = storage.read(sha256, variant)
        if read is None:
            abort(404)
        response = Response(read[0], mimetype=read[1])
    response.headers["Cache-Control"] = f"public, max-age={max_age}" if public else "private, no-store"
    return response


@bp.after_request
def _not_found_is_not_cached(response: Response) -> Response:
    """A 404 may be a hidden leaflet's image: when it is restored, no cache should still be saying 404."""
    if response.status_code == 404:
        response.headers["Cache-Control"] = "no-store"
    return response
