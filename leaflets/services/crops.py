"""A crop of a leaflet photo around some words (a figure, a term), so a finding shows the print it came from.

Word boxes are on the master image; the crop is cut from the display variant (scaled to it), padded so the
words sit in their line, and kept small. Only visible leaflets' photos are cropped (moderators see hidden
ones).
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from typing import Any

from PIL import Image

from leaflets import runtime
from leaflets.extensions import db
from leaflets.models import LeafletImage
from leaflets.services.errors import NotFound, ValidationFailed
from leaflets.services.leaflet_access import visible_leaflet

MAX_ID = 2**31 - 1
MAX_WIDTH = 640
PAD_X, PAD_Y = 4.0, 1.0  # padding in multiples of the box's height: the words around it show


@dataclass(frozen=True)
class Crop:
    data: bytes
    public: bool


def parse_box(raw: str | None, width: int, height: int) -> tuple[int, int, int, int]:
    try:
        left, top, box_width, box_height = (int(part) for part in (raw or "").split(","))
    except ValueError:
        raise ValidationFailed(
            "The box must be four whole numbers: left,top,width,height.", field="box", code="invalid_box"
        ) from None
    if (
        min(left, top) < 0
        or box_width <= 0
        or box_height <= 0
        or left + box_width > width
        or top + box_height > height
    ):
        raise ValidationFailed(
            f"The box must lie within the {width} × {height} photo.", field="box", code="invalid_box"
        )
    return left, top, box_width, box_height


def crop(image_id: int, raw_box: str | None, user: Any) -> Crop:
    image = db.session.get(LeafletImage, image_id) if 0 < image_id <= MAX_ID else None
    if image is None:
        raise NotFound(f"There is no photo {image_id}.")
    leaflet = visible_leaflet(image.leaflet_id, user)
    left, top, width, height = parse_box(raw_box, image.width, image.height)
    found = runtime.storage().read(image.sha256, "display") or runtime.storage().read(image.sha256, "master")
    if found is None:
        raise NotFound(f"The photo {image_id} is not stored.")
    with Image.open(io.BytesIO(found[0])) as picture:
        scale = picture.width / image.width
        pad_x, pad_y = PAD_X * height, PAD_Y * height
        region = (
            max(0, int((left - pad_x) * scale)),
            max(0, int((top - pad_y) * scale)),
            min(picture.width, int((left + width + pad_x) * scale) + 1),
            min(picture.height, int((top + height + pad_y) * scale) + 1),
        )
        cut = picture.convert("RGB").crop(region)
    if cut.width > MAX_WIDTH:
        cut = cut.resize(
            (MAX_WIDTH, max(1, round(cut.height * MAX_WIDTH / cut.width))), Image.Resampling.LANCZOS
        )
    buffer = io.BytesIO()
    cut.save(buffer, "JPEG", quality=82)
    return Crop(buffer.getvalue(), leaflet.is_live)
