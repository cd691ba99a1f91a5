"""The stages in order, each timed: photo in, OcrResult out.

Plain Tesseract's reading of the photo as given comes first: it is the reading the pipeline must never
be worse than. When its evidence is strong (mostly dictionary words, read confidently) it is kept and
only the print it left unread gets second looks. Otherwise the prepared page (flattened, dark on white,
scaled, upright) is read too, and wins only when it found clearly more real text. Either way the words
are published in Tesseract's order unless the column order reads on clearly better (`order.py`).
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass, field
from pathlib import Path

import cv2
import numpy as np
from PIL import Image, ImageOps

from ocr import (
    chart_rows,
    crossings,
    dictionary,
    evidence,
    faint,
    ink,
    order,
    orientation,
    patchwork,
    preparation,
    reading,
    recognition,
    regions,
    reread,
    splice,
    tesseract,
    text,
)
from ocr.evidence import Evidence
from ocr.geometry import Matrix, scaling
from ocr.prepared import Prepared, timed
from ocr.reading import strong
from ocr.result import OcrResult, WordBox

logger = logging.getLogger(__name__)

_MOSTLY = 0.5  # a reading that is more than half gibberish lines is not fit to publish, whatever is left
_REAL_CONFIDENCE = 85.0  # a word read this confidently is real even if not in the dictionary
_LOOK_AGAIN_BELOW = 0.97  # a reading explaining less of the page's print gets second looks at the rest
# The prepared reading replaces plain's when it scores this many times as much real text (plus a few
# letters): a tenth more is beyond the noise between two readings of the same clean page.
_CHALLENGER_MARGIN = 1.1
_CHALLENGER_SLACK = 2.0  # ... plus this many letters: 3 letters against 0 is no win, 13 against 4 is
# A strong plain reading covering this share of the page's print leaves too little for the prepared page
# to find to be worth its reading; photos and rules on a page are print-like shapes no reading covers.
_PLAIN_EXPLAINS = 0.9
# Likewise a fair prepared reading of a photo covering that share leaves plain Tesseract only the same
# print to read better, which on a photo (its background read too) it was not seen to do by the margin:
# plain won where the prepared reading covered 0.24-0.85 of the print or was gibberish, lost at 0.9-0.91.
_FAIR_SHARE = 0.7
_FAIR_CONFIDENCE = 70.0
# A few lines of light-on-dark print (letters as glyphs) that a reading leaves mostly unread: a panel lost.
_LIGHT_GLYPHS = 30
_LIGHT_EXPLAINED = 0.5
# Glyphs of light print in lines outside the page found: a few lines of a dark panel the page finder took
# for background (a carpet's or a doormat's texture shows under 40 on the photos measured).
_CUT_AWAY_GLYPHS = 60
_PAGE_MARGIN = 0.01  # of the photo's longer side around the page found: its edge and border are not print
# The prepared reading of a photo gets second looks before the choice when it leaves this much of the
# page's print unexplained: columns its page analysis took for a picture (a newspaper at level 3: 0.24-0.68
# explained). Where it explained more (0.85-0.89) the regions added there were as often read in the wrong
# order as they mended the reading (the choice then lost plain's reading too).
_FILL_BELOW = 0.7
# A page the text check refused is still read by plain Tesseract when it is light (under this share of
# dark pixels) and shows this many glyphs in lines: grain, not noise (see `_grainy_print`).
_GRAINY_DARK = 0.3
_GRAINY_LINE_GLYPHS = 100


_Page = tuple[ink.Glyphs, np.ndarray]  # the prepared page's print and the grey photo


@dataclass
class Candidate:
    """One reading of the page: words in the pixels of the image read, and the way to master pixels."""

    name: str
    words: list[WordBox]
    found: Evidence
    matrix: Matrix  # read image pixels -> master pixels
    shape: tuple[int, ...]  # the read image's (h, w)
    rotation: int  # clockwise quarter turn that makes the master upright
    in_place: int  # the part of `rotation` Tesseract read in place (the read image was not turned by it)
    looked: bool = False  # the print it left unread was already given second looks
    swaps: list[reread.Swap] = field(default_factory=list)  # blocks read again, put back after the order

    @property
    def to_upright(self) -> Matrix:
        """Read image pixels -> the upright page's (the turn Tesseract read in place undone)."""
        return np.linalg.inv(orientation.quarter_matrix(self.shape, self.in_place))


