"""Lines a reading ran across a gutter: evidence against a reading, on any photo.

Tesseract sometimes reads one line of a column on into the column beside it ("disastrous decision to
close than 300 people and nego-"), while the lines above and below keep to their columns. Such a line
has a wide gap between two of its words, and there the words of the lines just above and below leave
an empty channel with print on both sides: a gutter the line crossed. Nothing downstream can put the
two halves back in their columns, and the order of every block around it suffers, so a reading with
such a line must be weighed against another reading (plain Tesseract's), not trusted alone.
"""

from __future__ import annotations

from itertools import groupby

import numpy as np

from ocr import ink
from ocr.geometry import Matrix
from ocr.result import WordBox

_GAP_HEIGHTS = 1.0  # a gap between two words of a line at least this many word heights wide ...
_NEAR_HEIGHTS = 3.0  # ... where the words within this many word heights above and below the line ...
_CHANNEL_HEIGHTS = 1.0  # ... leave a channel this wide empty (a newspaper's gutter is 1.2-2 heights; the
# word spaces of the lines around a justified line's wide space are narrower than a word height, tilt and all)
_SIDE_WORDS = 2  # ... and hold this many words on each side of it, above and below alike


def _is_word(word: WordBox) -> bool:
    return any(ch.isalnum() for ch in word.text)


def _crosses(line: np.ndarray, near: np.ndarray, lines: np.ndarray, height: float) -> bool:
    """Whether a line's boxes (x0, y0, x1, y1, sorted by x0) span a channel that the `near` boxes (of the
    lines numbered `lines`) above it and below it leave empty, with print on both sides above and below,
    and that none of those lines spans too: lines that all run across the same gutter are a block read
    across two columns, which the reading order cuts at the gutter (`layout.py`)."""
    middle = (line[:, 1].min() + line[:, 3].max()) / 2
    above, below = near[near[:, 3] <= middle], near[near[:, 1] >= middle]
    for left, right in zip(line, line[1:]):
        start, end = int(left[2]), int(right[0])
        if end - start < _GAP_HEIGHTS * height:
            continue
        free = np.ones(end - start, bool)  # the gap's columns of pixels no word above or below reaches into
        for box in near:
            free[max(0, int(box[0]) - start) : max(0, int(box[2]) - start)] = False
        for x0, x1 in _runs(free):
            x = start + (x0 + x1) / 2
            if (
                x1 - x0 >= _CHANNEL_HEIGHTS * height
                and _both_sides(above, x)
                and _both_sides(below, x)
                and not _spanned(near, lines, x)
            ):
                return True
    return False


def _spanned(boxes: np.ndarray, lines: np.ndarray, x: float) -> bool:
    """Whether one of the lines numbered `lines` holds words on both sides of x."""
    return bool(set(lines[boxes[:, 2] < x].tolist()) & set(lines[boxes[:, 0] > x].tolist()))


def _runs(free: np.ndarray) -> list[tuple[int, int]]:
    """(start, end) of every run of True."""
    edges = np.flatnonzero(np.diff(np.concatenate([[0], free.astype(np.int8), [0]])))
    return list(zip(edges[::2].tolist(), edges[1::2].tolist()))


def _both_sides(boxes: np.ndarray, x: float) -> bool:
    """Whether `boxes` hold print on both sides of x."""
    return bool(
        np.count_nonzero(boxes[:, 2] < x) >= _SIDE_WORDS and np.count_nonzero(boxes[:, 0] > x) >= _SIDE_WORDS
    )


def lines_across_gutters(words: list[WordBox], to_upright: Matrix) -> int:
    """How many of the reading's lines run across a gutter that the lines around them keep to.

    `to_upright` maps the words' pixels to an upright view of the page, where columns are vertical.
    """
    real = [w for w in words if _is_word(w)]
    if len(real) < 2:
        return 0
    boxes = ink.word_boxes(real, to_upright)  # x0, y0, x1, y1
    height = float(np.median(boxes[:, 3] - boxes[:, 1]))
    reach = _NEAR_HEIGHTS * height
    numbers: dict[tuple[int, int, int], int] = {}
    ids = np.array([numbers.setdefault((w.block, w.paragraph, w.line), len(numbers)) for w in real])
    count = start = 0
    for _, run in groupby(real, key=lambda w: (w.block, w.paragraph, w.line)):
        end = start + sum(1 for _ in run)
        line = boxes[start:end][np.argsort(boxes[start:end, 0])]
        # the words of other lines whose rows lie within reach above or below this line, or beside it
        near = (boxes[:, 3] >= line[:, 1].min() - reach) & (boxes[:, 1] <= line[:, 3].max() + reach)
        near[start:end] = False
        own = max(height, float(np.median(line[:, 3] - line[:, 1])))  # a headline's spaces are wider
        count += _crosses(line, boxes[near], ids[near], own)
        start = end
    return count
