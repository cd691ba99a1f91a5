"""Browsing the archive: latest leaflets, one leaflet, parties, areas, elections."""
from __future__ import annotations

from flask import Blueprint, render_template

bp = Blueprint("archive", __name__)


@bp.get("/")
def index() -> str:
    return render_template("archive/index.html")


@bp.get("/parties")
def parties() -> str:
    return render_template("archive/index.html")


@bp.get("/areas")
def areas() -> str:
    return render_template("archive/index.html")


@bp.get("/leaflets/<int:leaflet_id>")
def leaflet(leaflet_id: int) -> str:
    return render_template("archive/index.html")