def fair(found: Evidence) -> bool:
    """A reading mostly of dictionary words, read with some confidence: not gibberish, if not strong."""
    return (
        reading.confident(found)
        and found.confidence >= _FAIR_CONFIDENCE
        and (found.dictionary < 0 or found.dictionary >= _FAIR_SHARE)
    )


def _prepared_candidate(
    prepared: Prepared,
    page: tuple[ink.Glyphs, np.ndarray],
    lang: str,
    deadline: tesseract.Deadline,
    command: str | None,
    turn_over_first: bool = False,
    look: bool = True,
) -> Candidate:
    """The prepared page's reading, with second looks at the print it left unread (if to `look`).

    Tesseract's page analysis can take whole columns of small blurred print for a picture (a newspaper
    photographed at level 3: 82 words of about 450 read); read as regions, column by column, they make
    the reading whole, and only a whole reading can be fairly weighed against plain Tesseract's.
    `page` is the prepared page's print and the grey photo.
    """
    words, found = reading.read_page(prepared, lang, deadline, command, turn_over_first)
    candidate = Candidate(
        "prepared",
        words,
        found,
        prepared.matrix,
        prepared.gray.shape,
        prepared.rotation,
        (prepared.rotation - prepared.turned) % 360,
    )
    print_on_page, master = page
    # a reading with a few lines of real words is of a readable page, whatever the rest of it; a tiny or
    # blurred scan's reading is not, and regions cut from the same print read no better
    if look and (_fit_to_publish(words) or found.known_words >= evidence.MIN_KNOWN_WORDS):
        print_now = _page_print(prepared, print_on_page)
        if _explained_by(candidate, prepared, print_now) >= _FILL_BELOW:
            return candidate
        with timed(prepared.timings, "regions"):
            _second_looks(candidate, prepared, print_now, master, lang, deadline, command)
        candidate.found = evidence.assess(candidate.words)
        candidate.looked = True
    return candidate


def _page_print(prepared: Prepared, print_on_page: ink.Glyphs) -> ink.Glyphs:
    """The prepared page's print as it is now (found again when the page was turned over)."""
    return ink.glyphs(prepared.gray) if prepared.turned else print_on_page


def _plain_candidate(
    prepared: Prepared, lang: str, deadline: tesseract.Deadline, command: str | None
) -> Candidate:
    """Tesseract's own reading of the photo as given (psm 3, its own thresholding and inversion test), the
    photo capped in size as the preparation capped it."""
    with timed(prepared.timings, "recognition"):  # the first reading of every page
        rgb, matrix = prepared.capped
        words = recognition.recognise_words(rgb, lang, deadline, command, psm=3, invert=True)
    rotation = orientation.rotation_from_words(words)
    return Candidate("plain", words, evidence.assess(words), matrix, rgb.shape, rotation, rotation)


def choose(candidates: list[Candidate]) -> Candidate:
    """The first candidate (plain Tesseract's) unless another found clearly more real text.

    Plain's reading is the one to do no harm against, so a challenger must win by a margin
    (`evidence.clearly_better`): on a clean page both readings find the same words and the scores
    differ by noise, and a noisy win would trade plain's reading for one that may be ordered or cut
    worse. A reading of nothing never wins over one that found some known words, even if the latter's
    gibberish outweighs them: its words are still the best start for a volunteer's transcription.
    """
    best = candidates[0]
    for other in candidates[1:]:
        better = evidence.clearly_better(other.found, best.found, _CHALLENGER_MARGIN, _CHALLENGER_SLACK)
        if better and (other.found.known_words or not best.found.known_words):
            best = other
    return best


def _fit_to_publish(words: list[WordBox]) -> bool:
    """Whether a reading, less its gibberish lines, is fit to publish (`evidence.readable`)."""
    return evidence.readable(evidence.assess(evidence.without_gibberish(words)))


def _not_read_yet(new: list[WordBox], read: list[WordBox]) -> list[WordBox]:
    """The new words whose centre no word already read covers (a region's margin repeats its neighbours)."""
    boxes = ink.word_boxes(read, np.eye(3))
    return [w for w in new if not regions.covers(boxes, w.left + w.width / 2, w.top + w.height / 2)]


