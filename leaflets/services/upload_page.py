"""What the upload page needs: its choices, and the submit flow that keeps accepted photos."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any, Mapping

from sqlalchemy import func, select

from leaflets.extensions import db
from leaflets.models import Area, Election, ImageRole, Leaflet, Party
from leaflets.services import upload_staging, uploads
from leaflets.services.errors import DomainError, ServiceUnavailable, UploadRejected
from leaflets.services.locations import AreaChoice, AreaChoiceNeeded


class NeedsAttention(Exception):
    """The form goes back to the voter with one message, and the photos we already hold."""

    def __init__(self, error: DomainError, staged: list[uploads.StagedImage] | None) -> None:
        super().__init__(error.message)
        self.error = error
        self.status = error.status
        self.staged = staged or []
        self.staged_token = upload_staging.sign(staged) if staged else ""
        self.choices: list[AreaChoice] = error.choices if isinstance(error, AreaChoiceNeeded) else []


def submit(submission: uploads.LeafletSubmission, staged_token: str | None) -> Leaflet:
    staged: list[uploads.StagedImage] | None = None
    try:
        if submission.images or not staged_token:
            staged = uploads.stage_images(submission.images)
        else:
            staged = upload_staging.verify(staged_token)
        meta = uploads.resolve_metadata(submission)
        return uploads.create_leaflet(meta, staged)
    except UploadRejected as error:
        raise NeedsAttention(error, None) from None
    except ServiceUnavailable as error:
        # Full disk or busy: whatever photos are safely stored stay with the form for the retry.
        raise NeedsAttention(error, staged or _still_staged(staged_token)) from None
    except DomainError as error:
        raise NeedsAttention(error, staged) from None


def _still_staged(staged_token: str | None) -> list[uploads.StagedImage] | None:
    if not staged_token:
        return None
    try:
        return upload_staging.verify(staged_token)
    except DomainError:
        return None


def default_election(today: date) -> Election | None:
    """The next election within a year, else the most recent one."""
    upcoming = db.session.scalar(select(Election).where(Election.date >= today, Election.date <= today +
                                                        timedelta(days=366)).order_by(Election.date))
    return upcoming or db.session.scalar(select(Election).order_by(Election.date.desc()))


def choices() -> dict[str, Any]:
    parties = db.session.scalars(select(Party).order_by(func.lower(Party.name))).all()
    return {
        "parties": parties,
        "elections": db.session.scalars(select(Election).order_by(Election.date.desc())).all(),
        "areas": db.session.execute(select(Area.gss, Area.name).order_by(Area.name)).all(),
        "roles": [role.value for role in ImageRole],
    }


def context(values: Mapping[str, str], problem: NeedsAttention | None = None) -> dict[str, Any]:
    today = date.today()
    election = default_election(today)
    form = {"party": "", "election": election.slug if election else "", "delivered_on": today.isoformat(),
            "area": "", "postcode": "", "title": "", "description": ""}
    form.update({key: values[key] for key in form if values.get(key)})
    return {**choices(), "form": form, "today": today.isoformat(), "problem": problem}


def again_args(leaflet: Leaflet) -> dict[str, str]:
    """Prefill the next upload with this one's place and election (volunteers upload in batches)."""
    args = {"area": leaflet.area.gss, "election": leaflet.election.slug}
    if leaflet.postcode_district:
        args["postcode"] = leaflet.postcode_district
    return args
