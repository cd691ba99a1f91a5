"""How much of the page's print a reading explains, and where the unexplained print is.

Print is measured on the prepared page (all print dark on white, whatever its colour) as glyph-sized
connected components. A component is explained when a recognised word's box covers its centre. A
reading that leaves much print unexplained has missed text: a panel, a headline, a column, or a page
too small to read.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import cv2
import numpy as np

from ocr.geometry import Matrix, map_boxes
from ocr.result import WordBox

WORK_SIDE = 1600  # components are found on a copy no larger than this
_MIN_GLYPH = 4  # px on the work copy: smaller specks are noise, not print
_MAX_GLYPH_FRACTION = 0.2  # taller than this share of the page is a picture or a rule, not a glyph
_MIN_GLYPH_HEIGHTS = 0.4  # a glyph is at least this share of the text height (a full stop is in a word)
_MAX_ASPECT = 6.0  # wider or taller than this many times the other side: a rule or a border
_MIN_LINE_GLYPHS = 3  # a piece of a line of print has at least this many glyphs side by side ...
_MIN_TEXT_GLYPHS = 5  # a page with text has at least this many glyphs in pieces of line
_NOISY_INK = 0.35  # a prepared page this dark is noise or a picture ...
_MIN_LINE_SHARE = 0.1  # ... unless at least this share of its glyphs sit in lines
# So many glyph-sized specks on the work copy is grain, not print (real photos of leaflets: 80-1,600; camera
# noise or a blurred random pattern: 16,000 and more). With under _MIN_LINE_SHARE of them in lines, the page
# is noise however light it is: a few chance "lines" among the grain would cost a full Tesseract run (a 1.5 MB
# photo of blurred noise kept one busy for its whole time budget).
_GRAINY_GLYPHS = 5000
# Which way up the print is (`turned_over`): lines of this many glyphs or more ...
_TURN_GLYPHS = 5
_TURN_LINES = 6  # ... at least this many of them ...
# ... and this much more (or less) of their ink above their x-height band than below it, as a share of
# both: upright bench pages (tuning and wide_tuning, seeds 1 and 2) showed +0.04 to +0.75, pages the wrong
# way up -0.11 to -0.66
_TURN_BALANCE = 0.1


@dataclass(frozen=True)
class Glyphs:
    """Glyph-like components of a page: boxes (x0, y0, x1, y1) in the page's pixels."""

    boxes: np.ndarray  # shape (n, 4), float
    # pieces of line by (page shape, sideways): the text check and the turn test group the same glyphs
    pieces: dict[tuple[tuple[int, ...], bool], list[np.ndarray]] = field(
        default_factory=dict, compare=False, repr=False
    )

    def __len__(self) -> int:
        return len(self.boxes)


def glyphs(gray: np.ndarray, text_height: float = 0.0) -> Glyphs:
    """Glyph-sized dark components of a page that is dark print on white.

    With the page's `text_height` (px, e.g. the median height of its words), components far smaller
    are left out too: a photo's halftone dots and specks are not letters.
    """
    h, w = gray.shape[:2]
    factor = min(1.0, WORK_SIDE / max(h, w))
    small = (
        gray
        if factor == 1.0
        else cv2.resize(gray, (round(w * factor), round(h * factor)), interpolation=cv2.INTER_AREA)
    )
    ink = (small < 128).astype(np.uint8)
    count, _, stats, _ = cv2.connectedComponentsWithStats(ink, connectivity=8)
    stats = stats[1:]
    gw, gh = stats[:, cv2.CC_STAT_WIDTH], stats[:, cv2.CC_STAT_HEIGHT]
    limit = _MAX_GLYPH_FRACTION * max(small.shape[:2])
    smallest = max(_MIN_GLYPH, _MIN_GLYPH_HEIGHTS * text_height * factor)
    keep = (
        (np.maximum(gw, gh) >= smallest)
        & (gh <= limit)
        & (gw <= limit)
        & (gw <= _MAX_ASPECT * gh)
        & (gh <= _MAX_ASPECT * gw)
    )
    kept = stats[keep]
    boxes = np.column_stack([kept[:, 0], kept[:, 1], kept[:, 0] + kept[:, 2], kept[:, 1] + kept[:, 3]])
    return Glyphs(boxes.astype(np.float64) / factor)