def _second_looks(
    chosen: Candidate,
    prepared: Prepared,
    print_on_page: ink.Glyphs,
    master: np.ndarray,
    lang: str,
    deadline: tesseract.Deadline,
    command: str | None,
    look: bool = True,
) -> float:
    """Read regions of print the chosen reading left unexplained into it (unless not to `look`); return
    the share of the page's print (`print_on_page`, as it is now: `_page_print`) it explains."""
    to_page = _to_page(chosen, prepared)
    boxes = ink.word_boxes(chosen.words, to_page)
    if look and ink.explained_share(print_on_page, boxes) < _LOOK_AGAIN_BELOW:
        _read_regions(chosen, prepared, (print_on_page, master), boxes, (lang, deadline, command))
        boxes = ink.word_boxes(chosen.words, to_page)
    return ink.explained_share(ink.without_specks(print_on_page, ink.median_height(boxes)), boxes)


def _read_regions(
    chosen: Candidate,
    prepared: Prepared,
    page: _Page,
    boxes: np.ndarray,
    reader: tuple[str, tesseract.Deadline, str | None],
    of_gray: bool = True,
) -> None:
    """Words read from regions of `page`'s print (glyphs on the prepared page, and the grey photo) that
    the chosen reading's word `boxes` (on the prepared page) leave unexplained, added to it
    (`regions.second_looks`; `reader` is the language, the deadline and the Tesseract command)."""
    found, master = page
    turn = (chosen.rotation - prepared.turned) % 360  # what still makes the prepared page upright
    photo = (master, prepared.matrix, chosen.rotation)
    added = regions.second_looks(prepared.gray, found, boxes, turn, photo, *reader, of_gray)
    new = recognition.to_master(added, np.linalg.inv(chosen.matrix), _size(chosen))
    chosen.words = chosen.words + _not_read_yet(new, chosen.words)


def _faint_look(
    chosen: Candidate, prepared: Prepared, page: _Page, reader: tuple[str, tesseract.Deadline, str | None]
) -> None:
    """Read faint print (pale text on a coloured panel, `faint.py`) that the prepared page does not show
    into the chosen reading, as regions. `page` is the prepared page's print as it is now and the
    grey photo."""
    print_on_page, master = page
    found = faint.glyphs(prepared.soft, prepared.matrix, prepared.gray.shape, print_on_page)
    if ink.glyphs_in_lines(found, prepared.gray.shape) < faint.LINE_GLYPHS:
        return  # a few specks a grain or a panel's edge left: not worth a Tesseract run
    boxes = ink.word_boxes(chosen.words, _to_page(chosen, prepared))
    _read_regions(chosen, prepared, (found, master), boxes, reader, of_gray=False)


def _coarse_look(
    chosen: Candidate, rgb: np.ndarray, lang: str, deadline: tesseract.Deadline, command: str | None
) -> None:
    """Add big print that only a shrunk copy of the photo shows to the chosen reading."""
    to_master = chosen.matrix
    # only real words already read keep a big word out: gibberish read off a huge headline must not
    real = [w for w in chosen.words if dictionary.is_known(w.text) or w.confidence >= _REAL_CONFIDENCE]
    heights = ink.word_boxes(chosen.words, to_master)
    known = ink.word_boxes(real, to_master)
    added = regions.coarse_look(
        rgb, known, ink.median_height(heights), chosen.rotation, lang, deadline, command
    )
    chosen.words = chosen.words + recognition.to_master(added, np.linalg.inv(to_master), _size(chosen))


def _read_chart_rows(
    chosen: Candidate, master: np.ndarray, lang: str, deadline: tesseract.Deadline, command: str | None
) -> None:
    """Bar charts' values read beside their labels, row by row (`chart_rows.py`)."""
    chosen.words = chart_rows.read_rows(
        chosen.words, chosen.to_upright, chosen.matrix, _size(chosen), master, lang, deadline, command
    )


def _size(candidate: Candidate) -> tuple[int, int]:
    """(width, height) of the image a candidate read."""
    return candidate.shape[1], candidate.shape[0]


