"""Which reading order to publish: Tesseract's own, or the column order `layout.py` proposes.

Tesseract's order is the one plain Tesseract publishes, and on most pages it is right; where it is
not, the page shows it. The column order is used only on that evidence:

- Tesseract ran two columns together: `layout.reorder_columns` cut one of its blocks at a gutter that
  nearly every line leaves empty ("left half | right half" lines).
- Tesseract went back up a column: a block read after another that lies above it in the same x-range
  (a headline read after the column under it). Reading goes down a column, never up.
- Tesseract left a column and came back to it: a block, then a column beside it that runs on down
  alongside the next block of the first one's column. Reading columns one after the other never does
  that (the issue's "a right-hand column lands in the middle of the left one"); a short block beside a
  heading (a letter's reference beside its letterhead, above the address) is no column and proves nothing.

Otherwise the blocks keep Tesseract's order: a letter's reference beside its address, or a tri-fold's
panels, are orders the page does not settle, and re-ordering them would only trade one guess for another.
"""

from __future__ import annotations

from itertools import groupby

import numpy as np

from ocr import layout
from ocr.geometry import Matrix, map_boxes
from ocr.result import WordBox

Box = tuple[int, int, int, int]  # x0, y0, x1, y1 in the upright page
_SAME_COLUMN = 0.5  # a block shares this much of its width with a column's block ...
_NOT_WIDER = 1.5  # ... and is at most this many times as wide: a spanning footer is no column's block
_BELOW_SLACK = 0.5  # of a line's height: a block starting this little above another's foot is below it


def _block_boxes(words: list[WordBox], to_upright: Matrix) -> list[tuple[Box, float]]:
    """Each run of a block's words, in order: its upright bounding box and its median line height."""
    mapped = map_boxes(to_upright, [(w.left, w.top, w.width, w.height) for w in words])
    boxes = []
    start = 0
    for _, run in groupby(words, key=lambda w: w.block):
        end = start + sum(1 for _ in run)
        left, top, width, height = mapped[start:end].T
        x0, y0 = int(left.min()), int(top.min())
        x1, y1 = int((left + width).max()), int((top + height).max())
        heights = np.sort(height)
        boxes.append(((x0, y0, x1, y1), float(heights[len(heights) // 2])))
        start = end
    return boxes


def _beside(a: Box, b: Box) -> bool:
    return a[2] <= b[0] or b[2] <= a[0]


def _share_x(a: Box, b: Box) -> bool:
    """The two blocks share most of the narrower one's x-range."""
    shared = min(a[2], b[2]) - max(a[0], b[0])
    return shared >= _SAME_COLUMN * min(a[2] - a[0], b[2] - b[0])


def _below_in_column(a: Box, b: Box, height: float) -> bool:
    """`b` continues `a`'s column: mostly within its x-range, not much wider, and below it."""
    return (
        _share_x(a, b) and b[2] - b[0] <= _NOT_WIDER * (a[2] - a[0]) and b[1] >= a[3] - _BELOW_SLACK * height
    )


def _went_back_up(blocks: list[tuple[Box, float]]) -> bool:
    """A block read after one that lies below it in the same x-range."""
    for i, (earlier, height) in enumerate(blocks):
        for later, _ in blocks[i + 1 :]:
            if _share_x(earlier, later) and later[3] <= earlier[1] + _BELOW_SLACK * height:
                return True
    return False


def _came_back(blocks: list[tuple[Box, float]]) -> bool:
    """A block, a column beside it, then the first one's column again below, alongside that column."""
    for i, (first, height) in enumerate(blocks):
        beside: list[Box] = []
        for later, _ in blocks[i + 1 :]:
            if _beside(first, later):
                beside.append(later)
            elif _below_in_column(first, later, height) and any(b[3] > later[1] + height for b in beside):
                return True
    return False


def tesseract_order_is_wrong(words: list[WordBox], to_upright: Matrix) -> bool:
    """Whether the words' block order goes back up a column or leaves one and comes back to it."""
    blocks = _block_boxes(words, to_upright)
    return _went_back_up(blocks) or _came_back(blocks)


def _block_count(words: list[WordBox]) -> int:
    return sum(1 for _ in groupby(words, key=lambda w: w.block))


def reading_order(words: list[WordBox], to_upright: Matrix) -> list[WordBox]:
    """The words in Tesseract's order, or in column order where the page shows Tesseract's is wrong."""
    columns = layout.reorder_columns(words, to_upright)
    if _block_count(columns) > _block_count(words) or tesseract_order_is_wrong(words, to_upright):
        return columns
    return words
