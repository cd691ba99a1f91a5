"""Reading order that survives columns with a narrow gutter.

Tesseract sometimes reads two columns as one block of long lines ("left half | right half").
Every line is cut into fragments at gaps much wider than a word space, and the fragments are put
in reading order by recursive XY-cut: split at the widest empty horizontal or vertical stretch,
read top before bottom and left before right. Blocks are then renumbered in that order.
"""

from __future__ import annotations

import logging
from dataclasses import replace
from itertools import groupby

import numpy as np

from ocr.geometry import Matrix, map_box
from ocr.result import WordBox

logger = logging.getLogger(__name__)

_GAP_HEIGHTS = 1.2  # a gap this many word heights wide inside a line separates two columns
Box = tuple[int, int, int, int]  # x0, y0, x1, y1
Fragment = tuple[list[int], Box]  # word indices, bounding box of its real words


def _is_word(word: WordBox) -> bool:
    """Letters or digits: dashes, bullets and specks in a gutter do not join two columns."""
    return any(ch.isalnum() for ch in word.text)


def _bounds(indices: list[int], boxes: list[WordBox]) -> Box:
    real = [i for i in indices if _is_word(boxes[i])] or indices
    return (min(boxes[i].left for i in real), min(boxes[i].top for i in real),
            max(boxes[i].left + boxes[i].width for i in real),
            max(boxes[i].top + boxes[i].height for i in real))


def fragments(line: list[int], boxes: list[WordBox], gap: float) -> list[Fragment]:
    """Cut one line at gaps wider than `gap` between real words."""
    parts: list[list[int]] = [[]]
    right_edge: int | None = None
    for i in line:
        box = boxes[i]
        if _is_word(box) and right_edge is not None and box.left - right_edge > gap:
            parts.append([])
        parts[-1].append(i)
        if _is_word(box):
            right_edge = box.left + box.width
    return [(part, _bounds(part, boxes)) for part in parts if part]


def _widest_gap(spans: list[tuple[int, int]]) -> tuple[int, float]:
    """(width, position) of the widest empty stretch between `spans`, (-1, 0) when they all overlap."""
    best, position, reach = -1, 0.0, None
    for start, end in sorted(spans):
        if reach is not None and start - reach > best:
            best, position = start - reach, (start + reach) / 2
        reach = end if reach is None else max(reach, end)
    return best, position


def xy_cut(parts: list[Fragment]) -> list[Fragment]:
    """Fragments in reading order: cut at the widest horizontal or vertical gap, recursively."""
    if len(parts) <= 1:
        return parts
    rows = _widest_gap([(b[1], b[3]) for _, b in parts])
    columns = _widest_gap([(b[0], b[2]) for _, b in parts])
    if rows[0] < 0 and columns[0] < 0:
        return parts  # overlapping both ways: keep Tesseract's order
    axis, (_, cut) = (1, rows) if rows[0] >= columns[0] else (0, columns)
    first = [p for p in parts if (p[1][axis] + p[1][axis + 2]) / 2 < cut]
    second = [p for p in parts if (p[1][axis] + p[1][axis + 2]) / 2 >= cut]
    if not first or not second:
        return parts
    return xy_cut(first) + xy_cut(second)


def _renumber(ordered: list[Fragment], words: list[WordBox]) -> list[WordBox]:
    """Words in fragment order; a new block starts where Tesseract's block changes or the reading jumps up."""
    result: list[WordBox] = []
    block, previous = 0, None
    for line, (indices, box) in enumerate(ordered, start=1):
        first = words[indices[0]]
        if previous is None or first.block != previous[0] or box[1] < previous[1]:
            block += 1
        previous = (first.block, box[1])
        result += [replace(words[i], block=block, line=line) for i in indices]
    return result


def reorder_columns(words: list[WordBox], to_upright: Matrix) -> list[WordBox]:
    """Words in reading order with narrow-gutter columns separated; boxes unchanged.

    `to_upright` maps the words' pixels to an upright view of the page, where columns are vertical.
    """
    if not words:
        return []
    boxes = [replace(w, **dict(zip(("left", "top", "width", "height"),
                                   map_box(to_upright, w.left, w.top, w.width, w.height)))) for w in words]
    heights = [b.height for b in boxes if _is_word(b)] or [b.height for b in boxes]
    gap = _GAP_HEIGHTS * float(np.median(heights))
    parts: list[Fragment] = []
    def line_of(i: int) -> tuple[int, int, int]:
        return words[i].block, words[i].paragraph, words[i].line

    for _, grouped in groupby(range(len(words)), key=line_of):
        line = list(grouped)
        # a headline's word spaces scale with its type: measure them against its own height, not the body's
        own = [boxes[i].height for i in line if _is_word(boxes[i])]
        parts += fragments(line, boxes, max(gap, _GAP_HEIGHTS * float(np.median(own))) if own else gap)
    return _renumber(xy_cut(parts), words)