def finish(candidate: Candidate, master_size: tuple[int, int]) -> list[WordBox]:
    """The chosen words in reading order, in master pixels."""
    words = reread.put_back(order.reading_order(candidate.words, candidate.to_upright), candidate.swaps)
    return recognition.to_master(words, candidate.matrix, master_size)


def _load(source: str | Path | Image.Image, timings: dict[str, float]) -> Image.Image:
    with timed(timings, "load"):
        image = preparation.load_image(source)
        return ImageOps.exif_transpose(image) if isinstance(source, (str, Path)) else image


def _to_page(candidate: Candidate, prepared: Prepared) -> Matrix:
    """A candidate's read pixels -> the prepared page's pixels (through the master)."""
    return np.linalg.inv(prepared.matrix) @ candidate.matrix


def _explained_by(candidate: Candidate, prepared: Prepared, print_on_page: ink.Glyphs) -> float:
    """Share of the prepared page's print that a candidate's word boxes cover."""
    return ink.explained_share(print_on_page, ink.word_boxes(candidate.words, _to_page(candidate, prepared)))


def _light_print_unread(candidate: Candidate, prepared: Prepared, master: np.ndarray) -> bool:
    """Whether the page as photographed shows light-on-dark print that the candidate's words leave unread.

    Flattening the lighting can wash out a dark panel's white text, and then the prepared page shows no
    print there to miss; the photo, turned negative, still shows it.
    """
    h, w = prepared.gray.shape[:2]
    flags = cv2.INTER_LINEAR | cv2.WARP_INVERSE_MAP  # prepared.matrix maps page pixels to the photo's
    page = cv2.warpPerspective(master, prepared.matrix, (w, h), flags=flags, borderValue=0)
    light = ink.glyphs(255 - page)
    if len(light) < _LIGHT_GLYPHS:
        return False
    boxes = ink.word_boxes(candidate.words, _to_page(candidate, prepared))
    return ink.explained_share(light, boxes) < _LIGHT_EXPLAINED


def _light_print_cut_away(prepared: Prepared, master: np.ndarray) -> bool:
    """Whether the photo shows lines of light print on dark outside the page found.

    A dark sidebar at the sheet's edge can be as dark as the surface the sheet lies on, and the page
    finder then cuts it off as background; plain Tesseract, reading the whole photo, still reads it.
    """
    factor = min(1.0, ink.WORK_SIDE / max(master.shape[:2]))
    small = cv2.resize(master, None, fx=factor, fy=factor, interpolation=cv2.INTER_AREA)
    h, w = prepared.gray.shape[:2]
    corners = np.array([[[0, 0]], [[w, 0]], [[w, h]], [[0, h]]], np.float32)
    outline = cv2.perspectiveTransform(corners, scaling(1 / factor) @ prepared.matrix)
    on_page = np.zeros(small.shape[:2], np.uint8)
    cv2.fillConvexPoly(on_page, outline.reshape(-1, 2).astype(np.int32), 255)
    grow = max(3, round(_PAGE_MARGIN * max(small.shape[:2])))
    on_page = cv2.dilate(on_page, np.ones((grow, grow), np.uint8))
    negative = np.where(on_page > 0, 255, 255 - small).astype(np.uint8)
    return ink.glyphs_in_lines(ink.glyphs(negative), negative.shape) >= _CUT_AWAY_GLYPHS


def _plain_cannot_win(
    first: Candidate, prepared: Prepared, print_on_page: ink.Glyphs, master: np.ndarray
) -> bool:
    """Whether the prepared reading of a photo leaves plain Tesseract nothing to win by: it is strong, or
    fair and covering most of the page's print, and no light-on-dark print is left unread or cut away."""
    covers = strong(first.found) or (
        fair(first.found) and _explained_by(first, prepared, print_on_page) >= _PLAIN_EXPLAINS
    )
    # A page read sideways in place: plain Tesseract reads the same photo sideways, and its reading lost
    # by far wherever light print seemed unread (4-9 known words against 60-105, on the bench photos).
    sideways = first.in_place in (90, 270)
    return (
        covers
        and (sideways or not _light_print_unread(first, prepared, master))
        and not _light_print_cut_away(prepared, master)
        and not _across_gutters(first)
    )


