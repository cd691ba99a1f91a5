"""The web form keeps photos that were already accepted while the voter fixes other fields.

Accepted photos go into storage and their description travels in a signed hidden field, so a second
submission needs no files; storage folders never referenced by a leaflet are swept later. A held photo that
the variant worker could not read after all (damaged inside, where the request's checks do not look) is
named to the voter on the next submission, and the form keeps the others.
"""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from flask import current_app
from itsdangerous import BadSignature, URLSafeTimedSerializer

from leaflets import runtime
from leaflets.services import photo_variants
from leaflets.services.errors import DomainError, ManyErrors, ValidationFailed
from leaflets.services.uploads import StagedImage

MAX_AGE_S = 6 * 3600


def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt="staged-upload")


def sign(staged: list[StagedImage]) -> str:
    return _serializer().dumps([_signed(item) for item in staged])


def _signed(item: StagedImage) -> dict[str, Any]:
    fields = asdict(item)
    del fields["hold"]  # a row to commit in this request only (uploads.keep_held commits it first)
    return fields


def read(token: str) -> list[tuple[StagedImage, DomainError | None]]:
    """Each photo the form's token holds, in order, with the message of one that turned out unreadable after
    all (None when it is fine); ValidationFailed ("expired") for a token that is not ours, too old, or whose
    photos were swept."""
    try:
        items = [StagedImage(**item) for item in _serializer().loads(token, max_age=MAX_AGE_S)]
    except (BadSignature, TypeError):
        raise _expired() from None
    if not items:
        raise _expired()
    found: list[tuple[StagedImage, DomainError | None]] = []
    for position, item in enumerate(items):
        if held(item):
            found.append((item, None))
        elif photo_variants.failure(item.sha256) is not None:
            found.append((item, _unreadable(position, item)))
        else:
            raise _expired()
    return found


def verify(token: str) -> list[StagedImage]:
    """The photos the form's token holds, every one readable; ManyErrors naming those that are not."""
    found = read(token)
    unreadable = [error for _, error in found if error is not None]
    if unreadable:
        raise ManyErrors(unreadable)
    return [item for item, _ in found]


def _expired() -> ValidationFailed:
    return ValidationFailed("Your photos expired: please add them again.", field="images")


def _unreadable(position: int, item: StagedImage) -> ValidationFailed:
    named = f"Photo {position + 1} ({item.filename})" if item.filename else f"Photo {position + 1}"
    return ValidationFailed(
        f"{named} could not be read: the file is damaged. Choose it again or another photo.",
        field="images",
        code="damaged_image",
    )


def held(item: StagedImage) -> bool:
    """Its variants are stored, or its photo still waits for them."""
    return runtime.storage().has(item.stored_sha256 or item.sha256) or photo_variants.is_pending(item.sha256)


def thumbnail(item: StagedImage) -> tuple[bytes, str]:
    if photo_variants.is_pending(item.sha256):  # rare: a form sent back before a worker got to the photo
        photo_variants.make(item.sha256)
    found = runtime.storage().read(item.sha256, "thumb")
    if found is None:
        raise _expired()
    return found
