"""Where a stored photo is served (media.image): shared by pages, templates and the API's JSON."""

from __future__ import annotations

from flask import url_for

from leaflets.models import LeafletImage


def image_url(image: LeafletImage, variant: str, external: bool = False) -> str:
    """Where a variant of the photo is served: named by its files now (new ones when it is turned).

    Until a background worker has made the files, a placeholder: the leaflet page swaps in the photo when
    its status poll reports the real address (static/js/ocr-status.js). If they could not be made, a picture
    that says so (the page polls no further: the image's job is finished as failed)."""
    if not image.variants_ready:
        placeholder = "img/photo-failed.svg" if image.variants_error else "img/photo-pending.svg"
        return url_for("static", filename=placeholder, _external=external)
    return url_for("media.image", sha256=image.stored_sha256, variant=variant, _external=external)
