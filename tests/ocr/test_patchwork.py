"""Per-region choice between two readings (`ocr/patchwork.py`), with real Tesseract on generated pages.

A page whose right-hand column one reading garbles (there the page is pixelated, as a blurred, JPEG-worn
photo's small print is) and another reads cleanly: the chosen reading keeps its own words wherever the
other is not clearly better, and takes the other's words for the column it read worse.
"""

from __future__ import annotations

import time

import numpy as np
from PIL import Image

import ocr
from ocr import patchwork, recognition, tesseract, text
from ocr.result import WordBox
from tests.ocr.layouts import two_columns, wide_tuning_photo

RIGHT = (630, 90, 1160, 800)  # the right-hand column's region


def right_column_worn(image: Image.Image) -> Image.Image:
    """The page with its right-hand column shrunk to a quarter and blown up again: mush Tesseract misreads."""
    worn = image.copy()
    column = image.crop(RIGHT)
    w, h = column.size
    worn.paste(column.resize((w // 4, h // 4), Image.BILINEAR).resize((w, h), Image.NEAREST), RIGHT[:2])
    return worn


def read(image: Image.Image) -> list[WordBox]:
    deadline = tesseract.Deadline(60, time.perf_counter)
    return recognition.recognise_words(np.asarray(image.convert("L")), "eng", deadline, None)


def test_a_column_one_reading_garbles_is_taken_from_the_other_reading() -> None:
    page = two_columns()
    clean, worn = read(page), read(right_column_worn(page))
    worn_text = text.assemble(worn)
    assert "restore the routes" not in worn_text, worn_text  # the worn column is misread ...
    assert "glossy reports" in worn_text, worn_text  # ... the other one is not
    patched = patchwork.patch(worn, clean)
    out = text.assemble(patched)
    for phrase in ("Buses matter to everyone", "restore the routes", "proper timetables", "glossy reports"):
        assert phrase in out, out
    # the left column is still the chosen reading's own words, and comes first
    left = [w for w in worn if w.left + w.width < RIGHT[0]]
    assert patched[: len(left)] == left
    assert out.index("glossy reports") < out.index("Buses matter")
    # the words taken from the other reading are a block of their own
    assert not {w.block for w in patched[: len(left)]} & {w.block for w in patched[len(left) :]}


def test_a_reading_no_region_of_which_is_read_worse_is_kept_whole() -> None:
    page = two_columns()
    clean, worn = read(page), read(right_column_worn(page))
    assert patchwork.patch(clean, worn) is clean
    assert patchwork.patch(clean, []) is clean


def test_a_photo_the_text_check_takes_for_noise_is_still_read_as_plain_tesseract_reads_it() -> None:
    # a tri-fold at level 3 of wide_tuning (seed 2): blur and JPEG noise make its print fail the text
    # check as noise, and nothing was read (CER 1.000); plain Tesseract reads it at 0.35
    photo = wide_tuning_photo(2, 19)
    result = ocr.recognise(photo.image)
    assert result.readable
    assert result.quality["plain_chosen"] == 1.0
    for words in ("Bethan Morgan", "Station Approach", "Riverside Park", "How people voted here"):
        assert words in result.text, result.text


def word(text: str, left: int, top: int, block: int, confidence: float = 95.0) -> WordBox:
    return WordBox(text, confidence, left, top, 20 * len(text), 40, block, 1, 1)


def test_words_the_chosen_reading_read_elsewhere_are_not_swapped_in_twice() -> None:
    # the real iPhone photo: the prepared reading read a line of small print beside the headline into the
    # headline's region, where plain read the headline less surely; plain read that line in its own block
    headline = [word(t, 100 + 200 * i, 300, 1, 40.0) for i, t in enumerate(["A", "FAIR", "DEAL", "ee"])]
    line = [word(t, 100 + 250 * i, 900, 2) for i, t in enumerate(["THURSDAY", "JULY", "CLEAR", "CHOICE"])]
    other = [word(t, 100 + 150 * i, 300, 1) for i, t in enumerate(["THURSDAY", "JULY", "CLEAR", "CHOICE"])]
    chosen = headline + line
    assert patchwork.patch(chosen, other + [word("FAIR", 400, 300, 1), word("DEAL", 600, 300, 1)]) is chosen


def test_a_region_swapped_in_keeps_apart_from_the_chosen_blocks_whatever_its_number() -> None:
    # second looks number their region blocks -1, -2, ...: shifted past the chosen reading's last block
    # they must not land on a block number the chosen reading still uses, or the two blocks' words merge
    garbled = [word(t, 100 + 200 * i, 300, 1, 30.0) for i, t in enumerate(["Vte", "tr", "ecc", "wmm"])]
    second = [word(t, 100 + 200 * i, 900, 2) for i, t in enumerate(["SCHOOLS", "NEED", "MORE", "TEACHERS"])]
    third = [word(t, 100 + 200 * i, 1500, 3) for i, t in enumerate(["VOTE", "GREEN", "ON", "THURSDAY"])]
    region = [word(t, 100 + 200 * i, 300, -2) for i, t in enumerate(["SAVE", "OUR", "LOCAL", "LIBRARY"])]
    patched = patchwork.patch(garbled + second + third, region)
    assert " ".join(w.text for w in patched[:4]) == "SAVE OUR LOCAL LIBRARY"
    blocks = [{w.block for w in part} for part in (patched[:4], patched[4:8], patched[8:])]
    assert all(len(b) == 1 for b in blocks) and len(set.union(*blocks)) == 3, blocks
