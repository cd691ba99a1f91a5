"""Browsing the archive: latest leaflets, one leaflet, parties, areas, elections, stats."""

from __future__ import annotations

from flask import Blueprint, current_app, render_template, request
from flask.typing import ResponseReturnValue
from flask_login import current_user

from leaflets.services import archive_counts, browse, coverage, findings, review
from leaflets.services.leaflet_access import visible_leaflet
from leaflets.web import same_leaflet

bp = Blueprint("archive", __name__)


def _page_args() -> tuple[int, int]:
    return browse.page_number(request.args.get("page")), int(current_app.config["PAGE_SIZE"])


def _after() -> str | None:
    """The pager's keyset cursor (scale): the "Older" link says where its page starts."""
    return request.args.get("after")


@bp.get("/")
def index() -> str:
    number, per_page = _page_args()
    return render_template(
        "archive/index.html",
        page=browse.leaflet_page(number, per_page, after=_after()),
        totals=browse.totals(),
    )


@bp.get("/leaflets")
def leaflets() -> str:
    """Every live leaflet, newest first, page by page (scale: deep pages are as cheap as the first)."""
    number, per_page = _page_args()
    return render_template(
        "archive/leaflets.html", page=browse.leaflet_page(number, per_page, after=_after())
    )


@bp.get("/leaflets/<int:leaflet_id>")
def leaflet(leaflet_id: int) -> ResponseReturnValue:
    found = visible_leaflet(leaflet_id, current_user)
    question = same_leaflet.for_visitor(found)  # its uploader may be asked "is this the same leaflet?"
    page = render_template(
        "archive/leaflet.html",
        leaflet=found,
        copies=browse.also_delivered(found),
        original=browse.original_of(found),
        review=review.leaflet_summary(found),
        same_question=question,
    )
    if question is None:
        return page
    response = current_app.make_response(page)
    response.headers["Cache-Control"] = "private, no-store"  # this visitor's question, with its answer's key
    return response


@bp.get("/parties")
def parties() -> str:
    return render_template("archive/parties.html", parties=browse.party_counts())


@bp.get("/parties/<slug>")
def party(slug: str) -> str:
    found = browse.party_by_slug(slug)
    number, per_page = _page_args()
    page = browse.leaflet_page(number, per_page, party=found, after=_after())
    return render_template("archive/party.html", party=found, page=page)


@bp.get("/areas")
def areas() -> str:
    nations = browse.area_groups()
    return render_template(
        "archive/areas.html",
        nations=nations,
        notspots=browse.notspots(nations),
        coverage_map=coverage.coverage_map(),
    )


@bp.get("/areas/<gss>")
def area(gss: str) -> str:
    found = browse.area_by_gss(gss)
    number, per_page = _page_args()
    nearby = browse.neighbours(found)
    page = browse.leaflet_page(number, per_page, area=found, after=_after())
    return render_template(
        "archive/area.html",
        area=found,
        page=page,
        neighbours=nearby,
        nearby_leaflets=browse.latest_nearby(nearby),
    )


@bp.get("/elections/<slug>")
def election(slug: str) -> str:
    found = browse.election_by_slug(slug)
    number, per_page = _page_args()
    return render_template(
        "archive/election.html",
        election=found,
        page=browse.leaflet_page(number, per_page, election=found, after=_after()),
    )


@bp.get("/stats")
def stats() -> str:
    return render_template(
        "archive/stats.html",
        stats=archive_counts.stats(),
        findings=findings.findings_page(request.args.get("election")),
        verdicts=findings.verdicts(),
        threshold=review.rated_threshold(),
        minimum=findings.min_rated_claims(),
        coverage_map=coverage.coverage_map(),
    )
