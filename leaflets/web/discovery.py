"""The elections index and a random leaflet."""

from __future__ import annotations

from flask import Blueprint, redirect, render_template, url_for
from flask.typing import ResponseReturnValue

from leaflets.services import discovery

bp = Blueprint("discovery", __name__)


@bp.get("/elections")
def elections() -> str:
    return render_template("archive/elections.html", elections=discovery.elections_with_counts())


@bp.get("/random")
def random_leaflet() -> ResponseReturnValue:
    response = redirect(url_for("archive.leaflet", leaflet_id=discovery.random_live_leaflet_id()))
    response.headers["Cache-Control"] = "no-store"  # a new pick on every visit, also through caches
    return response
