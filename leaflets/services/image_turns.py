"""Turn a stored photo by quarter turns: new files under a new key, word boxes carried along.

Storage is content-addressed, so a turned photo is a new folder named by the sha256 of its turned master (the
same turn of the same files always gives the same bytes, hence the same folder). Its URLs change with it, so
no browser or cache can keep showing the old picture, and `LeafletImage.sha256` (of the uploaded bytes) stays
as it was for duplicate detection. A folder no image uses any more is deleted at once (`discard_if_unused`);
`flask sweep-uploads` clears any a crash leaves behind.
"""

from __future__ import annotations

import io
import logging
from dataclasses import dataclass
from typing import Any, Callable

from PIL import Image
from sqlalchemy import exists, select, update

from leaflets import runtime
from leaflets.extensions import db, rows_changed
from leaflets.models import LeafletImage
from leaflets.services import images
from leaflets.services.uploads import image_limits

log = logging.getLogger(__name__)

# Clockwise quarter turns as Pillow transposes (Pillow's ROTATE_* turn anticlockwise).
TRANSPOSE = {90: Image.Transpose.ROTATE_270, 180: Image.Transpose.ROTATE_180, 270: Image.Transpose.ROTATE_90}


class MasterUnreadable(Exception):
    """The stored master is missing or is not an image Pillow can decode."""


class PhotoChanged(Exception):
    """The image's files changed between reading them and storing the turn."""


@dataclass(frozen=True)
class TurnedFiles:
    key: str
    width: int
    height: int


def quarter(degrees: int | None) -> int:
    """Any angle as 0, 90, 180 or 270 degrees clockwise."""
    return (round((degrees or 0) / 90) * 90) % 360


def turn_box(box: tuple[int, int, int, int], turn: int, size: tuple[int, int]) -> tuple[int, int, int, int]:
    """A (left, top, width, height) box on a picture of `size`, after turning the picture `turn` clockwise."""
    left, top, width, height = box
    picture_w, picture_h = size
    turn = quarter(turn)
    if turn == 90:
        return picture_h - (top + height), left, height, width
    if turn == 180:
        return picture_w - (left + width), picture_h - (top + height), width, height
    if turn == 270:
        return top, picture_w - (left + width), height, width
    return left, top, width, height


def turn_words(words: list[dict[str, Any]] | None, turn: int, size: tuple[int, int]) -> list[dict[str, Any]]:
    """OCR words with their boxes moved onto the turned picture (everything else kept)."""
    turned = []
    for word in words or []:
        box = tuple(int(word.get(name, 0)) for name in ("left", "top", "width", "height"))
        turned.append({**word, **dict(zip(("left", "top", "width", "height"), turn_box(box, turn, size)))})  # type: ignore[arg-type]
    return turned


def load_master(key: str) -> tuple[Image.Image, str]:
    """The stored master as RGB, and its mime type."""
    found = runtime.storage().read(key, "master")
    if found is None:
        raise MasterUnreadable(f"The master image {key[:12]}… is missing from storage.")
    try:
        picture = Image.open(io.BytesIO(found[0]))
        picture.load()
        # Masters are stored as RGB: convert() would copy the decoded photo (36 MB on 12 MP) for
        # nothing. Not closed: closing a Pillow image frees its pixels; the decoded bytes are all it holds.
        return (picture if picture.mode == "RGB" else picture.convert("RGB")), found[1]
    except (OSError, Image.DecompressionBombError, ValueError) as error:
        raise MasterUnreadable(f"The master image could not be read: {error}") from error


def rewrite_stored(
    key: str, change: Callable[[Image.Image], Image.Image], master: Image.Image | None = None
) -> TurnedFiles:
    """Write the photo in folder `key`, changed by `change`, as a new folder (every variant made again from
    the changed master); nothing in `key` changes. Turns, redactions and crops all go through here.

    Pass `master` when it is already decoded (the OCR run has it)."""
    if master is None:
        picture, mime = load_master(key)
    else:
        found = runtime.storage().read(key, "master")
        picture, mime = master, found[1] if found else "image/jpeg"
    changed = change(picture)
    variants = images.encode_variants(changed, mime, image_limits())
    new_key = images.sha256_of(variants["master"][0])
    storage = runtime.storage()
    if not storage.has(new_key):
        for variant, (data, variant_mime) in variants.items():
            storage.put(new_key, variant, data, variant_mime)
    return TurnedFiles(new_key, changed.width, changed.height)


def turn_stored(key: str, turn: int, master: Image.Image | None = None) -> TurnedFiles:
    """Write the photo in folder `key` turned `turn` clockwise as a new folder; nothing in `key` changes."""
    turned = rewrite_stored(key, lambda picture: picture.transpose(TRANSPOSE[quarter(turn)]), master)
    log.info("photo turned", extra={"from_key": key, "to_key": turned.key, "turn": quarter(turn)})
    return turned


def discard_if_unused(key: str) -> bool:
    """Delete the folder `key` when no image uses it (after a turn, or a turn whose result was dropped)."""
    used = db.session.scalar(select(exists().where(LeafletImage.stored_sha256 == key)))
    db.session.commit()
    if used:
        return False
    runtime.storage().delete(key)
    log.info("unused image folder removed", extra={"key": key})
    return True


def turn_image(image: LeafletImage, turn: int = 90) -> TurnedFiles:
    """A moderator's turn: new files, the row moved onto them (boxes too) and queued to be read again.

    Flushed, not committed: the caller commits with its audit entry, then discards the old folder. Raises
    MasterUnreadable, or PhotoChanged if the row moved to other files while the turn was made."""
    old_key, size = image.stored_sha256, (image.width, image.height)
    turned = turn_stored(old_key, turn)
    values = {
        "stored_sha256": turned.key,
        "width": turned.width,
        "height": turned.height,
        "rotation": quarter(image.rotation + turn),
        "rotation_manual": True,
        "ocr_words": turn_words(image.ocr_words, turn, size) if image.ocr_words else image.ocr_words,
    }
    moved = rows_changed(
        update(LeafletImage)
        .where(LeafletImage.id == image.id, LeafletImage.stored_sha256 == old_key)
        .values(**values)
        .execution_options(synchronize_session=False)
    )
    if moved != 1:
        db.session.rollback()
        discard_if_unused(turned.key)
        raise PhotoChanged(
            "The photo was changed while you turned it (its text was just read, or someone "
            "else turned it): look at it again and turn it if it still needs it."
        )
    db.session.refresh(image)
    return turned
