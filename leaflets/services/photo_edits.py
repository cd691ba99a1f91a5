"""A moderator's redaction (blur or black out rectangles) and crop of a stored photo.

Both go the way of a turn (`image_turns.rewrite_stored`): every variant is made again from the changed master
under a new content-addressed folder, every row showing those files moves onto it (byte-identical copies share
one folder, so a copy can never keep showing what was covered), and the old folder is deleted from storage
once the commit lands. The OCR words under a rectangle (or outside a crop) leave the words, the text, a
volunteer's corrected text and its earlier versions, so search and the leaflet page stop showing them after
the re-index. The audit entry records the rectangles and how many words went, never the words themselves.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, fields
from typing import Any, Callable, Iterable

from flask import current_app
from PIL import Image, ImageDraw, ImageFilter
from sqlalchemy import delete, select, update

from leaflets import runtime
from leaflets.extensions import db, rows_changed
from leaflets.models import (
    Claim,
    ClaimOrigin,
    ClaimState,
    LeafletImage,
    OcrCorrection,
    OcrPriority,
    OcrStatus,
    User,
)
from leaflets.services import audit, image_turns, indexing
from leaflets.services.errors import Conflict, NotFound, ValidationFailed
from leaflets.services.word_alignment import align_text
from ocr.result import WordBox
from ocr.text import assemble

log = logging.getLogger(__name__)

STYLES = {"blur": "Blur", "black": "Black out"}
MAX_BOXES = 30
COVERED_SHARE = (
    0.3  # a word a rectangle covers this much of is taken out (a name half-covered is still legible)
)
KEPT_SHARE = 0.5  # a crop keeps a word at least this much inside it
MIN_CROP_EDGE = 50  # pixels: smaller than this is no photo of a leaflet


@dataclass(frozen=True)
class Box:
    left: int
    top: int
    width: int
    height: int

    @property
    def right(self) -> int:
        return self.left + self.width

    @property
    def bottom(self) -> int:
        return self.top + self.height

    def as_list(self) -> list[int]:
        return [self.left, self.top, self.width, self.height]


def _clipped(values: Iterable[Any], size: tuple[int, int], field: str) -> Box:
    try:
        left, top, width, height = (int(round(float(v))) for v in values)
    except (TypeError, ValueError):
        raise ValidationFailed(
            "Give a rectangle as four whole numbers: left, top, width and height.", field=field
        ) from None
    picture_w, picture_h = size
    right, bottom = min(left + width, picture_w), min(top + height, picture_h)
    left, top = max(left, 0), max(top, 0)
    if width <= 0 or height <= 0 or right <= left or bottom <= top:
        raise ValidationFailed(
            f"The rectangle must have a width and height and lie on the photo "
            f"({picture_w} × {picture_h} pixels).",
            field=field,
        )
    return Box(left, top, right - left, bottom - top)


def parse_boxes(drawn: str | None, typed: tuple[Any, Any, Any, Any], size: tuple[int, int]) -> list[Box]:
    """Rectangles drawn on the photo ("left,top,width,height;..." in photo pixels) and the one typed into the
    numeric fields (the way without JavaScript, or to set one exactly). At least one is needed."""
    boxes = [_clipped(part.split(","), size, "boxes") for part in (drawn or "").split(";") if part.strip()]
    if any(str(value or "").strip() for value in typed):
        boxes.append(_clipped(typed, size, "left"))
    if not boxes:
        raise ValidationFailed(
            "Draw a rectangle on the photo, or type its left, top, width and height.", field="left"
        )
    if len(boxes) > MAX_BOXES:
        raise ValidationFailed(f"At most {MAX_BOXES} rectangles at a time.", field="boxes")
    return boxes


# --- pixels -------------------------------------------------------------------------------------------------


def _blur_region(region: Image.Image) -> Image.Image:
    """Pixelate to coarse blocks, then blur: nothing of the text's shapes survives, unlike a light blur."""
    block = max(8, min(region.size) // 4)
    small = region.resize(
        (max(1, region.width // block), max(1, region.height // block)), Image.Resampling.BOX
    )
    coarse = small.resize(region.size, Image.Resampling.NEAREST)
    return coarse.filter(ImageFilter.GaussianBlur(radius=max(4, block // 2)))


def redacted(picture: Image.Image, boxes: list[Box], style: str) -> Image.Image:
    out = picture.copy()
    if style == "black":
        draw = ImageDraw.Draw(out)
        for box in boxes:
            draw.rectangle((box.left, box.top, box.right - 1, box.bottom - 1), fill="black")
        return out
    for box in boxes:
        area = (box.left, box.top, box.right, box.bottom)
        out.paste(_blur_region(out.crop(area)), area)
    return out


# --- words and text -----------------------------------------------------------------------------------------


def _overlap(box: Box, word: tuple[int, int, int, int]) -> float:
    """The share of the word's box that lies inside `box`."""
    left, top, width, height = word
    across = max(0, min(box.right, left + width) - max(box.left, left))
    down = max(0, min(box.bottom, top + height) - max(box.top, top))
    return across * down / max(1, width * height)


def _word_box(word: dict[str, Any]) -> tuple[int, int, int, int]:
    return tuple(int(word.get(name, 0)) for name in ("left", "top", "width", "height"))  # type: ignore[return-value]


def covered(word_box: tuple[int, int, int, int] | None, boxes: list[Box]) -> bool:
    return word_box is not None and any(_overlap(box, word_box) >= COVERED_SHARE for box in boxes)


def text_of(words: list[dict[str, Any]]) -> str:
    """The text OCR would have given for these words (paragraphs one per line, blocks apart)."""
    names = {f.name for f in fields(WordBox)}
    return assemble([WordBox(**{k: v for k, v in word.items() if k in names}) for word in words])


def scrub_text(
    text: str, words: list[dict[str, Any]] | None, gone: Callable[[tuple[int, int, int, int] | None], bool]
) -> tuple[str, int]:
    """A typed text without the words that stand on photo boxes `gone` rejects; its paragraphs and lines
    kept."""
    removed = 0
    paragraphs = []
    for paragraph in align_text(text, words):
        lines = []
        for line in paragraph:
            kept = [word.text for word in line if not gone(word.box)]
            removed += len(line) - len(kept)
            if kept:
                lines.append(" ".join(kept))
        if lines:
            paragraphs.append("\n".join(lines))
    return "\n\n".join(paragraphs), removed


# --- the edit -----------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Edit:
    """What happens to the pixels and to the word boxes (None: the word goes)."""

    action: str
    change: Callable[[Image.Image], Image.Image]
    move_word: Callable[[tuple[int, int, int, int]], tuple[int, int, int, int] | None]
    details: dict[str, Any]


def redaction(boxes: list[Box], style: str) -> Edit:
    if style not in STYLES:
        raise ValidationFailed("Choose blur or black out.", field="style")
    return Edit(
        "redact",
        lambda picture: redacted(picture, boxes, style),
        lambda word: None if covered(word, boxes) else word,
        {"style": style, "rectangles": [box.as_list() for box in boxes]},
    )


def crop(boxes: list[Box]) -> Edit:
    if len(boxes) != 1:
        raise ValidationFailed(
            "A crop needs exactly one rectangle: the part of the photo to keep.", field="boxes"
        )
    box = boxes[0]
    if min(box.width, box.height) < MIN_CROP_EDGE:
        raise ValidationFailed(f"Keep at least {MIN_CROP_EDGE} × {MIN_CROP_EDGE} pixels.", field="width")

    def move(word: tuple[int, int, int, int]) -> tuple[int, int, int, int] | None:
        if _overlap(box, word) < KEPT_SHARE:
            return None
        left, top = max(word[0], box.left), max(word[1], box.top)
        right, bottom = min(word[0] + word[2], box.right), min(word[1] + word[3], box.bottom)
        return left - box.left, top - box.top, right - left, bottom - top

    return Edit(
        "crop",
        lambda picture: picture.crop((box.left, box.top, box.right, box.bottom)),
        move,
        {"rectangle": box.as_list()},
    )


def _moved_words(words: list[dict[str, Any]] | None, edit: Edit) -> tuple[list[dict[str, Any]] | None, int]:
    if words is None:
        return None, 0
    kept = []
    for word in words:
        box = edit.move_word(_word_box(word))
        if box is not None:
            kept.append({**word, **dict(zip(("left", "top", "width", "height"), box))})
    return kept, len(words) - len(kept)


def _new_values(row: LeafletImage, edit: Edit, files: image_turns.TurnedFiles) -> tuple[dict[str, Any], int]:
    words, removed = _moved_words(row.ocr_words, edit)
    values: dict[str, Any] = {
        "stored_sha256": files.key,
        "width": files.width,
        "height": files.height,
        "ocr_words": words,
    }
    if row.ocr_words is not None and row.ocr_text is not None:
        values["ocr_text"] = text_of(words or [])

    def gone(box: tuple[int, int, int, int] | None) -> bool:
        return box is not None and edit.move_word(box) is None

    if row.corrected_text is not None:
        values["corrected_text"], typed_removed = scrub_text(row.corrected_text, row.ocr_words, gone)
        removed = max(removed, typed_removed)
    for version in db.session.scalars(select(OcrCorrection).where(OcrCorrection.image_id == row.id)):
        version.text = scrub_text(version.text, row.ocr_words, gone)[0]
    # Machine suggestions not taken up were cut from the old text (an address line has a number in it): they
    # go, and are suggested again from the new text; a volunteer's accepted claim is theirs and stays.
    db.session.execute(
        delete(Claim).where(
            Claim.image_id == row.id,
            Claim.origin == ClaimOrigin.SUGGESTED,
            Claim.state != ClaimState.ACCEPTED,
        )
    )
    if row.ocr_status == OcrStatus.RUNNING:
        # A run reading the old pixels must not write its text (with the covered words) afterwards: taking its
        # lease away makes its result land nowhere (jobs._held_by); the photo is read again, redacted.
        values.update(
            ocr_status=OcrStatus.PENDING,
            lease_owner=None,
            leased_until=None,
            next_attempt_at=None,
            ocr_priority=OcrPriority.INTERACTIVE,
        )
    return values, removed


def edit_photo(image_id: int, moderator: User, edit: Edit, reason: str = "") -> LeafletImage:
    """Apply a redaction or crop to the photo and every row sharing its files; commit with the audit entry,
    then delete the old files and re-index the leaflets that show them."""
    image = db.session.get(LeafletImage, image_id)
    if image is None:
        raise NotFound(f"There is no image {image_id}.")
    old_key, old_size = image.stored_sha256, [image.width, image.height]
    try:
        files = image_turns.rewrite_stored(old_key, edit.change)
    except image_turns.MasterUnreadable as error:
        raise Conflict(f"This photo cannot be changed: {error}") from None
    rows = list(
        db.session.scalars(
            select(LeafletImage).where(LeafletImage.stored_sha256 == old_key).order_by(LeafletImage.id)
        )
    )
    removed, read_again = 0, []
    for row in rows:
        values, row_removed = _new_values(row, edit, files)
        if values.get("ocr_status") == OcrStatus.PENDING:
            read_again.append(row.id)
        removed = max(removed, row_removed)
        moved = rows_changed(
            update(LeafletImage)
            .where(LeafletImage.id == row.id, LeafletImage.stored_sha256 == old_key)
            .values(**values)
            .execution_options(synchronize_session=False)
        )
        if moved != 1:  # OCR (or another moderator) moved the row onto other files meanwhile
            db.session.rollback()
            image_turns.discard_if_unused(files.key)
            raise Conflict(
                "The photo was changed while you worked on it (its text was just read, or another "
                "moderator changed it): look at it again."
            )
    leaflet_ids = sorted({row.leaflet_id for row in rows})
    audit.record(
        moderator,
        edit.action,
        "image",
        image.id,
        reason=reason,
        before={"files": old_key, "size": old_size},
        after={"files": files.key, "size": [files.width, files.height]},
        leaflet_id=image.leaflet_id,
        words_removed=removed,
        copies=[row.id for row in rows],
        **edit.details,
    )
    db.session.commit()
    if not image_turns.discard_if_unused(old_key):
        log.warning(
            "old photo files still in use after an edit", extra={"key": old_key, "image_id": image_id}
        )
    if read_again and "ocr_queue" in current_app.extensions.get("straight_choice", {}):
        runtime.ocr_queue().enqueue(read_again)
    for leaflet_id in leaflet_ids:
        indexing.leaflet_changed(leaflet_id)
    db.session.refresh(image)
    log.info(
        "photo edited",
        extra={
            "image_id": image.id,
            "action": edit.action,
            "words_removed": removed,
            "rows": len(rows),
            "to_key": files.key,
        },
    )
    return image
