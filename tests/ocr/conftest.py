"""Leaflet-like pages drawn with Pillow, with the position of every word drawn."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np
import pytest
from PIL import Image, ImageDraw, ImageFont

FONT = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"
BOLD = "/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf"

BODY = [
    "Residents have told us that the potholes on Station Road",
    "are a danger to cyclists. Our councillors reported them",
    "and will keep pushing until every one is fixed.",
    "The council wants to raise council tax by 4.99 percent",
    "while cutting bin collections and library hours.",
    "Only the Liberal Democrats can beat the Conservatives here.",
]


@dataclass
class Page:
    """A rendered page and the box (left, top, right, bottom) of each word drawn on it."""

    image: Image.Image
    boxes: dict[str, tuple[int, int, int, int]] = field(default_factory=dict)


def draw_lines(
    draw: ImageDraw.ImageDraw,
    lines: list[str],
    x: int,
    y: int,
    size: int,
    fill: object,
    boxes: dict[str, tuple[int, int, int, int]],
    bold: bool = False,
) -> int:
    """Draw lines word by word, recording each word's box; return the y below them."""
    font = ImageFont.truetype(BOLD if bold else FONT, size)
    space = font.getlength(" ")
    for line in lines:
        cursor = float(x)
        for word in line.split():
            draw.text((cursor, y), word, font=font, fill=fill)
            boxes.setdefault(word, tuple(int(v) for v in draw.textbbox((cursor, y), word, font=font)))
            cursor += font.getlength(word) + space
        y += int(size * 1.4)
    return y


def render_page(
    headline: str = "Fixing our potholes", white_on_dark: bool = False, size: tuple[int, int] = (1100, 900)
) -> Page:
    """A page with a headline (optionally white on a navy band) and six lines of body text."""
    image = Image.new("RGB", size, "white")
    draw = ImageDraw.Draw(image)
    page = Page(image)
    if white_on_dark:
        draw.rectangle([0, 40, size[0], 170], fill=(20, 40, 110))
    y = draw_lines(draw, [headline], 60, 70, 56, "white" if white_on_dark else "black", page.boxes, bold=True)
    draw_lines(draw, BODY, 60, y + 80, 28, (25, 25, 25), page.boxes)
    return page


def words_of(text: str) -> set[str]:
    """Words of OCR output without surrounding punctuation."""
    return {word.strip(".,;:!?\"'()") for word in text.split()}


def on_background(page: Image.Image, seed: int = 3, checks: int = 0) -> tuple[Image.Image, np.ndarray]:
    """The page photographed at an angle on a dark textured carpet; returns photo and page corners.

    With `checks`, the carpet has a woven check of that many pixels, as a doormat or tweed does.
    """
    import cv2

    rng = np.random.default_rng(seed)
    w, h = page.size
    canvas = (int(w * 1.4), int(h * 1.5))
    carpet = rng.normal(0, 18, (canvas[1], canvas[0], 1)) + np.array([60, 45, 110])
    if checks:
        ys, xs = np.mgrid[0 : canvas[1], 0 : canvas[0]]
        carpet += np.where((ys // checks + xs // checks) % 2, 40.0, -40.0)[..., None]
    carpet = cv2.GaussianBlur(np.clip(carpet, 0, 255).astype(np.uint8), (0, 0), 1.5)
    corners = np.float32([[150, 210], [w + 250, 160], [w + 300, h + 330], [110, h + 260]])
    source = np.float32([[0, 0], [w, 0], [w, h], [0, h]])
    matrix = cv2.getPerspectiveTransform(source, corners)
    bgr = cv2.cvtColor(np.asarray(page), cv2.COLOR_RGB2BGR)
    warped = cv2.warpPerspective(bgr, matrix, canvas)
    mask = cv2.warpPerspective(np.full((h, w), 255, np.uint8), matrix, canvas)[..., None] / 255.0
    photo = (warped * mask + carpet * (1 - mask)).astype(np.uint8)
    return Image.fromarray(cv2.cvtColor(photo, cv2.COLOR_BGR2RGB)), corners


@pytest.fixture(scope="session")
def plain_page() -> Page:
    """The standard test leaflet, drawn once."""
    return render_page()


@pytest.fixture(scope="session")
def render() -> Callable[..., Page]:
    """`render(headline=..., white_on_dark=..., size=...)` draws a page."""
    return render_page


@pytest.fixture(scope="session")
def photograph() -> Callable[..., tuple[Image.Image, np.ndarray]]:
    """`photograph(page_image)` puts a page at an angle on carpet; returns photo and corners."""
    return on_background


@pytest.fixture(scope="session")
def read_words() -> Callable[[str], set[str]]:
    """`read_words(text)`: the words of OCR output without punctuation."""
    return words_of
