"""The upload form's photos across its submissions: the ones it keeps, the ones the voter removes, and new
ones added to them.

Unlike the API, where a client sends every photo at once and one refusal refuses the upload
(uploads.prepare_images), a refused photo here refuses only itself: the form's other photos are stored and
kept (upload_staging signs their list), and its message says which photo and file it was, and why.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from flask import current_app

from leaflets import runtime
from leaflets.models import ImageRole
from leaflets.services import upload_staging, uploads
from leaflets.services.errors import DomainError, ServiceUnavailable, UploadRejected
from leaflets.services.uploads import IncomingImage, StagedImage

_ASK_AGAIN = "It was not added: choose it again or another photo."


@dataclass(frozen=True)
class PhotoChoice:
    """What the form says about the photos it already holds (new files come as IncomingImage)."""

    token: str = ""  # the signed list of the photos it holds (upload_staging)
    remove: frozenset[int] = frozenset()  # positions in that list the voter removes
    roles: tuple[str, ...] = ()  # the role of each photo in that list, by position ("" keeps its role)


def gather(
    choice: PhotoChoice, incoming: list[IncomingImage], *, need_one: bool = True
) -> tuple[list[StagedImage], list[DomainError]]:
    """The form's photos now, front first then in the order they came (the kept ones, then the new ones), and
    a message for each photo refused or dropped. The new photos accepted are stored (rows not yet committed:
    uploads.keep_held). `need_one`: no photo at all is a problem (an upload), not only a question."""
    errors: list[DomainError] = []
    kept = _kept(choice, errors)
    added = _added(incoming, kept, errors)
    # Front first; sorted() is stable, so the others keep their order.
    photos = sorted(kept + added, key=lambda item: item.role != ImageRole.FRONT)
    if need_one and not photos and not errors:
        errors.append(
            UploadRejected("Add at least one photo of the leaflet.", field="images", code="no_images")
        )
    return photos, errors


def _kept(choice: PhotoChoice, errors: list[DomainError]) -> list[StagedImage]:
    """The photos the token holds, less those the voter removes (no message for a removed one that turned out
    unreadable), in their roles; an unreadable one is dropped with its message, the others stay."""
    if not choice.token:
        return []
    try:
        found = upload_staging.read(choice.token)
    except DomainError as error:  # not ours, or too old: nothing of it is kept
        errors.append(error)
        return []
    kept: list[StagedImage] = []
    for position, (item, unreadable) in enumerate(found):
        if position in choice.remove:
            continue
        if unreadable is not None:
            errors.append(unreadable)
            continue
        asked = choice.roles[position] if position < len(choice.roles) else ""
        try:
            kept.append(replace(item, role=uploads.checked_role(asked or item.role, position)))
        except DomainError as error:
            errors.append(error)
            kept.append(item)
    return kept


def _added(
    incoming: list[IncomingImage], kept: list[StagedImage], errors: list[DomainError]
) -> list[StagedImage]:
    """The new photos accepted and stored, up to the photo limit; each one refused, or past the limit, is
    named with its reason."""
    if not incoming:
        return []
    limit = current_app.config["MAX_IMAGES"]
    room = max(0, limit - len(kept))
    storage = runtime.storage()
    prepared = uploads.PreparedImages([], [])
    roles = [item.role for item in kept]
    for index, upload in enumerate(incoming[:room]):
        chosen = replace(upload, role=upload.role or _default_role(roles))
        try:
            prepared.add(*uploads.prepare_one(chosen, len(roles), storage, _named(index, incoming)))
        except UploadRejected as error:
            errors.append(_asking_again(error))
            continue
        except DomainError as error:  # busy decoding (a 503): nothing is wrong with the photo itself
            errors.append(error)
            continue
        roles.append(chosen.role)
    errors.extend(_over_limit(index, incoming, limit) for index in range(room, len(incoming)))
    try:
        return uploads.store_images(prepared)
    except ServiceUnavailable as error:  # a full or read-only disk: the kept photos stay for the retry
        errors.append(error)
        return []


def _default_role(taken: list[str]) -> str:
    """A photo sent without a role (no JavaScript) is the front when the form has none, then the back, then an
    inside page: a new photo replacing a removed front is the front."""
    missing = (role.value for role in (ImageRole.FRONT, ImageRole.BACK) if role.value not in taken)
    return next(missing, ImageRole.INSIDE.value)


def _named(index: int, incoming: list[IncomingImage]) -> str:
    """A new photo as the voter knows it: by its place among those chosen this time, and its file."""
    count = len(incoming)
    which = "The photo you chose" if count == 1 else f"Photo {index + 1} of the {count} you chose"
    shown = uploads.file_name(incoming[index].filename)
    return f"{which} ({shown})" if shown else which


def _asking_again(error: DomainError) -> DomainError:
    message = f"{error.message} {_ASK_AGAIN}"
    return UploadRejected(message, field="images", status=error.status, code=error.code)


def _over_limit(index: int, incoming: list[IncomingImage], limit: int) -> DomainError:
    return UploadRejected(
        f"{_named(index, incoming)} was not added: a leaflet can have at most {limit} photos. "
        "Remove one to add it.",
        field="images",
        code="too_many_images",
    )
