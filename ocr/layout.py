"""Reading order: columns one after the other, blocks top to bottom, left to right.

Tesseract's blocks are mostly right, but it sometimes reads two columns with a narrow gutter as one
block of long lines ("left half | right half"), and its block order can put a right-hand column in the
middle of the left. A block is cut into columns only at a gutter: an x-range that the words of nearly
every line of the block leave empty. The wide spaces of a justified line are not gutters (the line
above has words there), so justified columns stay whole. The column pieces are then put in reading
order by recursive XY-cut (see `xy_cut`) and renumbered in that order.
"""

from __future__ import annotations

import logging
from dataclasses import replace
from itertools import groupby

import numpy as np

from ocr.geometry import Matrix, map_boxes
from ocr.result import WordBox

logger = logging.getLogger(__name__)

_MIN_GUTTER_LINES = 3  # a block needs this many lines before a gutter can be told from word spaces
_GUTTER_HEIGHTS = 0.8  # a gutter is at least this many word heights wide
_WIDE_GAP_HEIGHTS = 3.0  # in a block of one or two lines, a gap this wide separates two pieces of text
_GUTTER_CROSSING = 0.12  # share of the block's lines allowed to cross a gutter (a headline, a stray word)
_SIDE_COVER = 0.3  # both sides of a gutter hold words in at least this share of the lines
_NEAR = 3.0  # pieces within this many word heights above or below a line show where its columns part
_SECTION_HEIGHTS = 2.0  # a gap between two sections of columns is at least this many word heights
# A gap this many word heights wide from the top of the page to the foot parts a spread's panels (a tri-fold's
# folds): wider than a newspaper's gutters, and read panel by panel before any section break.
_PANEL_GAP_HEIGHTS = 3.5
# Two or more such gaps this wide are a tri-fold's folds (3.3-3.7 word heights on the bench's spreads; a
# newspaper's gutters are 1.2-2): one gap under 3.5 heights is a gutter between two columns.
_FOLD_GAP_HEIGHTS = 2.5
# A block holding a paragraph of this number is a chart's rows ("label value" each, `chart_rows.py`): its
# labels and values line up in columns with a gutter of bars between them, but it is read row by row.
ROWS_PARAGRAPH = 10_000
Box = tuple[int, int, int, int]  # x0, y0, x1, y1
Piece = tuple[list[int], Box]  # word indices in reading order, bounding box of its real words


def _is_word(word: WordBox) -> bool:
    """Letters or digits: dashes, bullets and specks in a gutter do not join two columns."""
    return any(ch.isalnum() for ch in word.text)


def _bounds(indices: list[int], boxes: list[WordBox]) -> Box:
    real = [i for i in indices if _is_word(boxes[i])] or indices
    return (
        min(boxes[i].left for i in real),
        min(boxes[i].top for i in real),
        max(boxes[i].left + boxes[i].width for i in real),
        max(boxes[i].top + boxes[i].height for i in real),
    )


def _coverage(lines: list[list[int]], boxes: list[WordBox], x0: int, x1: int) -> np.ndarray:
    """For each x in [x0, x1), how many lines have a real word there."""
    coverage = np.zeros(x1 - x0, np.int32)
    for line in lines:
        covered = np.zeros(x1 - x0, bool)
        for i in line:
            if _is_word(boxes[i]):
                covered[boxes[i].left - x0 : boxes[i].left + boxes[i].width - x0] = True
        coverage += covered
    return coverage


def gutters(lines: list[list[int]], boxes: list[WordBox], height: float) -> list[float]:
    """x positions of the gutters between columns that Tesseract read as one block.

    A block of a few lines has a gutter where every line leaves a wide gap; a longer block where
    nearly every line leaves any gap at least a gutter wide.
    """
    x0, _, x1, _ = _bounds([i for line in lines for i in line], boxes)
    if x1 - x0 < 4 * height:
        return []
    coverage = _coverage(lines, boxes, x0, x1)
    few = len(lines) < _MIN_GUTTER_LINES
    empty = coverage == 0 if few else coverage <= int(_GUTTER_CROSSING * len(lines))
    minimum = (_WIDE_GAP_HEIGHTS if few else _GUTTER_HEIGHTS) * height
    found: list[float] = []
    for is_empty, run in groupby(range(x1 - x0), key=lambda x: bool(empty[x])):
        xs = list(run)
        if not is_empty or xs[0] == 0 or xs[-1] == x1 - x0 - 1 or len(xs) < minimum:
            continue
        side = 1 if few else _SIDE_COVER * len(lines)
        if coverage[: xs[0]].max() >= side and coverage[xs[-1] + 1 :].max() >= side:
            found.append(x0 + (xs[0] + xs[-1]) / 2)
    return found


