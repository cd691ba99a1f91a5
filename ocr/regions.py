"""Second looks at print the page reading left unexplained: panels, banners, headlines too big or small.

Tesseract's page layout analysis drops what it takes for pictures: a headline set very large, a panel
of pale text on a dark colour (when the plain reading won), a caption on a photo. On the prepared page
all print is dark on white, so such text shows as glyph-sized components that no word box covers.
Those components are grouped into regions (a glyph joins its neighbours within about a letter's height),
and each region that looks like lines of text is cut out, scaled so its letters are the size Tesseract
reads best, and read on its own. Its words are kept only when the evidence says they are real text.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, replace

import cv2
import numpy as np

from ocr import dictionary, evidence, orientation, recognition, tesseract
from ocr.errors import OcrTimeout
from ocr.geometry import Matrix, map_box, scaling, translation
from ocr.ink import Glyphs, explained, glyphs, line_pieces, word_boxes_through
from ocr.result import WordBox

logger = logging.getLogger(__name__)

MAX_REGIONS = 8  # regions looked at again per page, largest first (all in one Tesseract run)
_MIN_GLYPHS = 4  # fewer unexplained glyphs than this are not a line of text
_MIN_HEIGHT = 7.0  # px on the prepared page: smaller print cannot be read however it is scaled
_TARGET_HEIGHT = 30.0  # glyph height the region is scaled to
_MAX_REGION_SHARE = 0.5  # a region covering more of the page than this is a picture, not a panel
_MIN_PACKING = 0.2  # glyphs x height^2 / region area: about 1 for lines of text, far less for a photo
# ... or this share of the region covered by glyph boxes: blurred print joins letters into whole words,
# which are few glyphs but cover a column's lines (0.36-0.45 on a blurred newspaper photo)
_MIN_COVER = 0.3
_MAX_CROP_PIXELS = 3_000_000  # a scaled region larger than this is not read (it would take seconds)
_REGION_SECONDS = 5.0  # and no region reading may take longer than this
_MIN_SHARE = 0.6  # a region's reading is kept when this much of it is dictionary words ...
_MIN_CONFIDENCE = 70.0  # ... read with at least this mean confidence
# A place re-read for a reading is a run of words (box to box, not glyph to glyph): a tight margin keeps
# a frame round a figure out of the cut, and the words' box height holds ascenders and descenders.
_PLACE_MARGIN = 0.25
_PLACE_HEIGHT = 40.0
_FAINT_WIDTH = 3.0  # a region of faint print narrower than this many glyph heights is no word
_BAR_WIDTH = 2.5  # a dark shape this many letter heights wide in a row of print is a bar, not a letter
# A region of this many glyphs or more is parted at its gutters: x-ranges at least this many glyph
# heights wide that (nearly) none of its glyphs reaches (newspaper gutters are 1.2-2 word heights; the
# word spaces of justified lines do not line up down a column).
_COLUMNS_FROM = 40
_GUTTER_HEIGHTS = 0.8
_GUTTER_CROSSING = 0.1  # glyphs that may cross a gutter, per line of the region


def _stack(segments: list[np.ndarray], boxes: np.ndarray) -> list[np.ndarray]:
    """Pieces of line merged into regions: lines of similar size above one another, close together."""
    spans = np.array([[*boxes[s, :2].min(axis=0), *boxes[s, 2:].max(axis=0)] for s in segments])
    heights = np.array([float(np.median(boxes[s, 3] - boxes[s, 1])) for s in segments])
    parent = list(range(len(segments)))

    def root(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for i in range(len(segments)):
        big = np.maximum(heights[i], heights)
        similar = np.minimum(heights[i], heights) * 1.5 >= big
        overlap_x = np.minimum(spans[i, 2], spans[:, 2]) > np.maximum(spans[i, 0], spans[:, 0])
        gap_y = np.maximum(spans[i, 1], spans[:, 1]) - np.minimum(spans[i, 3], spans[:, 3])
        for j in np.flatnonzero(similar & overlap_x & (gap_y <= 1.2 * big)):
            parent[root(int(j))] = root(i)
    merged: dict[int, list[int]] = {}
    for i, segment in enumerate(segments):
        merged.setdefault(root(i), []).extend(segment.tolist())
    return [np.array(group) for group in merged.values()]


def _groups(found: Glyphs, unexplained: np.ndarray, shape: tuple[int, ...]) -> list[np.ndarray]:
    """Indices of the unexplained glyphs, grouped into regions of similar print, most glyphs first."""
    indices = np.flatnonzero(unexplained)
    if len(indices) < _MIN_GLYPHS:
        return []
    boxes = found.boxes[indices]
    groups = _stack(line_pieces(boxes, shape), boxes)
    return sorted((indices[g] for g in groups if len(g) >= _MIN_GLYPHS), key=len, reverse=True)


def _columns(boxes: np.ndarray, group: np.ndarray) -> list[np.ndarray]:
    """A region parted at its gutters into columns, left to right (the region itself when it has none).

    Lines of a page's columns a gutter apart join into one region (a letter's reach bridges a narrow
    gutter); read as one region, Tesseract would read across the columns, and the region is too thinly
    packed with print to be taken for text at all. A few glyphs may cross a gutter (a speck, a headline
    over two columns).
    """
    if len(group) < _COLUMNS_FROM:
        return [group]
    own = boxes[group]
    height = float(np.median(own[:, 3] - own[:, 1]))
    left = int(own[:, 0].min())
    coverage = np.zeros(int(own[:, 2].max()) - left + 1, np.int32)
    for x0, _, x1, _ in own.astype(int):
        coverage[x0 - left : x1 - left] += 1
    lines = (own[:, 3].max() - own[:, 1].min()) / (2 * height)  # at most: lines are over a height apart
    empty = np.concatenate([[0], (coverage <= int(_GUTTER_CROSSING * lines)).astype(np.int8), [0]])
    starts, ends = np.flatnonzero(np.diff(empty) == 1), np.flatnonzero(np.diff(empty) == -1)
    wide = [(a, b) for a, b in zip(starts, ends, strict=True) if b - a >= _GUTTER_HEIGHTS * height]
    cuts = [left + (a + b) / 2 for a, b in wide]
    centres = (own[:, 0] + own[:, 2]) / 2
    parts = [group[np.digitize(centres, cuts) == n] for n in range(len(cuts) + 1)]
    return [part for part in parts if len(part)]


def _textlike(boxes: np.ndarray, page_area: float) -> bool:
    """Glyphs of a readable size and similar heights, packed as closely as letters are.

    A photo's halftone dots also come in rows of similar specks, but spread thinly over a large area.
    """
    heights = boxes[:, 3] - boxes[:, 1]
    median = float(np.median(heights))
    similar = np.mean(np.abs(heights - median) <= 0.35 * median)
    x0, y0 = boxes[:, 0].min(), boxes[:, 1].min()
    area = float((boxes[:, 2].max() - x0) * (boxes[:, 3].max() - y0))
    covered = float(((boxes[:, 2] - boxes[:, 0]) * (boxes[:, 3] - boxes[:, 1])).sum())
    packed = len(boxes) * median * median >= _MIN_PACKING * area or covered >= _MIN_COVER * area
    return median >= _MIN_HEIGHT and similar >= 0.5 and packed and area <= _MAX_REGION_SHARE * page_area


@dataclass(frozen=True)
class _Crop:
    """A region cut out of the page and scaled, and where it sits on the sheet all regions share."""

    image: np.ndarray
    back: Matrix  # crop pixels -> page pixels
    top: int = 0  # rows above it on the sheet
    column: bool = False  # a column of the page's body text or faint print, not an extra: read however long


def _crop(
    master: np.ndarray,
    to_master: Matrix,
    turn: int,
    boxes: np.ndarray,
    margin: float = 0.6,
    target: float = _TARGET_HEIGHT,
) -> _Crop | None:
    """The region around `boxes` (upright page pixels) cut from the photo itself, upright, dark on light,
    and scaled so its glyphs are `target` px high (the height Tesseract reads best), with `margin` times
    their height around them.

    The photo is used rather than the prepared page: flattening hollows out very large letters.
    `to_master` maps upright page pixels to photo pixels; `turn` makes the photo upright.
    """
    height = float(np.median(boxes[:, 3] - boxes[:, 1]))
    pad = margin * height
    x0, y0 = boxes[:, 0].min() - pad, boxes[:, 1].min() - pad
    x1, y1 = boxes[:, 2].max() + pad, boxes[:, 3].max() + pad
    mx, my, mw, mh = map_box(to_master, int(x0), int(y0), int(x1 - x0), int(y1 - y0))
    left, top = max(0, mx), max(0, my)
    right, bottom = min(master.shape[1], mx + mw), min(master.shape[0], my + mh)
    if right - left < 4 or bottom - top < 4:
        return None
    upright, to_cut = orientation.rotate_quarter(master[top:bottom, left:right], turn)
    page_per_master = float(np.sqrt((x1 - x0) * (y1 - y0) / max(1, mw * mh)))
    factor = float(np.clip(target / height * page_per_master, 0.05, 4.0))
    if upright.size * factor * factor > _MAX_CROP_PIXELS:
        return None
    image = cv2.resize(
        upright, None, fx=factor, fy=factor, interpolation=cv2.INTER_AREA if factor < 1 else cv2.INTER_CUBIC
    )
    if np.median(image) < 128:
        image = 255 - image  # pale print on a dark panel
    return _Crop(image, translation(left, top) @ to_cut @ scaling(factor))


def _column_crop(master: np.ndarray, to_master: Matrix, boxes: np.ndarray) -> _Crop | None:
    """A column of body text (boxes in upright page pixels) cut from the photo, warped flat and upright at
    the page's scale, its lighting flattened, left grey.

    Warped rather than boxed: a box around a column of a tilted photo holds slanting pieces of the next
    column. At the page's scale the print is already the height Tesseract reads well (its page analysis,
    not the size, lost the column; a sheet of four columns enlarged twice took seconds to read). Grey
    rather than the prepared page's two levels: Otsu breaks blurred small print (a newspaper at level 3:
    CER 0.47 read from the two-level page, 0.09 from grey).
    """
    pad = 0.6 * float(np.median(boxes[:, 3] - boxes[:, 1]))
    x0, y0 = max(0.0, boxes[:, 0].min() - pad), max(0.0, boxes[:, 1].min() - pad)
    width, height = int(boxes[:, 2].max() + pad - x0), int(boxes[:, 3].max() + pad - y0)
    if min(width, height) < 4:
        return None
    back = to_master @ translation(x0, y0)
    flags = cv2.INTER_LINEAR | cv2.WARP_INVERSE_MAP  # `back` maps the crop's pixels to the photo's
    flat = cv2.warpPerspective(master, back, (width, height), flags=flags, borderMode=cv2.BORDER_REPLICATE)
    return _Crop(_even_paper(flat, 4 * pad), back, column=True)


def _faint_crop(master: np.ndarray, to_master: Matrix, boxes: np.ndarray) -> _Crop | None:
    """Faint print (boxes in upright page pixels, `faint.py`) cut from the photo, warped flat and upright,
    scaled to the height Tesseract reads best, pale print on a dark ground turned dark on light, its
    ground made white and the crop split by its own threshold: faint in the photo too, it would otherwise be
    one grey shape to the sheet's one threshold (Tesseract's)."""
    height = float(np.median(boxes[:, 3] - boxes[:, 1]))
    if boxes[:, 2].max() - boxes[:, 0].min() < _FAINT_WIDTH * height:
        return None  # specks down a panel's edge, not a word
    pad, factor = 0.6 * height, _TARGET_HEIGHT / max(1.0, height)
    x0, y0 = max(0.0, boxes[:, 0].min() - pad), max(0.0, boxes[:, 1].min() - pad)
    width, tall = int((boxes[:, 2].max() + pad - x0) * factor), int((boxes[:, 3].max() + pad - y0) * factor)
    if min(width, tall) < 4 or width * tall > _MAX_CROP_PIXELS:
        return None
    back = to_master @ translation(x0, y0) @ scaling(factor)
    flags = cv2.INTER_CUBIC | cv2.WARP_INVERSE_MAP  # `back` maps the crop's pixels to the photo's
    flat = cv2.warpPerspective(master, back, (width, tall), flags=flags, borderMode=cv2.BORDER_REPLICATE)
    if np.median(flat) < 128:
        flat = 255 - flat
    _, two_levels = cv2.threshold(
        _even_paper(flat, 2 * _TARGET_HEIGHT), 0, 255, cv2.THRESH_BINARY + cv2.THRESH_OTSU
    )
    # read however long it takes, as a column is: under load a skipped sheet loses a panel's text
    return _Crop(two_levels, back, column=True)


def _even_paper(gray: np.ndarray, reach: float) -> np.ndarray:
    """Grey print on paper made white: each pixel divided by the paper's brightness around it (the
    brightest within `reach`, wider than a stroke), so a shadow across a column is gone and the print
    keeps its grey edges. (The page's lighting flattening, made for whole pages, leaves a column's
    lines of dense print in grey ghosts.)"""
    size = max(3, int(reach) | 1)
    paper = cv2.GaussianBlur(cv2.dilate(gray, np.ones((size, size), np.uint8)), (0, 0), size / 2)
    return cv2.divide(gray, np.maximum(paper, 1), scale=255)


def _sheet(crops: list[_Crop]) -> tuple[np.ndarray, list[_Crop]]:
    """All crops stacked on one white sheet, a gap apart: one Tesseract run reads them all."""
    gap = int(2 * _TARGET_HEIGHT)
    width = max(c.image.shape[1] for c in crops) + 2 * gap
    height = sum(c.image.shape[0] for c in crops) + gap * (len(crops) + 1)
    sheet = np.full((height, width), 255, np.uint8)
    placed, top = [], gap
    for crop in crops:
        ch, cw = crop.image.shape[:2]
        sheet[top : top + ch, gap : gap + cw] = crop.image
        placed.append(replace(crop, back=crop.back @ translation(-gap, -top), top=top))
        top += ch + gap
    return sheet, placed


def _real_text(words: list[WordBox]) -> bool:
    found = evidence.assess(words)
    if found.known_words < 1 or found.confidence < _MIN_CONFIDENCE:
        return False
    return found.dictionary < 0 or found.dictionary >= _MIN_SHARE


def _read_sheet(
    size: tuple[int, int], crops: list[_Crop], lang: str, deadline: tesseract.Deadline, command: str | None
) -> list[list[WordBox]]:
    """Read the crops in one run: each crop's words, in the pixels of the image of `size` (width, height)
    they were cut from; none when the run takes too long (a sheet holding columns of the page's body
    text has only the page's own time limit: under load, columns skipped would lose most of a page)."""
    sheet, placed = _sheet(crops)
    limit = deadline if any(crop.column for crop in crops) else deadline.limited(_REGION_SECONDS)
    try:
        words = recognition.recognise_words(sheet, lang, limit, command, psm=6)
    except OcrTimeout:
        deadline.remaining()  # the page's own time is up: that is an error; slow second looks are skipped
        return [[] for _ in placed]
    return [
        recognition.to_master(
            [w for w in words if crop.top <= w.top + w.height / 2 < crop.top + crop.image.shape[0]],
            crop.back,
            size,
        )
        for crop in placed
    ]


def _read_regions(
    size: tuple[int, int], crops: list[_Crop], lang: str, deadline: tesseract.Deadline, command: str | None
) -> list[WordBox]:
    """Read the crops in one run; keep each region's words when they are real text, in the pixels of
    the image of `size` (width, height) they were cut from."""
    kept: list[WordBox] = []
    for number, region in enumerate(_read_sheet(size, crops, lang, deadline, command), start=1):
        if _real_text(region):
            kept += [replace(word, block=-number) for word in region]
    return kept


def read_places(
    master: np.ndarray,
    boxes: np.ndarray,
    turn: int,
    lang: str,
    deadline: tesseract.Deadline,
    command: str | None,
) -> list[WordBox]:
    """Every word read in the places `boxes` (x0, y0, x1, y1, the boxes of one run of print each, in the
    grey photo `master`'s pixels), each cut out, turned upright by `turn`, scaled and read in one run.

    Unlike second looks nothing is judged here: the caller compares the words with its own reading.
    """
    cuts = (
        _crop(master, np.eye(3), turn, box[None, :], _PLACE_MARGIN, _PLACE_HEIGHT)
        for box in boxes[:MAX_REGIONS]
    )
    crops = [c for c in cuts if c is not None]
    if not crops:
        return []
    size = (master.shape[1], master.shape[0])
    places = _read_sheet(size, crops, lang, deadline, command)
    return [replace(word, block=-number) for number, place in enumerate(places, start=1) for word in place]


def read_columns(
    master: np.ndarray,
    to_master: Matrix,
    columns: list[np.ndarray],
    lang: str,
    deadline: tesseract.Deadline,
    command: str | None,
) -> list[list[WordBox]]:
    """The words read in each of `columns` (the x0, y0, x1, y1 boxes of one column's words each, in upright
    pixels that `to_master` maps to the grey photo `master`'s), each cut from the photo warped flat and
    left grey (`_column_crop`), all read in one run; in `master`'s pixels, one list per column (empty where
    nothing could be cut). Nothing is judged here: the caller weighs them against its own reading."""
    crops = [_column_crop(master, to_master, boxes) for boxes in columns]
    cut = [c for c in crops if c is not None]
    if not cut:
        return [[] for _ in columns]
    size = (master.shape[1], master.shape[0])
    read = iter(_read_sheet(size, cut, lang, deadline, command))
    return [next(read) if crop is not None else [] for crop in crops]


def read_strips(
    master: np.ndarray,
    to_master: Matrix,
    strips: np.ndarray,
    heights: np.ndarray,
    lang: str,
    deadline: tesseract.Deadline,
    command: str | None,
) -> list[WordBox]:
    """Every word read in the strips (x0, y0, x1, y1 on the upright page, one row of print each, its
    letters `heights` px high), each warped flat from the grey photo `master` (`to_master` maps upright
    page pixels to its pixels), scaled, cleared of bars and read in one run; the n-th strip's words are
    block -n, in `master`'s pixels (a strip too small or too large to read has none).

    Warped, not boxed: a box around a long row of a tilted photo holds pieces of the rows above and below.
    A dark shape far wider than the row's letters (a bar chart's bar) is painted out: read, it turns into
    letters ("EEE") and drags the value beside it down with it.
    """
    crops, numbers = [], []
    places = zip(strips[:MAX_REGIONS].tolist(), heights.tolist())
    for number, ((x0, y0, x1, y1), height) in enumerate(places, start=1):
        factor = _PLACE_HEIGHT / max(1.0, height)
        width, tall = int((x1 - x0) * factor), int((y1 - y0) * factor)
        if min(width, tall) < 4 or width * tall > _MAX_CROP_PIXELS:
            continue
        back = to_master @ translation(x0, y0) @ scaling(factor)
        flags = cv2.INTER_CUBIC | cv2.WARP_INVERSE_MAP  # `back` maps the crop's pixels to the photo's
        flat = cv2.warpPerspective(master, back, (width, tall), flags=flags, borderMode=cv2.BORDER_REPLICATE)
        # bars first: a bar as tall as the strip is "paper" to the paper's brightness, its edges grey print
        crops.append(_Crop(_even_paper(_without_bars(flat, _PLACE_HEIGHT), 2 * _PLACE_HEIGHT), back))
        numbers.append(number)
    if not crops:
        return []
    size = (master.shape[1], master.shape[0])
    read = _read_sheet(size, crops, lang, deadline, command)
    return [replace(word, block=-number) for number, strip in zip(numbers, read) for word in strip]


def _without_bars(gray: np.ndarray, height: float) -> np.ndarray:
    """`gray` with dark shapes over `_BAR_WIDTH` letter heights wide and half a letter high painted white."""
    _, dark = cv2.threshold(gray, 0, 255, cv2.THRESH_BINARY_INV | cv2.THRESH_OTSU)
    count, labels, stats, _ = cv2.connectedComponentsWithStats(dark, connectivity=8)
    bars = [
        n
        for n in range(1, count)
        if stats[n, cv2.CC_STAT_WIDTH] >= _BAR_WIDTH * height and stats[n, cv2.CC_STAT_HEIGHT] >= 0.5 * height
    ]
    if not bars:
        return gray
    mask = cv2.dilate(np.isin(labels, bars).astype(np.uint8), np.ones((5, 5), np.uint8))
    cleared = gray.copy()
    cleared[mask > 0] = 255
    return cleared


def second_looks(
    gray: np.ndarray,
    found: Glyphs,
    words_on_page: np.ndarray,
    turn: int,
    photo: tuple[np.ndarray, Matrix, int],
    lang: str,
    deadline: tesseract.Deadline,
    command: str | None,
    of_gray: bool = True,
) -> list[WordBox]:
    """Words read from regions of unexplained print, in photo pixels, each region its own block.

    `found` are the glyphs of the prepared page `gray`; `turn` is the clockwise quarter turn that makes
    `gray` upright. Regions are found on the upright page, where lines of print run across, and cut
    from `photo`: (grey photo, prepared page pixels -> photo pixels, quarter turn making it upright).
    Glyphs not `of_gray` (faint print `gray` does not show, `faint.py`) are turned with it, not found again.
    """
    if turn:
        upright, to_gray = orientation.rotate_quarter(gray, turn)
        found = (
            glyphs(upright) if of_gray else Glyphs(word_boxes_through(found.boxes, np.linalg.inv(to_gray)))
        )
        words_on_page = word_boxes_through(words_on_page, np.linalg.inv(to_gray))
    else:
        upright, to_gray = gray, np.eye(3)
    unexplained = ~explained(found, words_on_page)
    page_area = float(upright.shape[0] * upright.shape[1])
    master, gray_to_master, photo_turn = photo
    to_master = gray_to_master @ to_gray
    cuts = []
    for rank, group in enumerate(_groups(found, unexplained, upright.shape)):
        columns = _columns(found.boxes, group)
        for place, part in enumerate(columns):
            if len(part) >= _MIN_GLYPHS and _textlike(found.boxes[part], page_area):
                cuts.append((len(part), (rank, place), part, len(columns) > 1))
    # the largest regions, read (and so placed in the text) region by region, columns left to right
    chosen = sorted(sorted(cuts, key=lambda cut: cut[0], reverse=True)[:MAX_REGIONS], key=lambda cut: cut[1])
    crops = []
    for _, _, part, column in chosen:
        if of_gray:
            crop = _column_crop(master, to_master, found.boxes[part]) if column else None
            crop = crop or _crop(master, to_master, photo_turn, found.boxes[part])
        else:
            crop = _faint_crop(master, to_master, found.boxes[part])
        if crop is not None:
            crops.append(crop)
    added = _read_regions((master.shape[1], master.shape[0]), crops, lang, deadline, command) if crops else []
    logger.debug("second looks at %d regions kept %d words", len(crops), len(added))
    return added


COARSE_SIDE = 1200  # big print is looked for on a copy of the photo this large ...
_COARSE_FROM = 2000  # ... when the photo is at least this large
_BIG = 2.0  # a word read on the coarse copy is new big print when this many times the page's word height
_COARSE_CONFIDENCE = 85.0  # a big word that is not in the dictionary needs this confidence
_SHORT_CONFIDENCE = 70.0  # a big word of one or two letters (too short for the dictionary) this much


def covers(boxes: np.ndarray, x: float, y: float) -> bool:
    """Whether any of `boxes` (x0, y0, x1, y1) contains the point."""
    return bool(((x >= boxes[:, 0]) & (x <= boxes[:, 2]) & (y >= boxes[:, 1]) & (y <= boxes[:, 3])).any())


def _overlaps(box: tuple[int, int, int, int], others: np.ndarray) -> bool:
    """Whether `box` is already read: its centre lies in another box, or a box of similar size lies in it."""
    if not len(others):
        return False
    x, y, w, h = box
    inside = covers(others, x + w / 2, y + h / 2)
    ox, oy = (others[:, 0] + others[:, 2]) / 2, (others[:, 1] + others[:, 3]) / 2
    within = (ox >= x) & (ox <= x + w) & (oy >= y) & (oy <= y + h) & (others[:, 3] - others[:, 1] >= h / 2)
    return bool(inside or within.any())


def _real(word: WordBox) -> bool:
    """A known word, a short one ("IS", "A") read fairly confidently, or anything read very confidently."""
    short = dictionary.core(word.text).isalpha() and len(dictionary.core(word.text)) <= 2
    needed = _SHORT_CONFIDENCE if short else _COARSE_CONFIDENCE
    return dictionary.is_known(word.text) or word.confidence >= needed


def coarse_look(
    rgb: np.ndarray,
    known: np.ndarray,
    height: float,
    turn: int,
    lang: str,
    deadline: tesseract.Deadline,
    command: str | None,
) -> list[WordBox]:
    """Big print (headlines set too large for Tesseract's page analysis) read on a shrunk copy.

    `known` holds the boxes (x0, y0, x1, y1) of the real words already read, in `rgb`'s pixels, and
    `height` the median height of all words read; `turn` is the
    clockwise quarter turn that makes the photo upright. Returns new big words in `rgb`'s pixels, as their
    own blocks; [] for photos too small to need it.
    """
    h, w = rgb.shape[:2]
    if max(h, w) < _COARSE_FROM:
        return []
    factor = COARSE_SIDE / max(h, w)
    small = cv2.resize(rgb, (round(w * factor), round(h * factor)), interpolation=cv2.INTER_AREA)
    upright, to_small = orientation.rotate_quarter(small, turn)
    words = recognition.to_master(
        recognition.recognise_words(upright, lang, deadline, command, invert=True),
        scaling(factor) @ to_small,
        (w, h),
    )
    kept = [
        word
        for word in words
        if word.height >= _BIG * height
        and _real(word)
        and not _overlaps((word.left, word.top, word.width, word.height), known)
    ]
    return [replace(word, block=-100 - word.block) for word in kept]
