"""Big print garbled by one reading taken from another (ocr/splice.py), by the readings' own confidences.

The real-Tesseract case is tests/test_compare_demo.py: plain Tesseract reads a template's "£19m" box as
"£ 1 mM", the prepared page reads it whole, and the figure is found again.
"""

from __future__ import annotations

import time

import numpy as np
from PIL import Image, ImageDraw, ImageFont

from ocr.regions import read_places
from ocr.result import WordBox
from ocr.splice import SURE, doubtful_lines, splice
from ocr.tesseract import Deadline
from tests.ocr.layouts import BOLD


def word(text: str, confidence: float, left: int, top: int, height: int = 20, line: int = 1) -> WordBox:
    return WordBox(text, confidence, left, top, 12 * len(text), height, 1, 1, line)


BODY = [word(text, 96, 10 + 70 * n, 10) for n, text in enumerate("Vote for change in your town".split())]
GARBLED = [word("£", 92, 10, 100, 53, 2), word("1", 95, 60, 100, 52, 2), word("mM", 32, 160, 108, 48, 2)]
CAPTION = [word("for", 96, 300, 110, 25, 2), word("services", 96, 350, 110, 25, 2)]


def test_an_unsure_run_of_big_print_is_doubtful_and_its_caption_is_not() -> None:
    assert doubtful_lines(BODY + GARBLED + CAPTION) == [GARBLED]
    sure = [word("£19m", 90, 10, 100, 53, 2)]
    assert doubtful_lines(BODY + sure + CAPTION) == []


def test_a_sure_reading_of_the_same_place_replaces_the_garbled_run_in_its_place() -> None:
    other = [word("£19m", 91, 12, 101, 52, 7), word("for", 96, 301, 111, 25, 7)]
    spliced = splice(BODY + GARBLED + CAPTION, other, np.eye(3), (1000, 1000))
    assert [w.text for w in spliced] == [
        "Vote",
        "for",
        "change",
        "in",
        "your",
        "town",
        "£19m",
        "for",
        "services",
    ]
    assert spliced[6].line == 2  # numbered as the line it replaced, so figures and order still join


def test_an_unsure_other_reading_changes_nothing() -> None:
    other = [word("f", 31, 12, 101, 52), word("8", 58, 60, 101, 52), word("m", 81, 160, 110, 41)]
    words = BODY + GARBLED + CAPTION
    assert splice(words, other, np.eye(3), (1000, 1000)) == words


def test_the_other_reading_is_carried_into_the_chosen_pixels() -> None:
    other = [word("£19m", 91, 6, 50, 26)]  # read on a copy at half size
    spliced = splice(BODY + GARBLED, other, np.diag([2.0, 2.0, 1.0]), (1000, 1000))
    assert [w.text for w in spliced][-1] == "£19m" and spliced[-1].top == 100


def test_a_run_of_big_print_is_read_again_from_its_place_alone() -> None:
    """The mend's own reading (ocr.regions.read_places): the figure's place cut from the photo, with the
    frame around it, is read whole and surely by real Tesseract."""
    page = Image.new("L", (1000, 400), 255)
    draw = ImageDraw.Draw(page)
    draw.rectangle((40, 60, 960, 300), outline=0, width=4)
    face = ImageFont.truetype(BOLD, 100)
    draw.text((80, 110), "£19m", fill=0, font=face)
    draw.text((440, 160), "for local services", fill=0, font=ImageFont.truetype(BOLD, 34))
    # where plain Tesseract's garbled "£ 1 mM" was: the figure's own box, the frame a few pixels off
    figure = np.array([draw.textbbox((80, 110), "£19m", font=face)], np.float64)
    read = read_places(np.asarray(page), figure, 0, "eng", Deadline(30.0, time.perf_counter), None)
    assert [w.text for w in read] == ["£19m"] and read[0].confidence >= SURE
    assert 60 <= read[0].left <= 100 and 100 <= read[0].top <= 140  # in the photo's pixels
