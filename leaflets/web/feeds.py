"""Atom 1.0 feeds of new leaflets: all, per party, per area."""

from __future__ import annotations

from flask import Blueprint, Response, render_template, url_for

from leaflets.services import browse, feeds

bp = Blueprint("feeds", __name__, url_prefix="/feeds")
ATOM = "application/atom+xml; charset=utf-8"


def _atom(feed: feeds.Feed, self_url: str, page_url: str) -> Response:
    body = render_template("feeds/feed.xml", feed=feed, self_url=self_url, page_url=page_url)
    return Response(body, content_type=ATOM)


@bp.get("/latest.atom")
def latest() -> Response:
    return _atom(
        feeds.latest_feed(), url_for(".latest", _external=True), url_for("archive.index", _external=True)
    )


@bp.get("/party/<slug>.atom")
def party(slug: str) -> Response:
    found = browse.party_by_slug(slug)
    return _atom(
        feeds.latest_feed(party=found),
        url_for(".party", slug=slug, _external=True),
        url_for("archive.party", slug=slug, _external=True),
    )


@bp.get("/area/<gss>.atom")
def area(gss: str) -> Response:
    found = browse.area_by_gss(gss)
    return _atom(
        feeds.latest_feed(area=found),
        url_for(".area", gss=found.gss, _external=True),
        url_for("archive.area", gss=found.gss, _external=True),
    )