def _columns_of(lines: list[list[int]], boxes: list[WordBox], height: float) -> list[list[int]]:
    """The block's words as column pieces (one piece when it has no gutter or is a chart's rows), each in
    line order."""
    if any(boxes[i].paragraph == ROWS_PARAGRAPH for line in lines for i in line):
        return [[i for line in lines for i in line]]
    cuts = gutters(lines, boxes, height)
    pieces: list[list[int]] = [[] for _ in range(len(cuts) + 1)]
    for line in lines:
        for i in line:
            centre = boxes[i].left + boxes[i].width / 2
            pieces[sum(centre > cut for cut in cuts)].append(i)
    return [piece for piece in pieces if piece]


def _gaps(parts: list[Piece], axis: int) -> list[tuple[float, float]]:
    """(position, width) of every empty stretch between the pieces along `axis` (0: x, 1: y), in order."""
    found, reach = [], None
    for start, end in sorted((box[axis], box[axis + 2]) for _, box in parts):
        if reach is not None and start > reach:
            found.append(((start + reach) / 2, float(start - reach)))
        reach = end if reach is None else max(reach, end)
    return found


def _split(parts: list[Piece], axis: int, cut: float) -> tuple[list[Piece], list[Piece]]:
    first = [p for p in parts if (p[1][axis] + p[1][axis + 2]) / 2 < cut]
    return first, [p for p in parts if (p[1][axis] + p[1][axis + 2]) / 2 >= cut]


def _section_break(parts: list[Piece], height: float) -> tuple[list[Piece], list[Piece]] | None:
    """A wide horizontal gap with columns above and below it: two sections, read one after the other."""
    for cut, width in _gaps(parts, 1):
        if width >= _SECTION_HEIGHTS * height:
            upper, lower = _split(parts, 1, cut)
            if _gaps(upper, 0) and _gaps(lower, 0):
                return upper, lower
    return None


def _spanning(parts: list[Piece]) -> list[Piece]:
    """The widest pieces (headlines, banners) without which the rest falls into columns; [] if none."""
    x0, x1 = min(b[0] for _, b in parts), max(b[2] for _, b in parts)
    wide = sorted((p for p in parts if p[1][2] - p[1][0] >= 0.5 * (x1 - x0)), key=lambda p: p[1][0] - p[1][2])
    for count in range(1, len(wide) + 1):
        rest = [p for p in parts if not any(p is w for w in wide[:count])]
        if len(rest) >= 2 and _gaps(rest, 0):
            cut = _gaps(rest, 0)[0][0]
            return [p for p in parts if p[1][0] < cut < p[1][2]]
    return []


def _bands(parts: list[Piece], spanning: list[Piece], height: float) -> list[Piece]:
    """Read the pieces between spanning pieces band by band, each spanning piece in its place."""
    ordered: list[Piece] = []
    rest = [p for p in parts if not any(p is s for s in spanning)]
    for wide in sorted(spanning, key=lambda p: p[1][1] + p[1][3]):
        above = [p for p in rest if p[1][1] + p[1][3] < wide[1][1] + wide[1][3]]
        rest = [p for p in rest if not any(p is a for a in above)]
        ordered += xy_cut(above, height) + [wide]
    return ordered + xy_cut(rest, height)


def xy_cut(parts: list[Piece], height: float) -> list[Piece]:
    """Pieces in reading order by recursive XY-cut, columns first.

    In order of preference: two sections (a wide gap with columns above and below) are read one
    after the other; columns (an x-range empty from top to bottom) left before right, which keeps a
    column whole past a panel in it; bands between headlines or banners that span the columns; and
    failing all that, the topmost row first.
    """
    if len(parts) <= 1:
        return parts
    sections = _section_break(parts, height)
    if sections:
        return xy_cut(sections[0], height) + xy_cut(sections[1], height)
    columns = _gaps(parts, 0)
    if columns:
        left, right = _split(parts, 0, columns[0][0])
        return xy_cut(left, height) + xy_cut(right, height)
    spanning = _spanning(parts)
    if spanning and len(spanning) < len(parts):
        return _bands(parts, spanning, height)
    rows = _gaps(parts, 1)
    if rows:
        upper, lower = _split(parts, 1, rows[0][0])
        return xy_cut(upper, height) + xy_cut(lower, height)
    return parts  # overlapping both ways: keep Tesseract's order


def _panels(parts: list[Piece], height: float) -> list[list[Piece]]:
    """The page's panels, left to right: parted by gaps as wide as a spread's folds from the top of the whole
    page to its foot (one very wide gap, or two or more somewhat narrower). Each is read whole, even where
    all of them leave a wide gap at one height (a section break of the whole page); a gap within a part of
    the page (beside a letterhead) parts no panels."""
    wide = [(cut, width) for cut, width in _gaps(parts, 0) if width >= _FOLD_GAP_HEIGHTS * height]
    panels: list[list[Piece]] = []
    for cut, width in reversed(wide):
        if width >= _PANEL_GAP_HEIGHTS * height or len(wide) >= 2:
            parts, right = _split(parts, 0, cut)
            panels.insert(0, right)
    return [parts, *panels]


