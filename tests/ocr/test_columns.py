"""Newspaper columns that Tesseract's page analysis takes for a picture, and flat scans left unwarped.

Real Tesseract on the bench's `wide_tuning` photos (tuning layouts only) and on a Pillow-made tri-fold.
"""

from __future__ import annotations

import numpy as np

import ocr
from bench.ocr.metrics import cer
from ocr import page
from tests.ocr.layouts import trifold_page, wide_tuning_photo


def test_blurred_newspaper_columns_are_read_column_by_column() -> None:
    # seed 1, photo 3 (newspaper, level 3): psm 3 took the four columns of small blurred print for a picture
    # and read 82 of about 450 words; plain Tesseract's reading of the photo was chosen (CER 0.37)
    photo = wide_tuning_photo(1, 3)
    result = ocr.recognise(photo.image)
    text = result.text
    for words in ("insulate older", "disastrous decision", "oversubscribed by 140", "sewage pours"):
        assert words in text, text
    # each column in order, not across the gutters
    assert text.index("Energy bills") < text.index("advice surgeries") < text.index("Waiting"), text
    assert cer(photo.paragraphs[0], text) < 0.2, text


def test_a_flat_scan_with_a_dark_panel_at_its_edge_is_not_warped_to_its_bright_part() -> None:
    # the bright part of this tri-fold (two panels; the dark cover runs to the photo's edge) has a whole
    # side on the photo's frame: it was taken for a page on a background and warped to
    trifold = trifold_page()
    assert page.find_page(np.asarray(trifold.image.convert("L"))) is None
    result = ocr.recognise(trifold.image)
    for words in ("Local people know what their streets need", "Vote Alison", "Polling day is Thursday"):
        assert words in result.text, result.text