def _across_gutters(candidate: Candidate) -> bool:
    """Whether a reading ran a line across a gutter the lines around it keep to (`crossings.py`): its
    columns are mixed there, whatever its words' evidence, so plain's reading must be made to weigh it."""
    return crossings.lines_across_gutters(candidate.words, candidate.to_upright) > 0


def _plain_explains_all(plain: Candidate, prepared: Prepared, print_on_page: ink.Glyphs) -> bool:
    """A strong plain reading of a flat scan covering most of its print: the prepared page has too
    little left to find to be worth its reading."""
    return strong(plain.found) and _explained_by(plain, prepared, print_on_page) >= _PLAIN_EXPLAINS


def _plain_wanted(
    image: Image.Image, prepared: Prepared, first: Candidate | None = None, page: _Page | None = None
) -> bool:
    """Whether plain Tesseract's reading of the photo as given is made: the one place that decides it.

    Never on a photo too small for Tesseract (under 16 px; the prepared page is enlarged). Otherwise
    always when nothing was read first (a flat scan, or a page the text check refused: plain's is the
    reading never to be worse than). After the prepared reading `first` of the page (with its print and
    the grey photo, `page`): never when the page had to be turned over or a quarter to be read (plain
    reads the photo as given, the wrong way up), and on a photo of a page on a background only when
    plain could win (`_plain_cannot_win`).
    """
    if min(image.size) < 16:
        return False
    if first is None or page is None:
        return True
    if prepared.turned:
        return False
    return not (prepared.page_found and _plain_cannot_win(first, prepared, *page))


def _candidates(
    image: Image.Image,
    prepared: Prepared,
    print_on_page: ink.Glyphs,
    master: np.ndarray,
    lang: str,
    deadline: tesseract.Deadline,
    command: str | None,
) -> list[Candidate]:
    """The readings to choose from, plain Tesseract's first whenever it is made (`_plain_wanted`).

    A flat scan is read by plain Tesseract first; a strong plain reading covering most of the page's print
    leaves the prepared page little to find, so only the print it missed gets second looks. A photo of a
    page on a background is read prepared first: plain Tesseract reads the background too, slowly and
    mostly badly, so it is asked only when the prepared reading is weak (not strong, and not fair over
    90% of the page's print), leaves light-on-dark print unread (where it has been seen to read
    better), runs a line across a gutter (`crossings.py`), or when the photo shows lines of light print
    outside the page found (a dark sidebar cut off as background): glyphs in lines, not any print-like
    specks, so a carpet's texture does not call plain.
    When plain's reading of a flat scan is of a page the wrong way up, so is the prepared page: it is
    read turned over first. So is a page, flat or not, whose lines of print show it upside down or turned
    a quarter anticlockwise (`ink.turned_over`: ascenders below or left of the lines), before any other
    reading; when the page turned over is kept, plain's reading is not made at all (on a flat scan it
    was made first before, to learn the page was the wrong way up: a whole reading of gibberish).
    """
    page = (print_on_page, master)
    if not _plain_wanted(image, prepared):
        return [_prepared_candidate(prepared, page, lang, deadline, command)]
    # print whose lines show it the wrong way up is read turned over first (`ink.turned_over`)
    turned_over = ink.turned_over(print_on_page, prepared.gray)
    if prepared.page_found or turned_over:
        # a flat scan's prepared reading gets its second looks after the choice (one sheet of regions)
        look = prepared.page_found
        first = _prepared_candidate(prepared, page, lang, deadline, command, turned_over, look)
        if not _plain_wanted(image, prepared, first, page):
            return [first]
        plain = _plain_candidate(prepared, lang, deadline, command)
        if not prepared.page_found and _plain_explains_all(plain, prepared, print_on_page):
            return [plain]  # a flat scan taken for turned over, wrongly: as if it had been read plain first
        return [plain, first]
    plain = _plain_candidate(prepared, lang, deadline, command)
    if _plain_explains_all(plain, prepared, print_on_page):
        return [plain]
    # the prepared page is turned the same way as the photo: a reading of plain's the wrong way up says so
    wrong_way = reading.wrong_way_up(plain.found)
    # a flat scan's columns are read by plain Tesseract (no background to mislead it): the chosen reading
    # alone gets second looks, as one sheet of regions, not two
    return [plain, _prepared_candidate(prepared, page, lang, deadline, command, wrong_way, look=False)]


