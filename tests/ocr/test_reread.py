"""Weak blocks read again from the grey photo (`ocr/reread.py`), put back where the order put the block."""

from __future__ import annotations

from dataclasses import replace

import pytesseract

import ocr
from bench.ocr.metrics import cer
from ocr import reread
from ocr.result import WordBox
from tests.ocr.layouts import wide_tuning_photo


def word(text: str, left: int, top: int, block: int, line: int = 1) -> WordBox:
    return WordBox(text, 60.0, left, top, 20 * len(text), 40, block, 1, line)


def test_a_block_read_again_takes_the_place_the_order_gave_the_block() -> None:
    heading = [word("Parks", 100, 50, 1), word("matter", 250, 50, 1)]
    misread = [word("Our", 100, 200, 2), word("perks", 200, 200, 2), word("ere", 350, 200, 2)]
    footer = [word("Printed", 100, 400, 3)]
    again = [word("Our", 101, 201, -1), word("parks", 201, 201, -1), word("are", 351, 201, -1)]
    # the order stage renumbered the blocks and put the footer first: the swap follows the block
    ordered = [replace(w, block=n) for n, block in enumerate((footer, heading, misread)) for w in block]
    out = reread.put_back(ordered, [reread.Swap(misread, again)])
    assert [w.text for w in out] == ["Printed", "Parks", "matter", "Our", "parks", "are"]
    assert {w.block for w in out[3:]} == {2}  # numbered as the block it replaces, apart from the others
    assert reread.put_back(ordered, []) == ordered


def test_a_block_the_order_cut_apart_is_left_as_it_was() -> None:
    block = [word("left", 100, 100, 1), word("right", 700, 100, 1)]
    between = word("Elsewhere", 100, 300, 2)
    ordered = [block[0], between, block[1]]  # cut at a gutter, the other column read in between
    swap = reread.Swap(block, [word("lift", 100, 100, -1), word("night", 700, 100, -1)])
    assert reread.put_back(ordered, [swap]) == ordered


def test_a_paragraph_a_strong_reading_misread_is_read_again_from_the_grey_photo() -> None:
    # a tri-fold at level 3 of wide_tuning (seed 1): the prepared reading, strong overall and read alone,
    # misread a paragraph of blurred small print letter by letter ("perks ere Riveruide bendstend end
    # cleered"); plain Tesseract, reading the photo as given, read it at CER 0.078 to our 0.100
    photo = wide_tuning_photo(1, 19)
    result = ocr.recognise(photo.image, timeout_s=300)  # a big photo, on a machine the suite shares
    for words in ("are precious", "Friends of Riverside Park", "restored the bandstand and cleared"):
        assert words in result.text, result.text
    truth = photo.paragraphs[0]
    assert cer(truth, result.text) <= cer(truth, pytesseract.image_to_string(photo.image)) + 0.01, result.text
