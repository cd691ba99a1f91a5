"""The mobile-first upload page, its "where was it delivered?" fragment, and thumbnails of photos it holds."""

from __future__ import annotations

from typing import Any

from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    flash,
    jsonify,
    redirect,
    render_template,
    request,
    url_for,
)
from flask.typing import ResponseReturnValue

from leaflets.extensions import limiter
from leaflets.forms.upload import incoming_images, photo_choice, submission_from_form
from leaflets.services import upload_page, upload_staging
from leaflets.services.errors import DomainError
from leaflets.web import same_leaflet

bp = Blueprint("upload", __name__)


@bp.get("/upload")
def form() -> ResponseReturnValue:
    return render_template("upload/form.html", **upload_page.context(request.args))


@bp.get("/upload/place")
def place() -> ResponseReturnValue:
    """The place question for a postcode, as the page's script swaps it in while the voter types."""
    return render_template(
        "upload/_place.html",
        state=upload_page.FormState(),
        **upload_page.place_context(request.args.get("postcode", "")[:20], request.args.get("area", "")[:20]),
    )


@bp.get("/upload/staged/<int:position>")
def staged_thumb(position: int) -> ResponseReturnValue:
    """A thumbnail of a photo the form holds, for whoever holds the form's signed token."""
    try:
        # An unreadable photo's thumbnail is not found; the page still shows the photos that are fine.
        item, _ = upload_staging.read(request.args.get("token", ""))[position]
        data, mime = upload_staging.thumbnail(item)
    except (DomainError, IndexError):
        abort(404)
    response = Response(data, mimetype=mime)
    response.headers["Cache-Control"] = "private, no-store"
    return response


@bp.post("/upload")
@limiter.limit(lambda: current_app.config["UPLOAD_RATE_LIMIT"])
def submit() -> ResponseReturnValue:
    images = incoming_images(request.files, request.form.getlist("roles"))
    submission = submission_from_form(request.form, images)
    photos = photo_choice(request.form, current_app.config["MAX_IMAGES"])
    if request.form.get("find"):
        state = upload_page.find_place(submission, photos)
        return render_template("upload/form.html", **upload_page.context(request.form, state)), state.status
    try:
        leaflet, question = upload_page.submit(submission, photos)
    except upload_page.NeedsAttention as problem:
        page = render_template("upload/form.html", **upload_page.context(request.form, problem.state))
        return page, problem.status
    if question is not None:
        same_leaflet.remember(question)  # the leaflet page asks this visitor if a look-alike is found
    # A message with a link: the templates render text messages and these.
    thanks: Any = {
        "text": "Thank you: your leaflet is online. Its text will appear here in a few seconds.",
        "link": url_for("upload.form", **upload_page.again_args(leaflet)),
        "link_text": "Upload another leaflet",
    }
    flash(thanks, "success")
    target = url_for("archive.leaflet", leaflet_id=leaflet.id)
    if request.headers.get("X-Requested-With") == "XMLHttpRequest":
        # The page's script navigates itself, so the flash message survives for that one page view.
        return jsonify({"location": target}), 201
    return redirect(target)