def _patch_regions(chosen: Candidate, candidates: list[Candidate]) -> None:
    """The chosen reading's regions that the other reading read clearly better taken from it
    (`patchwork.py`): one badly read column or panel must not drag the page below plain's reading."""
    other = next((c for c in candidates if c is not chosen), None)
    if other is None or other.rotation != chosen.rotation:
        return  # one reading, or two that disagree about which way is up: no common regions
    carried = recognition.to_master(other.words, np.linalg.inv(chosen.matrix) @ other.matrix, _size(chosen))
    patched = patchwork.patch(chosen.words, carried)
    if patched is not chosen.words:
        chosen.words = patched
        chosen.found = evidence.assess(patched)


def _mend_big_print(
    chosen: Candidate,
    candidates: list[Candidate],
    master: np.ndarray,
    lang: str,
    deadline: tesseract.Deadline,
    command: str | None,
) -> None:
    """Plain's unsure runs of big print re-read elsewhere (`splice.py`): the one place a strong plain
    reading is known to be weak. The other candidate's reading is used when it was made; otherwise only
    those runs are cut from the photo and read (a whole prepared reading for a line or two doubled the
    page's time)."""
    runs = splice.doubtful_lines(chosen.words) if chosen.name == "plain" else []
    if not runs:
        return
    other = next((c for c in candidates if c is not chosen), None)
    if other is None:
        if chosen.rotation:
            # Tesseract read the page sideways in place: its word heights are word lengths, so "big print"
            # is any long word, and re-reading those would be a whole page's work for nothing
            return
        boxes = [ink.word_boxes(run, chosen.matrix) for run in runs]
        places = np.array([[*b[:, :2].min(axis=0), *b[:, 2:].max(axis=0)] for b in boxes])
        read = regions.read_places(master, places, 0, lang, deadline, command)
        chosen.words = splice.splice(chosen.words, read, np.linalg.inv(chosen.matrix), _size(chosen))
        return
    if other.rotation != chosen.rotation:
        return  # the readings disagree about which way is up: their lines are not the same lines
    to_chosen = np.linalg.inv(chosen.matrix) @ other.matrix
    chosen.words = splice.splice(chosen.words, other.words, to_chosen, _size(chosen))


def _read(
    image: Image.Image,
    prepared: Prepared,
    print_on_page: ink.Glyphs,
    lang: str,
    deadline: tesseract.Deadline,
    command: str | None,
    checked: bool = True,
) -> tuple[Candidate, dict[str, float]] | None:
    """The best reading of the page, with second looks, and the evidence for it; None when there is no
    reading fit to publish of a page the text check refused (not `checked`)."""
    master = np.asarray(image.convert("L"))
    if checked:
        candidates = _candidates(image, prepared, print_on_page, master, lang, deadline, command)
    else:
        candidates = _plain_despite_check(image, prepared, lang, deadline, command)
    if not candidates:
        return None
    chosen = choose(candidates)
    _patch_regions(chosen, candidates)
    _mend_big_print(chosen, candidates, master, lang, deadline, command)
    if chosen.name == "prepared" and not chosen.in_place and _fit_to_publish(chosen.words):
        # the two-level page's weak blocks, read from the grey photo (`reread.py`)
        with timed(prepared.timings, "reread"):
            chosen.swaps = reread.read_again(
                chosen.words, chosen.matrix, _size(chosen), master, lang, deadline, command
            )
    with timed(prepared.timings, "regions"):
        # When no reading of the whole page is fit to publish (a tiny scan, print too small or blurred),
        # regions cut from the same print read no better (never seen to make such a page readable),
        # and the page goes to volunteers anyway: its print is only measured.
        look = any(_fit_to_publish(c.words) for c in candidates)
        again = look and not chosen.looked
        print_now = _page_print(prepared, print_on_page)  # found once for the looks below
        explained = _second_looks(chosen, prepared, print_now, master, lang, deadline, command, again)
        if look and explained < _LOOK_AGAIN_BELOW:
            _coarse_look(chosen, prepared.photo, lang, deadline, command)
        if look:
            _faint_look(chosen, prepared, (print_now, master), (lang, deadline, command))
    if look:
        with timed(prepared.timings, "chart_rows"):
            _read_chart_rows(chosen, master, lang, deadline, command)
    return chosen, {
        "ink_explained": round(explained, 3),
        "plain_chosen": float(chosen.name == "plain"),
        "candidates": float(len(candidates)),
        "most_words_read": float(max(c.found.words for c in candidates)),
        "page_found": float(prepared.page_found),
    }


