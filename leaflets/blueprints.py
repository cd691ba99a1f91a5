"""Register one blueprint per user-facing area."""
from __future__ import annotations

from flask import Flask


def register(app: Flask) -> None:
    from leaflets.api import bp as api_bp
    from leaflets.web.archive import bp as archive_bp
    from leaflets.web.feeds import bp as feeds_bp  # browse
    from leaflets.web.media import bp as media_bp
    from leaflets.web.upload import bp as upload_bp

    app.register_blueprint(archive_bp)
    app.register_blueprint(media_bp)
    app.register_blueprint(feeds_bp)  # browse
    app.register_blueprint(upload_bp)
    app.register_blueprint(api_bp, url_prefix="/api/v1")
    # ocr: OCR status JSON for the leaflet page
    from leaflets.web.ocr_status import bp as ocr_status_bp
    app.register_blueprint(ocr_status_bp)

    # review and moderation (issue 5)
    from leaflets.web import auth, flags, moderation, volunteer
    for review_bp in (auth.bp, volunteer.bp, moderation.bp, flags.bp):
        app.register_blueprint(review_bp)

    # search (issue 4): the /search page and the Atom feed of a search
    from leaflets.web import search, search_feed
    app.register_blueprint(search.bp)
    app.register_blueprint(search_feed.bp)

    # compare: local vs national leaflets of a party
    from leaflets.web.compare import bp as compare_bp
    app.register_blueprint(compare_bp)

    # findings: the elections index and /random; e-mail alerts
    from leaflets.web.discovery import bp as discovery_bp
    app.register_blueprint(discovery_bp)
    from leaflets.web.alerts import bp as alerts_bp
    app.register_blueprint(alerts_bp)

    # voters: about, privacy and licence pages; the volunteers' "needs a place" queue
    from leaflets.web.pages import bp as pages_bp
    from leaflets.web.places import bp as places_bp
    app.register_blueprint(pages_bp)
    app.register_blueprint(places_bp)

    # compare (issue 12): photo crops around a finding's words, the coverage map
    from leaflets.web import crops, maps
    app.register_blueprint(crops.bp)
    app.register_blueprint(maps.bp)

    # neardup: "is this the same leaflet as this one?" for an upload held on a look-alike photo
    from leaflets.web.same_leaflet import bp as same_leaflet_bp
    app.register_blueprint(same_leaflet_bp)
