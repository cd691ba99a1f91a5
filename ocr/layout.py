"""Restore column reading order that Tesseract misses when the gutter between columns is narrow.

Tesseract sometimes reads two columns as one block of long lines ("left half | right half").
Inside each block we look for a vertical gutter: an x position that no word of a run of
consecutive lines crosses, and that splits enough of those lines into a left and a right part.
In that run the left column is then read before the right one.
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
_MIN_GAP_HEIGHTS = 1.2  # and be at least this many word heights wide

Line = list[int]  # indices of a line's words


def _gap_positions(lines: list[Line], boxes: list[WordBox], height: float) -> list[float]:
    """Centres of wide gaps between neighbouring words."""
    gaps = []
    for line in lines:
        for a, b in zip(line, line[1:]):
            if boxes[b].left - (boxes[a].left + boxes[a].width) >= _MIN_GAP_HEIGHTS * height:
                gaps.append((boxes[a].left + boxes[a].width + boxes[b].left) / 2)
    return gaps


def _is_word(word: WordBox) -> bool:
    """Letters or digits: dashes, bullets and specks in a gutter do not join two columns."""
    return any(ch.isalnum() for ch in word.text)


def _runs(lines: list[Line], boxes: list[WordBox], x: float) -> list[tuple[int, int]]:
    """(start, end) line ranges no word crosses at `x` and that split at least _MIN_SPLIT_LINES lines."""
    runs, start, split = [], None, 0
    for number, line in enumerate(lines + [[]]):
        crossing = not line or any(boxes[i].left < x < boxes[i].left + boxes[i].width
                                   for i in line if _is_word(boxes[i]))
        if not crossing:
            start = number if start is None else start
            split += min(boxes[i].left for i in line) < x < max(boxes[i].left for i in line)
            continue
        if start is not None and split >= _MIN_SPLIT_LINES:
            runs.append((start, number))
        start, split = None, 0
    return runs


def _order_block(lines: list[Line], boxes: list[WordBox]) -> list[list[int]]:
    """The block's word indices grouped into segments in reading order."""
    height = float(np.median([boxes[i].height for line in lines for i in line]))
    candidates = [(x, _runs(lines, boxes, x)) for x in set(_gap_positions(lines, boxes, height))]
    candidates = [(x, runs) for x, runs in candidates if runs]
    if not candidates:
        return [[i for line in lines for i in line]]
    x, runs = max(candidates, key=lambda c: (sum(end - start for start, end in c[1]), -c[0]))
    segments: list[list[int]] = []
    done = 0
    for start, end in runs:
        segments.append([i for line in lines[done:start] for i in line])
        run = [i for line in lines[start:end] for i in line]
        segments.append([i for i in run if boxes[i].left + boxes[i].width / 2 < x])
        segments.append([i for i in run if boxes[i].left + boxes[i].width / 2 >= x])
        done = end
    segments.append([i for line in lines[done:] for i in line])
    return [segment for segment in segments if segment]


Segment = tuple[list[int], tuple[int, int, int, int]]  # word indices, bounding box (x0, y0, x1, y1)


def _bounds(indices: list[int], boxes: list[WordBox]) -> tuple[int, int, int, int]:
    return (min(boxes[i].left for i in indices), min(boxes[i].top for i in indices),
            max(boxes[i].left + boxes[i].width for i in indices), max(boxes[i].top + boxes[i].height for i in indices))


def _widest_gap(spans: list[tuple[int, int]]) -> tuple[int, float]:
    """(width, position) of the widest empty stretch between `spans`, (-1, 0) when they all overlap."""
    best, position, reach = -1, 0.0, None
    for start, end in sorted(spans):
        if reach is not None and start - reach > best:
            best, position = start - reach, (start + reach) / 2
        reach = end if reach is None else max(reach, end)
    return best, position


def xy_cut(segments: list[Segment]) -> list[Segment]:
    """Segments in reading order: cut at the widest horizontal or vertical gap, recursively."""
    if len(segments) <= 1:
        return segments
    rows = _widest_gap([(b[1], b[3]) for _, b in segments])
    columns = _widest_gap([(b[0], b[2]) for _, b in segments])
    if rows[0] < 0 and columns[0] < 0:
        return segments  # overlapping both ways: keep Tesseract's order
    axis, (_, cut) = (1, rows) if rows[0] >= columns[0] else (0, columns)
    first = [s for s in segments if (s[1][axis] + s[1][axis + 2]) / 2 < cut]
    second = [s for s in segments if (s[1][axis] + s[1][axis + 2]) / 2 >= cut]
    if not first or not second:
        return segments
    return xy_cut(first) + xy_cut(second)


def reorder_columns(words: list[WordBox], to_upright: Matrix) -> list[WordBox]:
    """Words in reading order with narrow-gutter columns separated; boxes unchanged.

    `to_upright` maps the words' pixels to an upright view of the page, where columns are vertical.
    Blocks are first split at gutters Tesseract missed, then all blocks are put in order by XY-cut.
    """
    boxes = [replace(w, **dict(zip(("left", "top", "width", "height"),
                                   map_box(to_upright, w.left, w.top, w.width, w.height)))) for w in words]
    segments: list[Segment] = []
    for _, group in groupby(range(len(words)), key=lambda i: words[i].block):
        indices = list(group)
        lines = [list(line) for _, line in groupby(indices, key=lambda i: (words[i].paragraph, words[i].line))]
        parts = _order_block(lines, boxes) if len(lines) >= _MIN_SPLIT_LINES else [indices]
        segments += [(part, _bounds(part, boxes)) for part in parts]
    result: list[WordBox] = []
    for block, (indices, _) in enumerate(xy_cut(segments), start=1):
        result += [replace(words[i], block=block) for i in indices]
    return result
