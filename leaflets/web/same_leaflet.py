""" "Is this the same leaflet as this one?": asked of an upload's uploader on its leaflet page once the
background check found a look-alike (services/pending_uploads.py), and their answer.

Only the uploader sees and answers it: a signed-in uploader by their id, an anonymous one by the check's
token, which this session was given when it uploaded (`remember`).
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, current_app, flash, redirect, render_template, request, session, url_for
from flask.typing import ResponseReturnValue
from flask_login import current_user

from leaflets.auth_guards import signed_in_user_id
from leaflets.extensions import limiter
from leaflets.models import Leaflet, PendingUpload
from leaflets.services import pending_uploads
from leaflets.services.errors import ValidationFailed

bp = Blueprint("same_leaflet", __name__)
_SESSION_KEY = "same_questions"
_KEPT = 20  # the latest uploads of this session whose question it may still be asked


def remember(token: str) -> None:
    """This session made the upload: its leaflet page may ask it the question."""
    session[_SESSION_KEY] = [*session.get(_SESSION_KEY, []), token][-_KEPT:]


def for_visitor(leaflet: Leaflet) -> PendingUpload | None:
    """The leaflet's check or question when this visitor uploaded it, else None."""
    if not current_user.is_authenticated and _SESSION_KEY not in session:
        return None  # no query for the public: most visitors uploaded nothing
    return pending_uploads.for_uploader(leaflet, signed_in_user_id(), session.get(_SESSION_KEY, []))


def question_json(leaflet: Leaflet) -> dict[str, Any] | None:
    """For the leaflet page's poll: still checking, or the question's HTML to show; None when nothing is
    (or will be) asked of this visitor."""
    pending = for_visitor(leaflet)
    if pending is None:
        return None
    if pending.candidate_id is None:
        return {"checking": True, "html": None}
    return {"checking": False, "html": render_template("archive/_same_question.html", question=pending)}


@bp.post("/upload/same/<token>")
@limiter.limit(lambda: current_app.config["UPLOAD_RATE_LIMIT"])
def answer(token: str) -> ResponseReturnValue:
    choice = request.form.get("answer")
    if choice == "same":
        delivery = pending_uploads.answer_same(token, signed_in_user_id(), session.get(_SESSION_KEY, []))
        flash("Thank you: your delivery is recorded on this leaflet, with your place and date.", "success")
        return redirect(url_for("archive.leaflet", leaflet_id=delivery.duplicate_of_id or delivery.id), 303)
    if choice == "different":
        leaflet = pending_uploads.answer_different(token, signed_in_user_id(), session.get(_SESSION_KEY, []))
        flash("Thank you: your leaflet stays online as a leaflet of its own.", "success")
        return redirect(url_for("archive.leaflet", leaflet_id=leaflet.id), 303)
    raise ValidationFailed(
        "Choose “Yes, it came through my door too” or “No, it is different”.", field="answer"
    )
