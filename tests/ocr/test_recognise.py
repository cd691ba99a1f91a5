"""ocr.recognise on generated leaflets, with real Tesseract."""

from __future__ import annotations

import json
from typing import Any

import numpy as np
import pytest
from PIL import Image

import ocr

MUST_READ = {"potholes", "Station", "council", "cyclists", "Conservatives"}


def test_upright_page_reads_words_and_reports_confidence(plain_page: Any, read_words: Any) -> None:
    result = ocr.recognise(plain_page.image)
    assert MUST_READ <= read_words(result.text)
    assert result.rotation == 0
    assert 60 < result.confidence <= 100
    assert "total" in result.timings and "recognition" in result.timings


@pytest.mark.parametrize(
    ("counter_clockwise", "expected_rotation", "plain_read"),
    [(90, 90, False), (180, 180, False), (270, 270, True)],
)
def test_turned_page_is_read_upright(
    plain_page: Any, read_words: Any, counter_clockwise: int, expected_rotation: int, plain_read: bool
) -> None:
    result = ocr.recognise(plain_page.image.rotate(counter_clockwise, expand=True))
    assert MUST_READ <= read_words(result.text)
    assert result.rotation == expected_rotation
    # A flat scan is read by plain Tesseract first (it reads a page turned a quarter clockwise in place),
    # unless its print shows it upside down or a quarter anticlockwise: plain's reading of it would be
    # gibberish, so only the page turned over is read (one reading, not two).
    assert result.quality["candidates"] == 1.0 and result.quality["plain_chosen"] == float(plain_read)


def test_page_photographed_at_an_angle_on_carpet_is_read(
    plain_page: Any, photograph: Any, read_words: Any
) -> None:
    photo, _ = photograph(plain_page.image)
    result = ocr.recognise(photo)
    assert MUST_READ <= read_words(result.text)
    assert result.timings["page"] >= 0


def test_white_on_dark_headline_is_read(render: Any, read_words: Any) -> None:
    page = render("Save our hospital", white_on_dark=True)
    result = ocr.recognise(page.image)
    assert {"Save", "our", "hospital"} <= read_words(result.text)
    assert MUST_READ <= read_words(result.text)


def test_shaded_page_is_read(plain_page: Any, read_words: Any) -> None:
    pixels = np.asarray(plain_page.image).astype(np.float32)
    w = pixels.shape[1]
    light = np.linspace(1.0, 0.3, w, dtype=np.float32)[None, :, None]
    shaded = Image.fromarray((pixels * light).astype(np.uint8))
    assert MUST_READ <= read_words(ocr.recognise(shaded).text)


def test_blank_page_gives_empty_text() -> None:
    result = ocr.recognise(Image.new("RGB", (1200, 1600), "white"))
    assert (result.text, result.confidence, result.words) == ("", 0.0, [])


@pytest.mark.parametrize("size", [(20, 20), (1, 1), (300, 8)])
def test_tiny_image_does_not_fail(size: tuple[int, int]) -> None:
    result = ocr.recognise(Image.new("L", size, 128))
    assert isinstance(result.text, str)


def test_path_input(tmp_path: Any, plain_page: Any, read_words: Any) -> None:
    path = tmp_path / "leaflet.jpg"
    plain_page.image.save(path, quality=90)
    assert MUST_READ <= read_words(ocr.recognise(str(path)).text)
    assert MUST_READ <= read_words(ocr.recognise(path).text)


def test_result_round_trips_through_json(plain_page: Any) -> None:
    result = ocr.recognise(plain_page.image)
    restored = ocr.OcrResult.from_dict(json.loads(json.dumps(result.to_dict())))
    assert restored == result
    assert isinstance(restored.words[0], ocr.WordBox)


def test_preprocess_returns_upright_dark_on_white_page(render: Any) -> None:
    page = render("Save our hospital", white_on_dark=True)
    prepared = ocr.preprocess(page.image.rotate(90, expand=True))
    assert isinstance(prepared, Image.Image) and prepared.mode == "L"
    assert prepared.width > prepared.height  # turned back to landscape, as drawn
    pixels = np.asarray(prepared)
    assert np.median(pixels) > 200  # white ground, also where the navy band was


def test_upside_down_photo_is_read_upright_without_a_plain_reading(
    plain_page: Any, photograph: Any, read_words: Any
) -> None:
    # the prepared page had to be turned over: plain Tesseract, reading the photo as given, cannot win
    photo, _ = photograph(plain_page.image.rotate(180))
    result = ocr.recognise(photo)
    assert MUST_READ <= read_words(result.text)
    assert result.rotation == 180
    assert result.quality["candidates"] == 1.0 and result.quality["plain_chosen"] == 0.0
