"""Coloured panels on severe photos: a dark band across the sheet, and faint print on a coloured panel.

Real Tesseract on Pillow-made photos and on the bench's `wide_tuning` photos (tuning layouts only).
"""

from __future__ import annotations

from typing import Any

import cv2
import numpy as np
from PIL import Image, ImageDraw, ImageFont

import ocr
from bench.ocr.metrics import cer
from ocr import faint, illumination, page
from tests.ocr.layouts import FONT, LEFT_AFTER_PANEL, RIGHT_COLUMN, wide_tuning_photo


def test_a_sheet_split_by_a_dark_band_across_it_is_found_whole(plain_page: Any, photograph: Any) -> None:
    # the band is the carpet's own colour, with a strip of paper below it: no edge parts band and carpet,
    # so the bright part above the band alone was the largest page-like outline, and the band and the
    # strip were cut off as background
    sheet = plain_page.image.copy()
    width, height = sheet.size
    ImageDraw.Draw(sheet).rectangle([0, int(height * 0.62), width, int(height * 0.86)], fill=(110, 45, 60))
    photo, corners = photograph(sheet)
    found = page.find_page(np.asarray(photo.convert("L")))
    assert found is not None
    assert np.abs(found - corners).max() < 15


def test_the_band_and_the_imprint_below_it_are_read_on_a_severe_photo() -> None:
    # seed 1, photo 15 (photo and charts, level 3, upside down): the page found stopped at the green band
    # ("Back Joanne Whitaker for Ashby Green" and its list), and the imprint below it was lost with it
    photo = wide_tuning_photo(1, 15)
    result = ocr.recognise(photo.image, timeout_s=300)  # a big photo, on a machine the suite shares
    for words in ("Back Joanne Whitaker for Ashby Green", "appointment within a week", "Printed by"):
        assert words in result.text, result.text
    assert cer(photo.paragraphs[0], result.text) < 0.3, result.text


def test_faint_print_is_stretched_to_the_threshold_black_print_sets() -> None:
    # black body text sets the page's one threshold; yellow print on orange, blurred as on a severe photo,
    # differs from its ground by a third as much, and the threshold leaves it white
    sheet = Image.new("RGB", (1200, 900), "white")
    draw, face = ImageDraw.Draw(sheet), ImageFont.truetype(FONT, 20)
    for y in range(80, 330, 26):
        draw.text((100, y), RIGHT_COLUMN[:70], font=face, fill=(15, 15, 15))
    draw.rectangle([80, 420, 1120, 820], fill=(225, 110, 20))
    for y in range(460, 780, 30):
        draw.text((120, y), LEFT_AFTER_PANEL[:70], font=face, fill=(250, 215, 40))
    blurred = cv2.GaussianBlur(np.asarray(sheet), (0, 0), 1.3)
    noisy = np.clip(blurred + np.random.default_rng(1).normal(0, 6, blurred.shape), 0, 255).astype(np.uint8)
    gray = illumination.normalise(cv2.cvtColor(noisy, cv2.COLOR_RGB2BGR))
    lifted, threshold = faint.stretched(gray)
    yellow = (slice(460, 780), slice(120, 1000))
    assert (gray[yellow] <= threshold).mean() < 0.01  # lost to the page's threshold
    assert (lifted[yellow] <= threshold).mean() > 0.1  # stretched, it is print again
    black = (slice(80, 330), slice(100, 1000))
    assert ((lifted[black] <= threshold) == (gray[black] <= threshold)).mean() > 0.995  # black print stays


def test_faint_print_on_a_coloured_panel_is_read_on_a_severe_photo() -> None:
    # seed 1, photo 21 (stacked panels, level 3, turned a quarter): the yellow list on the orange panel
    # and the orange line on the magenta panel were white on the prepared page: CER 0.576
    photo = wide_tuning_photo(1, 21)
    result = ocr.recognise(photo.image, timeout_s=300)
    for words in ("Fix the drains on", "No to the incinerator on the", "five days a week"):
        assert words in result.text, result.text
