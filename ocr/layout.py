"""Restore column reading order that Tesseract misses when the gutter between columns is narrow.

Tesseract sometimes reads two columns as one block of long lines ("left half | right half").
Inside each block we look for a vertical gutter: an x position no word crosses and that splits
enough lines into a left and a right part. The left column is then read before the right one.
"""

from __future__ import annotations

import logging
from dataclasses import replace
from itertools import groupby

import numpy as np

from ocr.geometry import Matrix, map_box
from ocr.result import WordBox

logger = logging.getLogger(__name__)

_MIN_SPLIT_LINES = 3  # a gutter must separate words on at least this many lines
_MIN_GAP_HEIGHTS = 1.2  # and be at least this many line heights wide


def _line_key(word: WordBox) -> tuple[int, int, int]:
    return word.block, word.paragraph, word.line


def find_gutter(words: list[WordBox]) -> float | None:
    """x of a column gutter inside one block, or None."""
    lines = [list(group) for _, group in groupby(words, key=_line_key)]
    height = float(np.median([w.height for w in words]))
    candidates = []
    for line in lines:
        for left, right in zip(line, line[1:]):
            if right.left - (left.left + left.width) >= _MIN_GAP_HEIGHTS * height:
                candidates.append((left.left + left.width + right.left) / 2)
    for x in sorted(candidates, key=lambda c: -sum(abs(c - o) < height for o in candidates)):
        crossing = any(w.left < x < w.left + w.width for w in words)
        split = sum(1 for line in lines if min(w.left for w in line) < x < max(w.left for w in line))
        if not crossing and split >= _MIN_SPLIT_LINES:
            return x
    return None


def reorder_columns(words: list[WordBox], to_upright: Matrix) -> list[WordBox]:
    """Words in reading order with narrow-gutter columns separated; boxes unchanged.

    `to_upright` maps the words' pixels to an upright view of the page, where columns are vertical.
    """
    upright = [replace(w, **dict(zip(("left", "top", "width", "height"),
                                     map_box(to_upright, w.left, w.top, w.width, w.height)))) for w in words]
    result: list[WordBox] = []
    block = 1
    start = 0
    for _, group in groupby(range(len(words)), key=lambda i: words[i].block):
        indices = list(group)
        members = [upright[i] for i in indices]
        gutter = find_gutter(members) if len(members) >= 6 else None
        if gutter is None:
            result += [replace(words[i], block=block) for i in indices]
            block += 1
            continue
        left = [i for i in indices if upright[i].left + upright[i].width / 2 < gutter]
        right = [i for i in indices if upright[i].left + upright[i].width / 2 >= gutter]
        result += [replace(words[i], block=block) for i in left]
        result += [replace(words[i], block=block + 1) for i in right]
        block += 2
        start += 1
    logger.debug("split %d blocks into columns", start)
    return result
