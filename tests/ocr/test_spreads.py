"""Tri-fold spreads photographed: read panel by panel.

Photos of the bench's `wide_tuning` set (made alone, as the bench makes them), read with real Tesseract.
"""

from __future__ import annotations

import numpy as np

import ocr
from ocr import layout
from ocr.result import WordBox
from tests.ocr.layouts import wide_tuning_photo


def test_a_spread_is_read_panel_by_panel_past_a_speck_across_a_fold() -> None:
    # seed 1, photo 19 (level 3): the folds are 3.3 word heights wide, and a speck at the cover's edge read as
    # "A" sat across the second; the spread was read as two sections, the left panel's chart and closing
    # paragraph after the cover (CER 0.159 against plain's 0.078)
    page = wide_tuning_photo(1, 19)
    result = ocr.recognise(page.image)
    text = result.text
    assert text.index("Volunteers") < text.index("never gives up") < text.index("planning committee"), text
    assert text.index("planning committee") < text.index("Safer streets") < text.index("Re-elect"), text


def block(text: str, box: tuple[int, int, int, int], number: int) -> list[WordBox]:
    """A block of lines of print 30 px high filling `box`, its first word `text`."""
    x0, y0, x1, y1 = box
    lines = range(y0, y1 - 29, 40) if y1 - y0 >= 30 else [y0]
    return [
        WordBox(text if i == 0 else "print", 90.0, x0, y, x1 - x0, min(30, y1 - y0), number, 1, i + 1)
        for i, y in enumerate(lines)
    ]


def test_a_lone_letter_across_a_fold_does_not_join_two_panels() -> None:
    # the blocks of photo 19's reading (upright page pixels, word height 30): each panel has a wide band empty
    # at the same height, and only the speck "A" bridged the fold between the middle panel and the cover
    blocks = [
        block("Achieved", (70, 80, 515, 450), 1),
        block("Volunteers", (60, 760, 600, 910), 2),
        block("Quote", (700, 80, 1200, 500), 3),
        block("Imprint", (700, 1275, 1230, 1335), 4),
        [WordBox("A", 40.0, 1220, 1330, 135, 70, 5, 1, 1)],
        block("Headline", (1340, 100, 1815, 280), 6),
        block("Re-elect", (1345, 1145, 1870, 1300), 7),
        block("Chart", (85, 650, 550, 720), 8),  # read last by Tesseract: back up the left panel
    ]
    words = [w for b in blocks for w in b]
    ordered = [w.text for w in layout.reorder_columns(words, np.eye(3)) if w.text != "print"]
    assert ordered == ["Achieved", "Chart", "Volunteers", "Quote", "Imprint", "A", "Headline", "Re-elect"]
