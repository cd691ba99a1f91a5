"""Word boxes land on the words in the pixels of the image that was passed in."""

from __future__ import annotations

from typing import Any

import pytesseract
import pytest
from PIL import Image

import ocr

WORDS = ("potholes", "councillors", "Conservatives", "collections")


def overlap(a: tuple[int, int, int, int], b: tuple[int, int, int, int]) -> float:
    """Intersection over union of two (left, top, right, bottom) boxes."""
    width = max(0, min(a[2], b[2]) - max(a[0], b[0]))
    height = max(0, min(a[3], b[3]) - max(a[1], b[1]))
    union = (a[2] - a[0]) * (a[3] - a[1]) + (b[2] - b[0]) * (b[3] - b[1]) - width * height
    return width * height / union


def box_of(result: ocr.OcrResult, text: str) -> tuple[int, int, int, int]:
    word = next(w for w in result.words if w.text.strip(".,") == text)
    return word.left, word.top, word.left + word.width, word.top + word.height


def reread(image: Image.Image, box: tuple[int, int, int, int], turn: int = 0) -> str:
    """Crop `box` (with a margin), turn it upright and read it as a single word."""
    margin = 6
    crop = image.crop((box[0] - margin, box[1] - margin, box[2] + margin, box[3] + margin))
    return pytesseract.image_to_string(crop.rotate(turn, expand=True), config="--psm 7").strip(" .,\n")


def test_boxes_match_drawn_words_when_the_page_is_rescaled(render: Any) -> None:
    page = render(size=(1100, 900))
    big = page.image.resize((2200, 1800))  # the pipeline shrinks this: boxes must come back scaled up
    result = ocr.recognise(big)
    for word in WORDS:
        drawn = tuple(2 * v for v in page.boxes[word])
        assert overlap(box_of(result, word), drawn) > 0.6, word  # type: ignore[arg-type]


def test_boxes_are_in_sideways_photo_pixels(plain_page: Any) -> None:
    photo = plain_page.image.rotate(90, expand=True)
    result = ocr.recognise(photo)
    for word in WORDS:
        box = box_of(result, word)
        assert box[3] - box[1] > box[2] - box[0]  # tall: the word runs down the sideways photo
        assert reread(photo, box, turn=-90) == word


@pytest.mark.parametrize("turn", [0, 180])
def test_boxes_are_in_photo_pixels_after_page_warp(plain_page: Any, photograph: Any, turn: int) -> None:
    photo, _ = photograph(plain_page.image)
    photo = photo.rotate(turn, expand=True)
    result = ocr.recognise(photo)
    for word in WORDS:
        assert reread(photo, box_of(result, word), turn=-turn) == word
