"""The volunteer's queue and work page: tags, claims, ratings, bias, OCR corrections; the public claim
page."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, flash, redirect, render_template, request, session, url_for
from flask.typing import ResponseReturnValue
from flask_login import current_user

from leaflets.auth_guards import role_required
from leaflets.forms.review import (
    ACCURACY_CHOICES,
    FAIRNESS_CHOICES,
    TONE_CHOICES,
    BiasForm,
    ClaimForm,
    CorrectionForm,
    RatingForm,
    SkipForm,
    SuggestionForm,
    TagsForm,
)
from leaflets.models import ClaimState, Leaflet
from leaflets.services import (
    agreement,
    claim_review,
    claim_suggestions,
    moderation,
    place_queue,
    proposals,
    review,
    work_queue,
)
from leaflets.services.errors import DomainError
from leaflets.services.leaflet_access import visible_leaflet

bp = Blueprint("volunteer", __name__)
SKIPS = "volunteer_skips"


def _int(value: str | None) -> int | None:
    return int(value) if value and value.strip().lstrip("-").isdigit() else None


def _back(
    leaflet_id: int, anchor: str, error: DomainError | None = None, done: str = ""
) -> ResponseReturnValue:
    flash(error.message if error else done, "error" if error else "success")
    return redirect(url_for("volunteer.work", leaflet_id=leaflet_id, _anchor=anchor))


@bp.get("/volunteer")
@role_required("volunteer")
def queue() -> ResponseReturnValue:
    """The next leaflet to rate, or with `?queue=transcribe` the next photo OCR could not read."""
    transcribe = request.args.get("queue") == "transcribe"
    skipped = session.get(SKIPS, [])
    leaflet = (
        work_queue.next_transcription(skipped)
        if transcribe
        else work_queue.next_leaflet(current_user, skipped)
    )
    return render_template(
        "volunteer/queue.html",
        leaflet=leaflet,
        skip_form=SkipForm(formdata=None),
        transcribe=transcribe,
        waiting=work_queue.transcriptions_waiting(),
        places_waiting=place_queue.count_waiting(),
    )


@bp.post("/volunteer/skip")
@role_required("volunteer")
def skip() -> ResponseReturnValue:
    form = SkipForm()
    if form.validate_on_submit() and form.leaflet_id.data:
        session[SKIPS] = work_queue.remember_skip(session.get(SKIPS, []), form.leaflet_id.data)
    transcribe = request.args.get("queue") == "transcribe"
    return redirect(url_for("volunteer.queue", queue="transcribe" if transcribe else None))


@bp.get("/volunteer/leaflets/<int:leaflet_id>")
@role_required("volunteer")
def work(leaflet_id: int) -> ResponseReturnValue:
    return _work_page(visible_leaflet(leaflet_id, current_user))


def _work_page(
    leaflet: Leaflet, rejected: dict[str, Any] | None = None, proposal: dict[str, Any] | None = None
) -> ResponseReturnValue:
    """The work page; after a refused rating or proposal, with every choice made kept and each error beside
    its field (`rejected`: the claim's id, the field, the message and the values sent; `proposal`: errors and
    values)."""
    page = work_queue.work_page(leaflet, current_user)
    return render_template(
        "volunteer/work.html",
        page=page,
        leaflet=page.leaflet,
        rating_choices=ACCURACY_CHOICES,
        tone_choices=TONE_CHOICES,
        fairness_choices=FAIRNESS_CHOICES,
        rejected=rejected,
        choices=moderation.reference_choices(),
        my_proposal=proposals.mine(leaflet.id, current_user),
        proposal=proposal or {"errors": {}, "values": {}},
    ), 422 if rejected or proposal else 200


@bp.post("/volunteer/leaflets/<int:leaflet_id>/tags")
@role_required("volunteer")
def tags(leaflet_id: int) -> ResponseReturnValue:
    leaflet = visible_leaflet(leaflet_id, current_user)
    form = TagsForm()
    try:
        review.set_my_tags(leaflet, current_user, form.tags.data or [])
    except DomainError as error:
        return _back(leaflet_id, "tags", error)
    return _back(leaflet_id, "tags", done="Your tags are saved.")


@bp.post("/volunteer/leaflets/<int:leaflet_id>/claims")
@role_required("volunteer")
def add_claim(leaflet_id: int) -> ResponseReturnValue:
    leaflet = visible_leaflet(leaflet_id, current_user)
    form = ClaimForm()
    try:
        claim = review.add_claim(
            leaflet,
            current_user,
            form.text.data or "",
            _int(form.image_id.data),
            _int(form.span_start.data),
            _int(form.span_end.data),
        )
    except DomainError as error:
        return _back(leaflet_id, "mark-claim", error)
    return _back(leaflet_id, f"claim-{claim.id}", done="Claim added: now rate it.")


@bp.post("/volunteer/claims/<int:claim_id>/review")
@role_required("volunteer")
def review_suggestion(claim_id: int) -> ResponseReturnValue:
    claim = review.visible_claim(claim_id, current_user)
    form = SuggestionForm()
    try:
        claim_suggestions.review(claim, current_user, form.action.data or "", form.text.data)
    except DomainError as error:
        return _back(claim.leaflet_id, "suggestions", error)
    return _back(claim.leaflet_id, "suggestions", done="Suggestion reviewed.")


@bp.post("/volunteer/claims/<int:claim_id>/rating")
@role_required("volunteer")
def rate_claim(claim_id: int) -> ResponseReturnValue:
    claim = review.visible_claim(claim_id, current_user)
    form = RatingForm()
    try:
        review.rate_claim(claim, current_user, form.accuracy.data or "", form.source_url.data, form.note.data)
    except DomainError as error:
        if claim.state != ClaimState.ACCEPTED:  # no rating form on the page for a suggestion: say why up top
            return _back(claim.leaflet_id, "suggestions", error)
        return _work_page(
            claim.leaflet,
            {
                "claim_id": claim.id,
                "field": error.field or "accuracy",
                "message": error.message,
                "accuracy": form.accuracy.data or "",
                "source_url": form.source_url.data or "",
                "note": form.note.data or "",
            },
        )
    return _back(claim.leaflet_id, f"claim-{claim.id}", done="Your rating is saved.")


@bp.post("/volunteer/leaflets/<int:leaflet_id>/proposal")
@role_required("volunteer")
def propose_fix(leaflet_id: int) -> ResponseReturnValue:
    """A proposed fix of the party, area or election, for a moderator to accept."""
    leaflet = visible_leaflet(leaflet_id, current_user)
    values = {name: (request.form.get(name) or "").strip() for name in ("party", "area", "election", "note")}
    try:
        proposals.propose(leaflet, current_user, **values)
    except DomainError as error:
        found = getattr(error, "errors", [error])
        return _work_page(
            leaflet, proposal={"values": values, "errors": {e.field or "party": e.message for e in found}}
        )
    return _back(leaflet_id, "details-fix", done="Thank you: a moderator will look at your proposed fix.")


@bp.post("/volunteer/leaflets/<int:leaflet_id>/bias")
@role_required("volunteer")
def rate_bias(leaflet_id: int) -> ResponseReturnValue:
    leaflet = visible_leaflet(leaflet_id, current_user)
    form = BiasForm()
    try:
        review.rate_bias(leaflet, current_user, form.tone.data, form.fairness.data, form.note.data)
    except DomainError as error:
        return _work_page(
            leaflet,
            {
                "claim_id": None,
                "bias": True,
                "field": error.field or "tone",
                "message": error.message,
                "tone": form.tone.data or "",
                "fairness": form.fairness.data or "",
                "note": form.note.data or "",
            },
        )
    return _back(leaflet_id, "bias", done="Your bias rating is saved.")


@bp.post("/volunteer/leaflets/<int:leaflet_id>/images/<int:image_id>/text")
@role_required("volunteer")
def correct_text(leaflet_id: int, image_id: int) -> ResponseReturnValue:
    leaflet = visible_leaflet(leaflet_id, current_user)
    form = CorrectionForm()
    try:
        review.correct_ocr(leaflet, image_id, current_user, form.text.data or "")
    except DomainError as error:
        flash(error.message, "error")
    else:
        flash("The corrected text is saved.", "success")
    if request.args.get("back") == "leaflet":  # the form on the public page of a photo OCR could not read
        return redirect(url_for("archive.leaflet", leaflet_id=leaflet_id, _anchor=f"ocr-{image_id}"))
    return redirect(url_for("volunteer.work", leaflet_id=leaflet_id, _anchor=f"image-{image_id}"))


@bp.get("/volunteer/agreement")
@role_required("volunteer")
def agreement_page() -> ResponseReturnValue:
    return render_template("volunteer/agreement.html", rows=agreement.archive_agreement())


@bp.get("/claims/<int:claim_id>")
def claim_page(claim_id: int) -> ResponseReturnValue:
    claim = review.visible_claim(claim_id, current_user)
    summary = review.rating_summary(list(claim.ratings), review.rated_threshold())
    markup = claim_review.claim_review(claim, url_for, review.rated_threshold())  # findings: ClaimReview
    return render_template("review/claim.html", claim=claim, summary=summary, claim_review=markup)
