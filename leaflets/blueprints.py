"""Register one blueprint per user-facing area."""

from __future__ import annotations

from flask import Flask


def register(app: Flask) -> None:
    from leaflets.api import bp as api_bp
    from leaflets.web import (
        alerts,
        archive,
        auth,
        compare,
        crops,
        discovery,
        feeds,
        flags,
        health,
        maps,
        media,
        moderation,
        ocr_status,
        pages,
        places,
        same_leaflet,
        search,
        search_feed,
        upload,
        volunteer,
    )

    for module in (
        archive,
        media,
        feeds,
        upload,
        ocr_status,
        auth,
        volunteer,
        moderation,
        flags,
        search,
        search_feed,
        compare,
        discovery,
        alerts,
        pages,
        places,
        crops,
        maps,
        health,
        same_leaflet,
    ):
        app.register_blueprint(module.bp)
    app.register_blueprint(api_bp, url_prefix="/api/v1")