def _grainy_print(print_on_page: ink.Glyphs, gray: np.ndarray) -> bool:
    """Whether a page the text check refused is a light page with lines of print among its specks.

    The check refuses a page of many specks (a blurred, JPEG-worn photo's grain) with few of them in
    lines; noise is refused too, but noise leaves the prepared page dark (47-86% on the tests' noise,
    13% on the blurred tri-fold that plain Tesseract read at 35% CER).
    """
    dark = float(np.count_nonzero(gray < 128)) / max(1, gray.size)
    return dark < _GRAINY_DARK and ink.glyphs_in_lines(print_on_page, gray.shape) >= _GRAINY_LINE_GLYPHS


def _plain_despite_check(
    image: Image.Image, prepared: Prepared, lang: str, deadline: tesseract.Deadline, command: str | None
) -> list[Candidate]:
    """Plain Tesseract's reading of a photo the text check found no print on, when it is fit to publish.

    The check can take a blurred, noisy photo's print for noise (a tri-fold at level 3 of `wide_tuning`
    seed 2, which plain Tesseract read at 35% CER): plain's reading is the one never to be worse than.
    On noise and blank sheets it reads gibberish or nothing, and the page stays unread.
    """
    if not _plain_wanted(image, prepared):
        return []
    plain = _plain_candidate(prepared, lang, deadline, command)
    return [plain] if _fit_to_publish(plain.words) else []


def run(source: str | Path | Image.Image, lang: str, timeout_s: float, command: str | None) -> OcrResult:
    """The whole pipeline."""
    timings: dict[str, float] = {}
    started = time.perf_counter()
    deadline = tesseract.Deadline(timeout_s, time.perf_counter)
    tesseract.ensure_available(command)
    image = _load(source, timings)
    prepared = preparation.prepare_geometry(image, timings)
    preparation.deskew(prepared)
    deadline.remaining()
    with timed(timings, "text_check"):
        print_on_page = ink.glyphs(prepared.gray)
        has_text = ink.has_text(print_on_page, prepared.gray)
    read = None
    if has_text or _grainy_print(print_on_page, prepared.gray):
        read = _read(image, prepared, print_on_page, lang, deadline, command, has_text)
    if read is None:
        logger.debug("no lines of print on the page: nothing to read")
        timings["total"] = round(time.perf_counter() - started, 4)
        return OcrResult(
            timings=timings,
            image_size=prepared.master_size,
            readable=False,
            quality={**Evidence().as_quality(), "text_found": 0.0},
        )
    chosen, quality = read
    raw = chosen.found
    cleaned = evidence.without_gibberish(chosen.words)
    kept = evidence.assess(cleaned)
    # Most of the words any reading saw must survive: a headline read clearly on a page whose other
    # reading is mostly gibberish is a page of print we could not read, not a short leaflet.
    readable = evidence.readable(kept) and kept.words >= _MOSTLY * max(raw.words, quality["most_words_read"])
    if readable:
        # Published text loses its gibberish lines; an unreadable reading is never published (the app
        # asks volunteers to transcribe it), so it keeps everything read: nothing plain would show is lost.
        chosen.words = cleaned
    words = finish(chosen, prepared.master_size)
    timings["total"] = round(time.perf_counter() - started, 4)
    logger.debug("recognised %d words in %.2f s", len(words), timings["total"])
    quality = {
        **kept.as_quality(),
        **quality,
        "text_found": 1.0,
        "read_words": float(raw.words),
        "read_confidence": round(raw.confidence, 2),
        "read_dictionary_share": round(raw.dictionary, 3),
    }
    return OcrResult(
        text=text.assemble(words),
        confidence=recognition.mean_confidence(words),
        words=words,
        rotation=chosen.rotation,
        skew=prepared.skew if chosen.name == "prepared" else 0.0,
        timings=timings,
        image_size=prepared.master_size,
        readable=readable,
        quality=quality,
    )