def _solid(piece: Piece, boxes: list[WordBox]) -> bool:
    """A piece holding a word of two or more letters or digits. A lone letter or mark (a photo's or a
    panel's edge read as "A") can sit across the gap between two panels: it must not join them."""
    return any(sum(ch.isalnum() for ch in boxes[i].text) >= 2 for i in piece[0])


def _ordered(pieces: list[Piece], boxes: list[WordBox], height: float) -> list[Piece]:
    """The pieces in reading order: the solid ones panel by panel, each by XY-cut; a speck stays after the
    piece Tesseract read before it."""
    solid = [p for p in pieces if _solid(p, boxes)]
    if not solid:
        return pieces
    ordered = [p for panel in _panels(solid, height) for p in xy_cut(panel, height)]
    following: dict[int, list[Piece]] = {}
    last = -1
    for piece in pieces:
        if _solid(piece, boxes):
            last = id(piece)
        else:
            following.setdefault(last, []).append(piece)
    result = following.get(-1, [])
    for piece in ordered:
        result += [piece, *following.get(id(piece), [])]
    return result


def _renumber(ordered: list[Piece], words: list[WordBox]) -> list[WordBox]:
    """Words in piece order; each piece a block, its paragraphs and lines numbered from 1."""
    result: list[WordBox] = []
    for block, (indices, _) in enumerate(ordered, start=1):
        paragraphs: dict[tuple[int, int], int] = {}
        lines: dict[tuple[int, int, int], int] = {}
        for i in indices:
            word = words[i]
            paragraph = paragraphs.setdefault((word.block, word.paragraph), len(paragraphs) + 1)
            line = lines.setdefault((word.block, word.paragraph, word.line), len(lines) + 1)
            result.append(replace(word, block=block, paragraph=paragraph, line=line))
    return result


def _channel(x: float, piece: Piece, pieces: list[Piece], height: float) -> bool:
    """Whether the pieces just above or below `piece` leave x empty, with print on both sides of it."""
    _, (_, top, _, bottom) = piece
    near = [
        b
        for _, b in pieces
        if b is not piece[1]
        and (bottom <= b[1] <= bottom + _NEAR * height or top - _NEAR * height <= b[3] <= top)
    ]
    return (
        any(b[2] < x for b in near)
        and any(b[0] > x for b in near)
        and not any(b[0] <= x <= b[2] for b in near)
    )


def _split_at_channel(piece: Piece, pieces: list[Piece], boxes: list[WordBox], height: float) -> list[Piece]:
    """A line or two that Tesseract ran across a gutter, cut where the columns below or above it part.

    Tesseract sometimes reads the first line of two columns as one line and the rest as two blocks.
    """
    indices, _ = piece
    lines = {(boxes[i].paragraph, boxes[i].line) for i in indices}
    real = sorted((i for i in indices if _is_word(boxes[i])), key=lambda i: boxes[i].left)
    if len(lines) > 2 or len(real) < 2:
        return [piece]
    own = max(height, float(np.median([boxes[i].height for i in real])))  # a headline's spaces are wider
    for left, right in zip(real, real[1:]):
        end, start = boxes[left].left + boxes[left].width, boxes[right].left
        x = (end + start) / 2
        if start - end >= own and _channel(x, piece, pieces, height):
            first = [i for i in indices if boxes[i].left + boxes[i].width / 2 < x]
            second = [i for i in indices if boxes[i].left + boxes[i].width / 2 >= x]
            return [
                (first, _bounds(first, boxes)),
                *_split_at_channel((second, _bounds(second, boxes)), pieces, boxes, height),
            ]
    return [piece]


def _upright(words: list[WordBox], to_upright: Matrix) -> list[WordBox]:
    mapped = map_boxes(to_upright, [(w.left, w.top, w.width, w.height) for w in words]).tolist()
    return [
        replace(w, left=left, top=top, width=width, height=height)
        for w, (left, top, width, height) in zip(words, mapped)
    ]


def reorder_columns(words: list[WordBox], to_upright: Matrix) -> list[WordBox]:
    """Words in reading order with merged columns separated; boxes unchanged.

    `to_upright` maps the words' pixels to an upright view of the page, where columns are vertical.
    """
    if not words:
        return []
    boxes = _upright(words, to_upright)
    heights = [b.height for b in boxes if _is_word(b)] or [b.height for b in boxes]
    height = float(np.median(heights))
    pieces: list[Piece] = []
    for _, in_block in groupby(range(len(words)), key=lambda i: words[i].block):
        block = list(in_block)
        lines = [list(g) for _, g in groupby(block, key=lambda i: (words[i].paragraph, words[i].line))]
        # a headline's word spaces scale with its type: measure them against its own height
        own = [boxes[i].height for i in block if _is_word(boxes[i])]
        size = max(height, float(np.median(own))) if own else height
        pieces += [(piece, _bounds(piece, boxes)) for piece in _columns_of(lines, boxes, size)]
    pieces = [part for piece in pieces for part in _split_at_channel(piece, pieces, boxes, height)]
    return _renumber(_ordered(pieces, boxes, height), words)
