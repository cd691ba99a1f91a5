"""Plain pages: about the archive, privacy, and the licences of what it publishes."""

from __future__ import annotations

from flask import Blueprint, render_template

bp = Blueprint("pages", __name__)


@bp.get("/about")
def about() -> str:
    return render_template("pages/about.html")


@bp.get("/privacy")
def privacy() -> str:
    return render_template("pages/privacy.html")


@bp.get("/licence")
def licence() -> str:
    return render_template("pages/licence.html")
