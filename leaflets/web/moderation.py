"""Moderators: flagged and new leaflets, OCR failures, hide/restore/remove, fix details, rotate, merge, audit."""
from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_login import current_user

from leaflets.auth_guards import moderator_action, role_required
from leaflets.forms.moderation import ActionForm, DetailsForm, MergeForm, StatusForm
from leaflets.services import audit, moderation, near_duplicates
from leaflets.services.errors import DomainError

bp = Blueprint("moderation", __name__, url_prefix="/moderate")


def _done(leaflet_id: int, message: str, error: DomainError | None = None) -> ResponseReturnValue:
    flash(error.message if error else message, "error" if error else "success")
    return redirect(url_for("moderation.leaflet", leaflet_id=leaflet_id))


@bp.get("")
@role_required("moderator")
def dashboard() -> ResponseReturnValue:
    return render_template("moderation/dashboard.html", board=moderation.dashboard(), form=ActionForm(formdata=None))


@bp.get("/leaflets/<int:leaflet_id>")
@role_required("moderator")
def leaflet(leaflet_id: int) -> ResponseReturnValue:
    found, flags = moderation.leaflet_for_moderation(leaflet_id)
    details = DetailsForm(formdata=None, party=found.party.slug if found.party else "",
                          area=found.area.gss if found.area else "", election=found.election.slug,
                          delivered_on=found.delivered_on)
    return render_template("moderation/leaflet.html", leaflet=found, flags=flags, details_form=details,
                           choices=moderation.reference_choices(),
                           status_form=StatusForm(formdata=None), merge_form=MergeForm(formdata=None),
                           action_form=ActionForm(formdata=None),
                           similar=near_duplicates.candidates_for(found))  # neardup: "possibly the same as"


@bp.post("/leaflets/<int:leaflet_id>/status")
@moderator_action
def status(leaflet_id: int) -> ResponseReturnValue:
    form = StatusForm()
    try:
        found = moderation.set_status(leaflet_id, current_user, form.action.data or "", form.reason.data or "")
    except DomainError as error:
        return _done(leaflet_id, "", error)
    return _done(leaflet_id, f"The leaflet is now {found.status}.")


@bp.post("/leaflets/<int:leaflet_id>/details")
@moderator_action
def details(leaflet_id: int) -> ResponseReturnValue:
    form = DetailsForm()
    if not form.validate_on_submit() or form.delivered_on.data is None:
        return _done(leaflet_id, "", DomainError("Fill in the area, election and a valid delivery date."))
    try:
        moderation.edit_details(leaflet_id, current_user, party=form.party.data, area=form.area.data or "",
                                election=form.election.data or "", delivered_on=form.delivered_on.data,
                                reason=form.reason.data or "")
    except DomainError as error:
        return _done(leaflet_id, "", error)
    return _done(leaflet_id, "The details are saved.")


@bp.post("/images/<int:image_id>/rotate")
@moderator_action
def rotate(image_id: int) -> ResponseReturnValue:
    leaflet_id = moderation.image_leaflet_id(image_id)
    try:
        image = moderation.rotate_image(image_id, current_user, ActionForm().reason.data or "")
    except DomainError as error:
        return _done(leaflet_id, "", error)
    return _done(leaflet_id, f"Photo {image.position + 1} is turned a quarter clockwise "
                             f"(now {image.width} × {image.height}); its text will be read again.")


@bp.post("/leaflets/<int:leaflet_id>/merge")
@moderator_action
def merge(leaflet_id: int) -> ResponseReturnValue:
    form = MergeForm()
    try:
        original = moderation.merge(leaflet_id, int(form.original_id.data or 0), current_user, form.reason.data or "")
    except DomainError as error:
        return _done(leaflet_id, "", error)
    return _done(original.id, f"Leaflet {leaflet_id} was merged into this one.")


@bp.post("/flags/<int:flag_id>/resolve")
@moderator_action
def resolve_flag(flag_id: int) -> ResponseReturnValue:
    try:
        flag = moderation.resolve_flag(flag_id, current_user, ActionForm().reason.data or "")
    except DomainError as error:
        flash(error.message, "error")
        return redirect(url_for("moderation.dashboard"))
    flash("Flag resolved.", "success")
    return redirect(request.form.get("back") == "leaflet" and url_for("moderation.leaflet", leaflet_id=flag.leaflet_id)
                    or url_for("moderation.dashboard"))


@bp.get("/audit")
@role_required("moderator")
def audit_log() -> ResponseReturnValue:
    page = max(1, request.args.get("page", 1, type=int) or 1)
    action, leaflet_id = request.args.get("action") or None, request.args.get("leaflet", type=int)
    entries, total = audit.entries(page, 50, action=action, leaflet_id=leaflet_id)
    return render_template("moderation/audit.html", entries=entries, total=total, page=page, per_page=50,
                           action=action, leaflet_id=leaflet_id)
