"""Moderators: flagged and new leaflets, OCR failures, hide/restore/remove, fix details, rotate, redact and
crop, merge (by search, side by side), volunteers' proposed fixes, the audit log."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_login import current_user

from leaflets.auth_guards import moderator_action, role_required
from leaflets.forms.moderation import ActionForm, DetailsForm, MergeForm, PhotoEditForm, StatusForm
from leaflets.forms.review import FLAG_REASON_LABELS
from leaflets.services import (
    audit,
    audit_display,
    merging,
    moderation,
    near_duplicates,
    photo_edits,
    proposals,
)
from leaflets.services.errors import DomainError

bp = Blueprint("moderation", __name__, url_prefix="/moderate")


@bp.app_template_filter("flag_reason")
def flag_reason(slug: str) -> str:
    """A flag's reason as people say it ("Shows personal information"), not its slug."""
    return FLAG_REASON_LABELS.get(slug, slug.replace("-", " ").capitalize())


def _done(leaflet_id: int, message: str, error: DomainError | None = None) -> ResponseReturnValue:
    flash(error.message if error else message, "error" if error else "success")
    return redirect(url_for("moderation.leaflet", leaflet_id=leaflet_id))


@bp.get("")
@role_required("moderator")
def dashboard() -> ResponseReturnValue:
    return render_template(
        "moderation/dashboard.html",
        board=moderation.dashboard(),
        form=ActionForm(formdata=None),
        proposals=proposals.open_proposals(),
    )


@bp.get("/leaflets/<int:leaflet_id>")
@role_required("moderator")
def leaflet(leaflet_id: int) -> ResponseReturnValue:
    return _leaflet_page(leaflet_id)


def _leaflet_page(
    leaflet_id: int, status_error: DomainError | None = None, reason: str = ""
) -> ResponseReturnValue:
    """The moderation page of a leaflet; after a refused hide or remove, with the error beside the reason."""
    found, flags = moderation.leaflet_for_moderation(leaflet_id)
    details = DetailsForm(
        formdata=None,
        party=found.party.slug if found.party else "",
        area=found.area.gss if found.area else "",
        election=found.election.slug,
        delivered_on=found.delivered_on,
    )
    return render_template(
        "moderation/leaflet.html",
        leaflet=found,
        flags=flags,
        details_form=details,
        choices=moderation.reference_choices(),
        copies=merging.detected_copies(found),
        proposals=proposals.open_proposals(leaflet_id),
        status_form=StatusForm(formdata=None),
        action_form=ActionForm(formdata=None),
        status_error=status_error,
        status_reason=reason,
        similar=near_duplicates.candidates_for(found),
    ), 422 if status_error else 200


@bp.post("/leaflets/<int:leaflet_id>/status")
@moderator_action
def status(leaflet_id: int) -> ResponseReturnValue:
    form = StatusForm()
    try:
        found = moderation.set_status(
            leaflet_id, current_user, form.action.data or "", form.reason.data or ""
        )
    except DomainError as error:
        if error.field == "reason":
            return _leaflet_page(leaflet_id, error, form.reason.data or "")
        return _done(leaflet_id, "", error)
    return _done(leaflet_id, f"The leaflet is now {found.status}.")


@bp.post("/leaflets/<int:leaflet_id>/details")
@moderator_action
def details(leaflet_id: int) -> ResponseReturnValue:
    form = DetailsForm()
    if not form.validate_on_submit() or form.delivered_on.data is None:
        return _done(leaflet_id, "", DomainError("Fill in the area, election and a valid delivery date."))
    try:
        moderation.edit_details(
            leaflet_id,
            current_user,
            party=form.party.data,
            area=form.area.data or "",
            election=form.election.data or "",
            delivered_on=form.delivered_on.data,
            reason=form.reason.data or "",
        )
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
    return _done(
        leaflet_id,
        f"Photo {image.position + 1} is turned a quarter clockwise "
        f"(now {image.width} × {image.height}); its text will be read again.",
    )


