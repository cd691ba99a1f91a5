"""The web form keeps photos that were already accepted while the voter fixes other fields.

Accepted photos go into storage and their description travels in a signed hidden field, so a second
submission needs no files; storage folders never referenced by a leaflet are swept later.
"""
from __future__ import annotations

from dataclasses import asdict

from flask import current_app
from itsdangerous import BadSignature, URLSafeTimedSerializer

from leaflets import runtime
from leaflets.services.errors import ValidationFailed
from leaflets.services.uploads import StagedImage

MAX_AGE_S = 6 * 3600


def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt="staged-upload")


def sign(staged: list[StagedImage]) -> str:
    return _serializer().dumps([asdict(item) for item in staged])


def verify(token: str) -> list[StagedImage]:
    try:
        items = [StagedImage(**item) for item in _serializer().loads(token, max_age=MAX_AGE_S)]
    except (BadSignature, TypeError):
        raise ValidationFailed("Your photos expired: please add them again.", field="images") from None
    if not items or not all(runtime.storage().has(item.stored_sha256 or item.sha256) for item in items):
        raise ValidationFailed("Your photos expired: please add them again.", field="images")
    return items


def thumbnail(item: StagedImage) -> tuple[bytes, str]:
    found = runtime.storage().read(item.sha256, "thumb")
    if found is None:
        raise ValidationFailed("Your photos expired: please add them again.", field="images")
    return found
