"""The mobile-first upload page."""
from __future__ import annotations

from flask import Blueprint, current_app, flash, jsonify, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue

from leaflets.extensions import limiter
from leaflets.services import upload_page, uploads
from leaflets.web.upload_forms import incoming_images, submission_from_form

bp = Blueprint("upload", __name__)


@bp.get("/upload")
def form() -> ResponseReturnValue:
    return render_template("upload/form.html", **upload_page.context(request.args))


@bp.post("/upload")
@limiter.limit(lambda: current_app.config["UPLOAD_RATE_LIMIT"])
def submit() -> ResponseReturnValue:
    images = incoming_images(request.files, request.form.getlist("roles"))
    submission = submission_from_form(request.form, images)
    try:
        leaflet = upload_page.submit(submission, request.form.get("staged"))
    except upload_page.NeedsAttention as problem:
        return render_template("upload/form.html", **upload_page.context(request.form, problem)), problem.status
    flash({"text": "Thank you: your leaflet is online. Its text will appear here in a few seconds.",
           "link": url_for("upload.form", **upload_page.again_args(leaflet)), "link_text": "Upload another leaflet"},
          "success")
    target = url_for("archive.leaflet", leaflet_id=leaflet.id)
    if request.headers.get("X-Requested-With") == "XMLHttpRequest":
        # The page's script navigates itself, so the flash message survives for that one page view.
        return jsonify({"location": target}), 201
    return redirect(target)
