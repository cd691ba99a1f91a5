"""Big print that one reading garbled, taken from another reading of the same page.

Plain Tesseract reads a clean page well except its biggest print: a figure set in a box ("£19m") comes
out a character at a time, with pieces dropped or guessed ("£ 1 mM"), while the prepared page, scaled so
that its text is the size Tesseract reads best, reads it whole. Choosing between readings per page keeps
plain's reading of everything else; this swaps in the other reading line by line, only where the chosen
one is itself unsure (a word of low confidence in a line of big print) and the other is sure.
"""

from __future__ import annotations

from collections.abc import Iterable
from itertools import groupby

import numpy as np

from ocr.geometry import Matrix
from ocr.recognition import to_master
from ocr.result import WordBox

BIG = 2.0  # a line whose words are this many times the page's median word height is big print
DOUBTFUL = 50.0  # a word read below this confidence makes its line of big print doubtful
SURE = 80.0  # the other reading's words there must each be read at least this confidently


def _line_key(word: WordBox) -> tuple[int, int, int]:
    return word.block, word.paragraph, word.line


def _lines(words: Iterable[WordBox]) -> list[list[WordBox]]:
    return [list(line) for _key, line in groupby(words, key=_line_key)]


def doubtful_lines(words: list[WordBox]) -> list[list[WordBox]]:
    """Runs of big print within a line (a box's figure beside its caption) holding a word the reading is
    unsure of."""
    if not words:
        return []
    big = BIG * float(np.median([w.height for w in words]))
    runs: list[list[WordBox]] = []
    for line in _lines(words):
        for is_big, run in groupby(line, key=lambda w: w.height >= big):
            piece = list(run)
            if is_big and min(w.confidence for w in piece) < DOUBTFUL:
                runs.append(piece)
    return runs


def _inside(word: WordBox, box: tuple[float, float, float, float]) -> bool:
    x, y = word.left + word.width / 2, word.top + word.height / 2
    return box[0] <= x <= box[2] and box[1] <= y <= box[3]


def splice(
    words: list[WordBox], other: list[WordBox], other_to_words: Matrix, size: tuple[int, int]
) -> list[WordBox]:
    """`words` with each doubtful line of big print replaced by `other`'s words in the same place, when
    `other` read that place surely. `other_to_words` carries `other`'s pixels into `words`' image of
    `size` (width, height)."""
    carried = to_master(other, other_to_words, size)
    out = list(words)
    for line in doubtful_lines(words):  # a run of big print in a line
        pad = 0.25 * max(w.height for w in line)
        box = (
            min(w.left for w in line) - pad,
            min(w.top for w in line) - pad,
            max(w.left + w.width for w in line) + pad,
            max(w.top + w.height for w in line) + pad,
        )
        there = [w for w in carried if _inside(w, box)]
        if not there or min(w.confidence for w in there) < SURE:
            continue
        at = out.index(line[0])
        block, paragraph, number = _line_key(line[0])
        kept = [w for w in out if w not in line]
        # the new words take the old line's place and numbering, so reading order and figures still join
        new = [
            WordBox(w.text, w.confidence, w.left, w.top, w.width, w.height, block, paragraph, number)
            for w in sorted(there, key=lambda w: w.left)
        ]
        out = kept[:at] + new + kept[at:]
    return out
