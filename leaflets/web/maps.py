"""The coverage map page: leaflets per constituency on the hex map, filtered by party and election, or one
party's leaflets against where it won and came second in 2024."""
from __future__ import annotations

from flask import Blueprint, render_template, request

from leaflets.services import coverage
from leaflets.services.compare.service import choices
from leaflets.services.errors import ValidationFailed

bp = Blueprint("maps", __name__)


@bp.get("/map")
def page() -> tuple[str, int]:
    form = {name: request.args.get(name, "").strip() for name in ("party", "election", "view")}
    error, view = None, None
    try:
        view = coverage.map_page(coverage.parse_filters(request.args))
    except ValidationFailed as failure:
        error = failure
        view = coverage.map_page(coverage.Filters())
    return render_template("map/page.html", form=form, choices=choices(), view=view,
                           error=error), 422 if error else 200