@bp.route("/images/<int:image_id>/edit", methods=["GET", "POST"])
@moderator_action
def edit_photo(image_id: int) -> ResponseReturnValue:
    """Blur or black out rectangles of a photo, or crop it; a refused edit shows the page again with the
    error."""
    image = moderation.image_for_moderation(image_id)
    form = PhotoEditForm(formdata=None if request.method == "GET" else request.form)
    error = None
    if request.method == "POST":
        action = request.form.get("action", "")
        try:
            boxes = photo_edits.parse_boxes(
                form.boxes.data,
                (form.left.data, form.top.data, form.width.data, form.height.data),
                (image.width, image.height),
            )
            edit = photo_edits.crop(boxes) if action == "crop" else photo_edits.redaction(boxes, action)
            photo_edits.edit_photo(image.id, current_user, edit, form.reason.data or "")
        except DomainError as failed:
            error = failed
        else:
            done = "cropped" if action == "crop" else "redacted"
            return _done(
                image.leaflet_id,
                f"Photo {image.position + 1} is {done}: every size of it was made "
                "again, the old files are deleted and covered words left the text.",
            )
    return render_template(
        "moderation/photo.html",
        image=image,
        leaflet=image.leaflet,
        form=form,
        error=error,
        styles=photo_edits.STYLES,
    ), 422 if error else 200


@bp.get("/leaflets/<int:leaflet_id>/merge")
@role_required("moderator")
def merge_search(leaflet_id: int) -> ResponseReturnValue:
    """Find the original to merge this leaflet into: copies found automatically, and a search by words or
    number."""
    found = moderation.leaflet_for_moderation(leaflet_id)[0]
    text, error = (request.args.get("q") or "").strip(), None
    try:
        results = merging.search_candidates(found, text)
    except DomainError as failed:
        results, error = [], failed
    return render_template(
        "moderation/merge.html",
        leaflet=found,
        copies=merging.detected_copies(found),
        q=text,
        results=results,
        error=error,
    ), 422 if error else 200


@bp.get("/leaflets/<int:leaflet_id>/merge/<int:original_id>")
@role_required("moderator")
def merge_preview(leaflet_id: int, original_id: int) -> ResponseReturnValue:
    """The two leaflets side by side before a merge, saying which photos will stay."""
    try:
        plan = merging.preview(leaflet_id, original_id)
    except DomainError as error:
        if error.status == 404:
            raise
        return _done(leaflet_id, "", error)
    return render_template(
        "moderation/merge_preview.html",
        plan=plan,
        copy=merging.summary(plan.copy),
        original=merging.summary(plan.original),
        merge_form=MergeForm(formdata=None),
    )


@bp.post("/leaflets/<int:leaflet_id>/merge")
@moderator_action
def merge(leaflet_id: int) -> ResponseReturnValue:
    form = MergeForm()
    try:
        original = moderation.merge(
            leaflet_id, int(form.original_id.data or 0), current_user, form.reason.data or ""
        )
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
    return redirect(
        request.form.get("back") == "leaflet"
        and url_for("moderation.leaflet", leaflet_id=flag.leaflet_id)
        or url_for("moderation.dashboard")
    )


@bp.post("/proposals/<int:proposal_id>/<any(accept, dismiss):decision>")
@moderator_action
def decide_proposal(proposal_id: int, decision: str) -> ResponseReturnValue:
    """Accept a volunteer's proposed fix in one click (or dismiss it)."""
    try:
        proposal = (
            proposals.accept(proposal_id, current_user)
            if decision == "accept"
            else proposals.dismiss(proposal_id, current_user, ActionForm().reason.data or "")
        )
    except DomainError as error:
        if error.status == 404:
            raise
        flash(error.message, "error")
        return redirect(url_for("moderation.dashboard"))
    flash(
        f"The fix of leaflet {proposal.leaflet_id} is {'applied' if decision == 'accept' else 'dismissed'}.",
        "success",
    )
    return redirect(
        url_for("moderation.leaflet", leaflet_id=proposal.leaflet_id)
        if request.form.get("back") == "leaflet"
        else url_for("moderation.dashboard")
    )


@bp.get("/audit")
@role_required("moderator")
def audit_log() -> ResponseReturnValue:
    page = max(1, request.args.get("page", 1, type=int) or 1)
    action, leaflet_id = request.args.get("action") or None, request.args.get("leaflet", type=int)
    entries, total = audit.entries(page, 50, action=action, leaflet_id=leaflet_id)
    return render_template(
        "moderation/audit.html",
        entries=entries,
        total=total,
        page=page,
        per_page=50,
        action=action,
        leaflet_id=leaflet_id,
        changes=audit_display.readable(entries),
        action_label=audit_display.action_label,
    )
