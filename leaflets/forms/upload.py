"""Turn a multipart request's fields into an upload submission (shared by the page and the API)."""

from __future__ import annotations

from werkzeug.datastructures import FileStorage, ImmutableMultiDict, MultiDict

from leaflets.auth_guards import signed_in_user_id
from leaflets.services.form_photos import PhotoChoice
from leaflets.services.uploads import IncomingImage, LeafletSubmission


def incoming_images(files: MultiDict[str, FileStorage], roles: list[str]) -> list[IncomingImage]:
    """The client's file names are never used for storage; they are kept only for messages."""
    images: list[IncomingImage] = []
    for upload in files.getlist("images"):
        data = upload.read()
        upload.close()  # the parsed copy in memory (request_body.UploadRequest): the bytes are enough
        if not data and not upload.filename:
            continue  # the empty part a browser sends for a file input left blank
        position = len(images)
        role = roles[position].strip().lower() if position < len(roles) else ""
        images.append(IncomingImage(data=data, filename=(upload.filename or "")[:100], role=role))
    return images


def submission_from_form(
    form: ImmutableMultiDict[str, str], images: list[IncomingImage]
) -> LeafletSubmission:
    return LeafletSubmission(
        party=form.get("party"),
        election=form.get("election"),
        delivered_on=form.get("delivered_on"),
        area=form.get("area_other") or form.get("area"),  # a constituency from the full list wins
        postcode=form.get("postcode"),
        title=form.get("title", ""),
        description=form.get("description", ""),
        images=images,
        uploader_id=signed_in_user_id(),
    )


def photo_choice(form: ImmutableMultiDict[str, str], limit: int) -> PhotoChoice:
    """The photos the page holds (its signed list), which of them the voter removes, and their roles. A
    position is below `limit` (the photo limit): anything else names none of them and is ignored."""
    digits = (
        value for value in form.getlist("remove") if value.isascii() and value.isdigit() and len(value) < 4
    )
    remove = frozenset(int(value) for value in digits if int(value) < limit)
    roles = tuple(role.strip().lower()[:20] for role in form.getlist("kept_roles")[:limit])
    return PhotoChoice(token=form.get("staged", ""), remove=remove, roles=roles)
