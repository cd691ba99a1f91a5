"""Turn a multipart request's fields into an upload submission (shared by the page and the API)."""

from __future__ import annotations

from werkzeug.datastructures import FileStorage, ImmutableMultiDict, MultiDict

from leaflets.auth_guards import signed_in_user_id
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
