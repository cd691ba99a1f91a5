"""Volunteers give a place to leaflets whose uploader chose "I don't know"."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_login import current_user

from leaflets.auth_guards import role_required
from leaflets.services import place_queue, upload_page
from leaflets.services.errors import DomainError

bp = Blueprint("places", __name__)


@bp.get("/volunteer/places")
@role_required("volunteer")
def queue() -> ResponseReturnValue:
    return render_template(
        "volunteer/places.html",
        waiting=place_queue.waiting(),
        total=place_queue.count_waiting(),
        areas=upload_page.all_areas(),
    )


@bp.post("/volunteer/places/<int:leaflet_id>")
@role_required("volunteer")
def set_place(leaflet_id: int) -> ResponseReturnValue:
    gss = request.form.get("area_other") or request.form.get("area") or ""
    try:
        leaflet = place_queue.set_place(leaflet_id, current_user, gss)
    except DomainError as error:
        flash(error.message, "error")
        return redirect(url_for(".queue", _anchor=f"leaflet-{leaflet_id}"))
    flash(f"Thank you: leaflet {leaflet.id} is now placed in {leaflet.place_name}.", "success")
    return redirect(url_for(".queue"))