def without_specks(found: Glyphs, text_height: float) -> Glyphs:
    """`found` less the components far smaller than `text_height`, as `glyphs(gray, text_height)` finds
    them: the page's components are not looked for twice."""
    sides = np.maximum(found.boxes[:, 2] - found.boxes[:, 0], found.boxes[:, 3] - found.boxes[:, 1])
    return Glyphs(found.boxes[sides >= _MIN_GLYPH_HEIGHTS * text_height])


def _corners(mapped: np.ndarray) -> np.ndarray:
    """(left, top, width, height) rows as (x0, y0, x1, y1) floats."""
    return np.column_stack([mapped[:, :2], mapped[:, :2] + mapped[:, 2:]]).astype(np.float64)


def word_boxes(words: list[WordBox], matrix: Matrix) -> np.ndarray:
    """Word boxes (x0, y0, x1, y1) carried through `matrix` (words' pixels to the page's)."""
    return _corners(map_boxes(matrix, [(w.left, w.top, w.width, w.height) for w in words]))


def word_boxes_through(boxes: np.ndarray, matrix: Matrix) -> np.ndarray:
    """Boxes (x0, y0, x1, y1) carried through `matrix`, as the bounding boxes of their corners."""
    boxes = np.asarray(boxes, np.float64).reshape(-1, 4)
    # whole pixels, cut towards zero as int() cuts them: the corner, and the size
    cut = np.column_stack([boxes[:, :2], boxes[:, 2:] - boxes[:, :2]]).astype(np.int64)
    return _corners(map_boxes(matrix, cut))


def median_height(boxes: np.ndarray) -> float:
    """Median height of word boxes (x0, y0, x1, y1), 0.0 when there are none."""
    return float(np.median(boxes[:, 3] - boxes[:, 1])) if len(boxes) else 0.0


def explained(found: Glyphs, boxes: np.ndarray) -> np.ndarray:
    """For each glyph, whether a word box covers its centre."""
    if not len(found) or not len(boxes):
        return np.zeros(len(found), bool)
    cx = (found.boxes[:, 0] + found.boxes[:, 2])[:, None] / 2
    cy = (found.boxes[:, 1] + found.boxes[:, 3])[:, None] / 2
    inside = (cx >= boxes[:, 0]) & (cx <= boxes[:, 2]) & (cy >= boxes[:, 1]) & (cy <= boxes[:, 3])
    return np.asarray(inside.any(axis=1))


def explained_share(found: Glyphs, boxes: np.ndarray) -> float:
    """Share of the glyphs that the word boxes explain; 1.0 on a page without print."""
    return float(explained(found, boxes).mean()) if len(found) else 1.0


def line_pieces(boxes: np.ndarray, shape: tuple[int, ...]) -> list[np.ndarray]:
    """Indices of `boxes` grouped into pieces of line: glyphs side by side, a letter's height apart."""
    mask = np.zeros(shape[:2], np.uint8)
    for x0, y0, x1, y1 in boxes:
        reach = 0.9 * (y1 - y0)
        cv2.rectangle(mask, (int(x0 - reach), int(y0)), (int(x1 + reach), int(y1)), 255, -1)
    _, labels = cv2.connectedComponents(mask, connectivity=8)
    cx = ((boxes[:, 0] + boxes[:, 2]) / 2).astype(int).clip(0, shape[1] - 1)
    cy = ((boxes[:, 1] + boxes[:, 3]) / 2).astype(int).clip(0, shape[0] - 1)
    label = labels[cy, cx]
    if not len(label):
        return []
    # each label's indices in ascending order, labels in ascending order (one sort, not a scan per label)
    order = np.argsort(label, kind="stable")
    return np.split(order, np.flatnonzero(np.diff(label[order])) + 1)


