"""Anyone may flag a leaflet for the moderators."""

from __future__ import annotations

from flask import Blueprint, current_app, flash, redirect, render_template, url_for
from flask.typing import ResponseReturnValue
from flask_login import current_user

from leaflets.extensions import limiter
from leaflets.forms.review import FlagForm
from leaflets.services import moderation
from leaflets.services.errors import ValidationFailed
from leaflets.services.leaflet_access import visible_leaflet

bp = Blueprint("flags", __name__)


def _flag_limit() -> str:
    return str(current_app.config["FLAG_RATE_LIMIT"])


@bp.route("/leaflets/<int:leaflet_id>/flag", methods=["GET", "POST"])
@limiter.limit(_flag_limit, methods=["POST"])
def flag(leaflet_id: int) -> ResponseReturnValue:
    leaflet = visible_leaflet(leaflet_id, current_user)
    form = FlagForm()
    if form.validate_on_submit():
        try:
            moderation.create_flag(leaflet.id, current_user, form.reason.data or "", form.note.data)
        except ValidationFailed as error:
            getattr(form, error.field or "reason").errors = [error.message]
        else:
            flash("Thank you: a moderator will look at this leaflet.", "success")
            return redirect(url_for("archive.leaflet", leaflet_id=leaflet.id))
    status = 422 if form.errors else 200
    return render_template("review/flag.html", leaflet=leaflet, form=form), status
