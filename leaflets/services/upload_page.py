"""What the upload page needs: its choices, the place question, a submit flow that keeps accepted photos."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any, Mapping

from sqlalchemy import func, select

from leaflets.extensions import db
from leaflets.models import Area, Election, ImageRole, Leaflet, Party
from leaflets.services import form_photos, locations, pending_uploads, upload_staging, uploads
from leaflets.services.errors import DomainError, ManyErrors, ServiceUnavailable, ValidationFailed
from leaflets.services.locations import NORTHERN_IRELAND, UNKNOWN_AREA, PostcodeLookup

FIELDS = ("images", "party", "postcode", "area", "election", "delivered_on", "title", "description")


@dataclass
class FormState:
    """The form as it goes back to the voter: every problem, the photos we hold, the place question."""

    errors: list[DomainError] = field(default_factory=list)
    staged: list[uploads.StagedImage] = field(default_factory=list)
    place: PostcodeLookup | None = None

    @property
    def staged_token(self) -> str:
        return upload_staging.sign(self.staged) if self.staged else ""

    @property
    def status(self) -> int:
        return ManyErrors(self.errors).status if self.errors else 200

    def messages(self, field_name: str) -> list[str]:
        return [error.message for error in self.errors if (error.field or "images") == field_name]

    def summary(self) -> list[tuple[str, str]]:
        """(field, message) in the order of the form, for the error summary's links."""
        return [(name, message) for name in FIELDS for message in self.messages(name)]


class NeedsAttention(Exception):
    """The form goes back to the voter with every message, and the photos we already hold."""

    def __init__(self, state: FormState) -> None:
        super().__init__("; ".join(error.message for error in state.errors))
        self.state = state
        self.status = state.status


def _errors_of(error: DomainError) -> list[DomainError]:
    return error.errors if isinstance(error, ManyErrors) else [error]


def _photos(
    submission: uploads.LeafletSubmission,
    choice: form_photos.PhotoChoice,
    state: FormState,
    *,
    need_one: bool,
) -> None:
    """The photos the form holds, less those removed, with the new ones added (stored, kept while the voter
    fixes other fields); a refused photo refuses only itself."""
    state.staged, errors = form_photos.gather(choice, submission.images, need_one=need_one)
    state.errors.extend(errors)


def submit(
    submission: uploads.LeafletSubmission, choice: form_photos.PhotoChoice
) -> tuple[Leaflet, str | None]:
    """The leaflet published, and the token of its look-alike check (pending_uploads.publish)."""
    state = FormState()
    _photos(submission, choice, state, need_one=True)
    try:
        meta = uploads.resolve_metadata(submission, confirm_place=True)
    except DomainError as error:
        state.errors.extend(_errors_of(error))
        state.place = next(
            (e.lookup for e in state.errors if isinstance(e, locations.AreaChoiceNeeded)), None
        )
    if state.errors:
        _keep_photos(state)
        raise NeedsAttention(state)
    try:
        return pending_uploads.publish(meta, state.staged)
    except ServiceUnavailable as error:
        # A full disk or a read-only database: the photos already stored stay with the form for the retry.
        state.errors.append(error)
        _keep_photos(state)
        raise NeedsAttention(state) from None


def _keep_photos(state: FormState) -> None:
    """The form goes back holding its photos: their rows, not committed with a leaflet, commit now on their
    own (one commit), so the workers make them and the form's token finds them. When even that cannot be
    written, the form keeps only the photos a token can still find."""
    try:
        uploads.keep_held(state.staged)
    except ServiceUnavailable as error:
        if not any(isinstance(e, ServiceUnavailable) for e in state.errors):
            state.errors.append(error)
        state.staged = [item for item in state.staged if upload_staging.held(item)]


def find_place(submission: uploads.LeafletSubmission, choice: form_photos.PhotoChoice) -> FormState:
    """The "Find the constituency" button without JavaScript: keep the photos, answer the postcode."""
    state = FormState()
    _photos(submission, choice, state, need_one=False)
    try:
        if not (submission.postcode or "").strip():
            raise ValidationFailed("Type a postcode to find its constituency.", field="postcode")
        state.place = locations.lookup(submission.postcode or "")
    except DomainError as error:
        state.errors.append(error)
    _keep_photos(state)
    return state


def default_election(today: date) -> Election | None:
    """The next election within a year, else the most recent one."""
    upcoming = db.session.scalar(
        select(Election)
        .where(Election.date >= today, Election.date <= today + timedelta(days=366))
        .order_by(Election.date)
    )
    return upcoming or db.session.scalar(select(Election).order_by(Election.date.desc()))


def party_groups() -> list[tuple[str, list[Party]]]:
    """Main parties first (those first or second somewhere at GE2024, most places first), Northern Ireland's
    main parties next, then every other party by name."""
    parties = db.session.scalars(
        select(Party).order_by(Party.ge2024_top_two.desc(), func.lower(Party.name))
    ).all()
    main = [p for p in parties if p.ge2024_top_two and p.ge2024_nation != NORTHERN_IRELAND]
    ulster = [p for p in parties if p.ge2024_top_two and p.ge2024_nation == NORTHERN_IRELAND]
    other = sorted((p for p in parties if not p.ge2024_top_two), key=lambda p: p.name.lower())
    groups = (("Main parties", main), ("Main parties in Northern Ireland", ulster), ("Other parties", other))
    return [(label, group) for label, group in groups if group]


def all_areas() -> list[tuple[str, str]]:
    return [(gss, name) for gss, name in db.session.execute(select(Area.gss, Area.name).order_by(Area.name))]


def place_context(
    postcode: str, area: str, place: PostcodeLookup | None = None, *, look_up: bool = True
) -> dict[str, Any]:
    """The "where was it delivered?" part: the postcode's question when there is one, else the full list."""
    problem = ""
    if place is None and look_up and postcode.strip():
        try:
            place = locations.lookup(postcode)
        except DomainError as error:
            problem = error.message
    if place is not None and area not in ("", UNKNOWN_AREA) and area not in {c.gss for c in place.choices}:
        place = None  # chosen from the full list: show that list with the choice
    return {
        "place": place,
        "place_problem": problem,
        "areas": all_areas(),
        "chosen_area": area,
        "unknown_area": UNKNOWN_AREA,
    }


def context(values: Mapping[str, str], state: FormState | None = None) -> dict[str, Any]:
    state = state or FormState()
    today = date.today()
    election = default_election(today)
    form = {
        "party": "",
        "election": election.slug if election else "",
        "delivered_on": today.isoformat(),
        "area": "",
        "postcode": "",
        "title": "",
        "description": "",
    }
    form.update({key: values[key] for key in form if values.get(key)})
    form["area"] = values.get("area_other") or form["area"]
    elections = db.session.scalars(select(Election).order_by(Election.date.desc())).all()
    place = place_context(form["postcode"], form["area"], state.place, look_up=not state.messages("postcode"))
    return {
        "party_groups": party_groups(),
        "elections": elections,
        "form": form,
        "today": today.isoformat(),
        "roles": [role.value for role in ImageRole],
        "state": state,
        **place,
    }


def again_args(leaflet: Leaflet) -> dict[str, Any]:  # url_for's **values
    """Prefill the next upload with this one's place and election (volunteers upload in batches)."""
    args = {"area": leaflet.area.gss} if leaflet.area else {}
    args["election"] = leaflet.election.slug
    if leaflet.postcode_district:
        args["postcode"] = leaflet.postcode_district
    return args