def _lines(
    found: Glyphs, shape: tuple[int, ...], sideways: bool, least: int = _MIN_LINE_GLYPHS
) -> tuple[np.ndarray, list[np.ndarray]]:
    """The glyphs' boxes, and their pieces of line of `least` glyphs or more side by side, in a band two
    glyphs high. `sideways`: in the page seen turned about its diagonal (rows are columns), where the lines
    of a page turned a quarter run across."""
    boxes = found.boxes[:, [1, 0, 3, 2]] if sideways else found.boxes
    shape = tuple(shape[1::-1] if sideways else shape[:2])
    key = (shape, sideways)
    if key not in found.pieces:
        found.pieces[key] = line_pieces(boxes, shape)
    lines = []
    for piece in found.pieces[key]:
        if len(piece) < least:
            continue
        kept = boxes[piece]
        height = float(np.median(kept[:, 3] - kept[:, 1]))
        if kept[:, 3].max() - kept[:, 1].min() <= 2 * height:
            lines.append(piece)
    return boxes, lines


def _line_glyphs(found: Glyphs, shape: tuple[int, ...], sideways: bool) -> int:
    """How many glyphs sit in pieces of line: three or more side by side, in a band two glyphs high."""
    return sum(len(piece) for piece in _lines(found, shape, sideways)[1])


def glyphs_in_lines(found: Glyphs, shape: tuple[int, ...]) -> int:
    """How many glyphs sit in pieces of line, whichever way round the page is (lines of a page turned a
    quarter run down it)."""
    if len(found) < _MIN_LINE_GLYPHS:
        return 0
    return max(_line_glyphs(found, shape, False), _line_glyphs(found, shape, True))


def has_text(found: Glyphs, gray: np.ndarray) -> bool:
    """Whether the page shows any lines of print: a fast test before Tesseract is run at all.

    A blank sheet has no glyphs; noise has specks that chain into blobs rather than lines, and leaves
    much of the prepared page dark. Tesseract would spend up to a minute finding nothing in noise.
    A page with a single line of print passes, whichever way round it is.
    """
    in_lines = glyphs_in_lines(found, gray.shape)
    if in_lines < _MIN_TEXT_GLYPHS:
        return False
    noisy = (
        float(np.count_nonzero(gray < 128)) / max(1, gray.size) >= _NOISY_INK or len(found) >= _GRAINY_GLYPHS
    )
    return not (noisy and in_lines < _MIN_LINE_SHARE * len(found))


def _ascenders(found: Glyphs, ink: np.ndarray, sideways: bool) -> tuple[int, float]:
    """How many lines of at least _TURN_GLYPHS glyphs the page holds, and how much more of their ink lies
    above their core band (the rows of half their peak ink or more: the x-height) than below it, as a
    share of both (-1 to 1). `sideways`: of the page seen turned about its diagonal, where "above" is left."""
    above = below = 0.0
    boxes, lines = _lines(found, ink.shape, sideways, _TURN_GLYPHS)
    ink = ink.T if sideways else ink
    for line in lines:
        x0, y0 = np.floor(boxes[line, :2].min(axis=0)).astype(int)
        x1, y1 = np.ceil(boxes[line, 2:].max(axis=0)).astype(int)
        rows = np.count_nonzero(ink[y0:y1, x0:x1], axis=1)
        if not rows.any():
            continue
        core = np.flatnonzero(rows >= 0.5 * rows.max())
        above += rows[: core[0]].sum()
        below += rows[core[-1] + 1 :].sum()
    return len(lines), (above - below) / max(1.0, above + below)


def turned_over(found: Glyphs, gray: np.ndarray) -> bool:
    """Whether the page's print is upside down or turned a quarter anticlockwise: the turns Tesseract's
    page analysis cannot read in place, which the page turned over (180 degrees) reads.

    Latin print has far more ink in ascenders and capitals (b, d, h, k, l, t) than in descenders (g, p,
    y): above a line's x-height band there is more ink than below it, and a page the wrong way up shows
    the opposite (upright lines: above the band; lines running down the page: left of it for a page
    turned a quarter anticlockwise). Measured on the lines found, horizontal or vertical, whichever are
    more. False when the page shows too few lines or no clear difference: the page is then
    read as given first, as without this evidence.
    """
    ink = gray < 128
    lines_across, across = _ascenders(found, ink, False)
    lines_down, down = _ascenders(found, ink, True)
    if max(lines_across, lines_down) < _TURN_LINES:
        return False
    if lines_across >= lines_down:
        return bool(across <= -_TURN_BALANCE)  # ascenders hang below the lines: upside down
    return bool(down >= _TURN_BALANCE)  # ascenders point left: turned a quarter anticlockwise
