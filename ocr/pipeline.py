"""The stages in order, each timed: photo in, OcrResult out.

The prepared page (flattened, dark on white, scaled, upright) is read first. When its evidence is weak,
plain Tesseract's reading of the photo as given is a second candidate, and the reading with more real
text wins: the pipeline never publishes a page that plain Tesseract reads clearly better.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from PIL import Image, ImageOps

from ocr import (
    dictionary,
    evidence,
    ink,
    layout,
    orientation,
    preparation,
    reading,
    recognition,
    regions,
    scale,
    tesseract,
    text,
)
from ocr.evidence import Evidence
from ocr.geometry import Matrix
from ocr.prepared import Prepared, timed
from ocr.result import OcrResult, WordBox

logger = logging.getLogger(__name__)

_STRONG_SHARE = 0.8  # a prepared reading this much made of dictionary words ...
_STRONG_CONFIDENCE = 80.0  # ... read this confidently needs no second opinion
_MOSTLY = 0.5  # a reading that is more than half gibberish lines is not fit to publish, whatever is left
_REAL_CONFIDENCE = 85.0  # a word read this confidently is real even if not in the dictionary
_LOOK_AGAIN_BELOW = 0.97  # a reading explaining less of the page's print gets second looks at the rest


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


def strong(found: Evidence) -> bool:
    """A reading no second candidate could plausibly beat."""
    return (
        reading.confident(found)
        and found.confidence >= _STRONG_CONFIDENCE
        and (found.dictionary < 0 or found.dictionary >= _STRONG_SHARE)
    )


def _prepared_candidate(
    prepared: Prepared, lang: str, deadline: tesseract.Deadline, command: str | None
) -> Candidate:
    words, found = reading.read_page(prepared, lang, deadline, command)
    return Candidate(
        "prepared",
        words,
        found,
        prepared.matrix,
        prepared.gray.shape,
        prepared.rotation,
        (prepared.rotation - prepared.turned) % 360,
    )


def _plain_candidate(
    image: Image.Image,
    lang: str,
    deadline: tesseract.Deadline,
    command: str | None,
    timings: dict[str, float],
) -> Candidate:
    """Tesseract's own reading of the photo as given (psm 3, its own thresholding and inversion test)."""
    with timed(timings, "plain"):
        rgb, matrix = scale.cap_size(np.asarray(image), preparation.MAX_INPUT_SIDE)
        words = recognition.recognise_words(rgb, lang, deadline, command, psm=3, invert=True)
    rotation = orientation.rotation_from_words(words)
    return Candidate("plain", words, evidence.assess(words), matrix, rgb.shape, rotation, rotation)


def choose(candidates: list[Candidate]) -> Candidate:
    """The candidate with most real text; the first (the prepared page) on a tie.

    A reading of nothing never wins over one that found some known words, even if the latter's
    gibberish outweighs them: its words are still the best start for a volunteer's transcription.
    """
    best = candidates[0]
    for other in candidates[1:]:
        if other.found.score > best.found.score and (other.found.known_words or not best.found.known_words):
            best = other
    return best


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
) -> float:
    """Read regions of print the chosen reading left unexplained into it; return the share it explains."""
    to_page = np.linalg.inv(prepared.matrix) @ chosen.matrix
    boxes = ink.word_boxes(chosen.words, to_page)
    if prepared.turned:
        print_on_page = ink.glyphs(prepared.gray)  # the page was turned over since the text check
    if ink.explained_share(print_on_page, boxes) < _LOOK_AGAIN_BELOW:
        turn = (chosen.rotation - prepared.turned) % 360  # what still makes the prepared page upright
        photo = (master, prepared.matrix, chosen.rotation)
        added = regions.second_looks(
            prepared.gray, print_on_page, boxes, turn, photo, lang, deadline, command
        )
        new = recognition.to_master(added, np.linalg.inv(chosen.matrix), _size(chosen))
        chosen.words = chosen.words + _not_read_yet(new, chosen.words)
        boxes = ink.word_boxes(chosen.words, to_page)
    return ink.explained_share(ink.glyphs(prepared.gray, ink.median_height(boxes)), boxes)


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


def _size(candidate: Candidate) -> tuple[int, int]:
    """(width, height) of the image a candidate read."""
    return candidate.shape[1], candidate.shape[0]


def finish(candidate: Candidate, master_size: tuple[int, int]) -> list[WordBox]:
    """The chosen words in reading order, in master pixels."""
    to_upright = np.linalg.inv(orientation.quarter_matrix(candidate.shape, candidate.in_place))
    words = layout.reorder_columns(candidate.words, to_upright)
    return recognition.to_master(words, candidate.matrix, master_size)


def _load(source: str | Path | Image.Image, timings: dict[str, float]) -> Image.Image:
    with timed(timings, "load"):
        image = preparation.load_image(source)
        return ImageOps.exif_transpose(image) if isinstance(source, (str, Path)) else image


def _read(
    image: Image.Image,
    prepared: Prepared,
    print_on_page: ink.Glyphs,
    lang: str,
    deadline: tesseract.Deadline,
    command: str | None,
) -> tuple[Candidate, dict[str, float]]:
    """The best reading of the page, with second looks, and the evidence for it."""
    candidates = [_prepared_candidate(prepared, lang, deadline, command)]
    if not strong(candidates[0].found) and min(image.size) >= 16:
        candidates.append(_plain_candidate(image, lang, deadline, command, prepared.timings))
    chosen = choose(candidates)
    with timed(prepared.timings, "regions"):
        master = np.asarray(image.convert("L"))
        explained = _second_looks(chosen, prepared, print_on_page, master, lang, deadline, command)
        if explained < _LOOK_AGAIN_BELOW:
            _coarse_look(chosen, np.asarray(image), lang, deadline, command)
    return chosen, {
        "ink_explained": round(explained, 3),
        "plain_chosen": float(chosen.name == "plain"),
        "candidates": float(len(candidates)),
        "page_found": float(prepared.page_found),
    }


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
    if not has_text:
        logger.debug("no lines of print on the page: nothing to read")
        timings["total"] = round(time.perf_counter() - started, 4)
        return OcrResult(
            timings=timings,
            image_size=prepared.master_size,
            readable=False,
            quality={**Evidence().as_quality(), "text_found": 0.0},
        )
    chosen, quality = _read(image, prepared, print_on_page, lang, deadline, command)
    raw = chosen.found
    chosen.words = evidence.without_gibberish(chosen.words)
    kept = evidence.assess(chosen.words)
    readable = evidence.readable(kept) and kept.words >= _MOSTLY * raw.words
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
