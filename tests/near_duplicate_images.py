"""Pictures for the near-duplicate tests, made with Pillow: a leaflet on a national template (local names and
text swapped by `name` and `seed`), and the same page photographed again (perspective, light, blur)."""

from __future__ import annotations

import io
import random
from typing import Any

import numpy as np
from PIL import Image, ImageDraw, ImageEnhance, ImageFilter, ImageFont

BOLD = "/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf"
REGULAR = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"
WORDS = (
    "council roads school buses homes green jobs fair deal local nurses crime streets park library water "
    "bills energy housing rents family people vote town plan fix better future care health police village "
    "clean air train station market"
).split()


def template_leaflet(name: str, seed: int, size: tuple[int, int] = (1240, 1754)) -> Image.Image:
    """The party's template: the same header, photo box, footer and layout; the candidate's `name` and the
    body text (random words from `seed`) are what change from place to place."""
    rnd = random.Random(seed)
    width, height = size
    page = Image.new("RGB", size, "white")
    draw = ImageDraw.Draw(page)
    draw.rectangle((0, 0, width, height // 7), fill=(250, 166, 26))
    draw.text(
        (width // 20, height // 30), "LOCAL FOCUS", fill="white", font=ImageFont.truetype(BOLD, width // 14)
    )
    box = (width // 20, height // 6, width // 20 + width // 3, height // 6 + width // 3)
    draw.rectangle(box, fill=(90, 120, 160))
    draw.ellipse(
        (box[0] + width // 12, box[1] + width // 24, box[0] + width // 4, box[1] + width // 5),
        fill=(230, 200, 170),
    )
    head = ImageFont.truetype(BOLD, width // 18)
    draw.text((width // 2 - width // 20, height // 6), name, fill="black", font=head)
    draw.text(
        (width // 2 - width // 20, height // 6 + width // 12),
        "working for you",
        fill=(200, 100, 0),
        font=head,
    )
    body = ImageFont.truetype(REGULAR, width // 36)
    y = box[3] + height // 25
    while y < height - height // 8:
        draw.text(
            (width // 20, y),
            " ".join(rnd.choice(WORDS) for _ in range(7)).capitalize(),
            fill="black",
            font=body,
        )
        y += int(body.size * 1.6)
    draw.rectangle((0, height - height // 12, width, height), fill=(250, 166, 26))
    draw.text((width // 20, height - height // 15), "Promoted by A Agent, 1 High St", fill="black", font=body)
    return page


def rephotograph(page: Image.Image, seed: int = 1) -> Image.Image:
    """The page photographed again: on a table, seen at an angle (each corner moved up to 2%), darker and
    flatter, lit unevenly from one side, a little out of focus, and smaller."""
    rnd = random.Random(seed)
    width, height = page.size
    table = Image.new("RGB", (int(width * 1.1), int(height * 1.1)), (110, 90, 70))
    table.paste(page, (int(width * 0.05), int(height * 0.05)))
    tw, th = table.size

    def jitter(value: float, span: float) -> float:
        return value + rnd.uniform(-span, span)

    quad = (
        jitter(tw * 0.045, tw * 0.02),
        jitter(th * 0.045, th * 0.02),
        jitter(tw * 0.04, tw * 0.02),
        jitter(th * 0.955, th * 0.02),
        jitter(tw * 0.955, tw * 0.02),
        jitter(th * 0.96, th * 0.02),
        jitter(tw * 0.96, tw * 0.02),
        jitter(th * 0.04, th * 0.02),
    )
    photo = table.transform((width, height), Image.Transform.QUAD, quad, Image.Resampling.BICUBIC)
    photo = ImageEnhance.Contrast(ImageEnhance.Brightness(photo).enhance(0.8)).enhance(0.85)
    light = np.linspace(0.75, 1.1, width)[None, :, None]
    photo = Image.fromarray(np.clip(np.asarray(photo, dtype=np.float32) * light, 0, 255).astype(np.uint8))
    photo = photo.filter(ImageFilter.GaussianBlur(1.2))
    return photo.resize((int(width * 0.8), int(height * 0.8)))


def encode(picture: Image.Image, fmt: str = "JPEG", **options: Any) -> bytes:
    buffer = io.BytesIO()
    picture.save(buffer, fmt, **options)
    return buffer.getvalue()
