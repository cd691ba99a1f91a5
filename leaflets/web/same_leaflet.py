""" "Is this the same leaflet as this one?": the question a held upload waits on, and the voter's answer."""

from __future__ import annotations

from flask import Blueprint, Response, abort, current_app, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_login import current_user

from leaflets import runtime
from leaflets.extensions import limiter
from leaflets.services import pending_uploads
from leaflets.services.errors import ValidationFailed

bp = Blueprint("same_leaflet", __name__)


def _user_id() -> int | None:
    return current_user.id if current_user.is_authenticated else None


def _private(response: ResponseReturnValue) -> ResponseReturnValue:
    """The page's address is the upload's key: never cached, never sent on as a referrer."""
    response = current_app.make_response(response)
    response.headers["Cache-Control"] = "private, no-store"
    response.headers["Referrer-Policy"] = "no-referrer"
    return response


@bp.get("/upload/same/<token>")
def question(token: str) -> ResponseReturnValue:
    pending = pending_uploads.find(token, _user_id())
    staged = pending_uploads.staged_of(pending)
    return _private(
        render_template(
            "upload/same.html",
            pending=pending,
            original=pending.candidate,
            photos=range(len(staged)),
            yours=pending_uploads.details(pending),
        )
    )


@bp.get("/upload/same/<token>/<int:position>")
def held_thumb(token: str, position: int) -> ResponseReturnValue:
    """A thumbnail of a held photo, for whoever holds the upload's token."""
    staged = pending_uploads.staged_of(pending_uploads.find(token, _user_id()))
    if not 0 <= position < len(staged):
        abort(404)
    item = staged[position]
    found = runtime.storage().read(item.stored_sha256 or item.sha256, "thumb")
    if found is None:
        abort(404)
    return _private(Response(found[0], mimetype=found[1]))


@bp.post("/upload/same/<token>")
@limiter.limit(lambda: current_app.config["UPLOAD_RATE_LIMIT"])
def answer(token: str) -> ResponseReturnValue:
    choice = request.form.get("answer")
    if choice == "same":
        delivery = pending_uploads.answer_same(token, _user_id())
        flash("Thank you: your delivery is recorded on this leaflet, with your place and date.", "success")
        return redirect(url_for("archive.leaflet", leaflet_id=delivery.duplicate_of_id or delivery.id), 303)
    if choice == "different":
        leaflet = pending_uploads.answer_different(token, _user_id())
        flash("Thank you: your leaflet is online. Its text will appear here in a few seconds.", "success")
        return redirect(url_for("archive.leaflet", leaflet_id=leaflet.id), 303)
    raise ValidationFailed(
        "Choose “Yes, it came through my door too” or “No, it is different”.", field="answer"
    )
