"""Lines run across a gutter (`ocr/crossings.py`), with real Tesseract on generated pages.

The evidence that sends a strong prepared reading to be weighed against plain Tesseract's: a line read
on from one column into the next while the lines around it keep to their columns.
"""

from __future__ import annotations

import time
from dataclasses import replace
from itertools import groupby

import numpy as np
import pytesseract
from PIL import Image, ImageDraw

import ocr
from bench.ocr.metrics import cer
from ocr import crossings, recognition, tesseract
from ocr.result import WordBox
from tests.ocr.layouts import LEFT_AFTER_PANEL, RIGHT_COLUMN, justified, two_columns, wide_tuning_photo

IDENTITY = np.eye(3)


def read(image: Image.Image) -> list[WordBox]:
    deadline = tesseract.Deadline(60, time.perf_counter)
    return recognition.recognise_words(np.asarray(image.convert("L")), "eng", deadline, None)


def lines(words: list[WordBox]) -> list[list[WordBox]]:
    return [list(run) for _, run in groupby(words, key=lambda w: (w.block, w.paragraph, w.line))]


def test_two_columns_read_apart_cross_no_gutter() -> None:
    words = read(two_columns())
    assert len({w.block for w in words}) >= 2, words  # Tesseract read the columns as blocks of their own
    assert crossings.lines_across_gutters(words, IDENTITY) == 0


def test_a_line_run_on_into_the_next_column_crosses_its_gutter() -> None:
    words = read(two_columns())
    rows = lines(words)
    third_left = [line for line in rows if line[0].left < 300][2]
    third_right = [line for line in rows if line[0].left > 600][2]
    assert abs(third_left[0].top - third_right[0].top) < 10  # the same row of both columns
    # Tesseract's mistake on a photo: the right column's third line read on as part of the left one's
    key = third_left[0]
    run_on = [replace(w, block=key.block, paragraph=key.paragraph, line=key.line) for w in third_right]
    merged: list[WordBox] = []
    for line in rows:
        if line is third_right:
            continue
        merged += line + (run_on if line is third_left else [])
    assert crossings.lines_across_gutters(merged, IDENTITY) == 1


def test_a_block_read_across_two_columns_line_by_line_is_left_to_the_reading_order() -> None:
    # every row of both columns read as one line: the order stage cuts such a block at its gutter
    # (`layout.py`), so it is no crossing (tuning-027, seed 2: nine such lines called plain's reading,
    # whose score then won with CER 0.543 against 0.103)
    rows = lines(read(two_columns()))
    left = [line for line in rows if line[0].left < 300]
    right = [line for line in rows if line[0].left > 600]
    assert len(left) >= 4 and len(right) >= len(left)
    merged: list[WordBox] = []
    for number, (first, second) in enumerate(zip(left, right), start=1):
        merged += [replace(w, block=1, paragraph=1, line=number) for w in first + second]
    assert crossings.lines_across_gutters(merged, IDENTITY) == 0


def test_a_justified_column_with_wide_word_spaces_crosses_nothing() -> None:
    # a narrow justified column: its word spaces are wide, but the lines around each one cover them
    image = Image.new("RGB", (700, 900), "white")
    justified(ImageDraw.Draw(image), RIGHT_COLUMN + " " + LEFT_AFTER_PANEL, 60, 60, 330, 26)
    words = read(image)
    assert len(words) > 60
    assert crossings.lines_across_gutters(words, IDENTITY) == 0


def test_a_strong_reading_that_ran_a_line_across_a_gutter_is_weighed_against_plain() -> None:
    # a newspaper at level 1 of wide_tuning (seed 2): the prepared reading, strong and covering 98% of the
    # print, ran "disastrous decision to close" on into "than 300 people and nego-" of the next column, and
    # plain Tesseract's reading (CER 0.029) was never made: 0.203
    photo = wide_tuning_photo(2, 17)
    result = ocr.recognise(photo.image, timeout_s=300)  # a big photo, on a machine the suite shares
    truth = photo.paragraphs[0]
    assert result.quality["candidates"] == 2.0
    assert "disastrous decision to close the children's centre" in result.text, result.text
    assert cer(truth, result.text) <= cer(truth, pytesseract.image_to_string(photo.image)) + 0.01, result.text
