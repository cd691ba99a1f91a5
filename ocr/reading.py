"""Read the prepared page whichever way up it is, judging each reading by its evidence.

psm 3 reads upright pages and pages turned a quarter clockwise (it follows vertical lines). When its
reading is weak the page is turned over (180 degrees), which makes upside-down and quarter-anticlockwise
pages readable; a page with little text gets a recognition test of all four turns on a small copy. A
turn is kept only when the turned reading is clearly better by the evidence (dictionary words,
confidence), so a correctly upright page stays upright.
"""

from __future__ import annotations

import numpy as np

from ocr import evidence, orientation, recognition, scale, tesseract
from ocr.evidence import Evidence
from ocr.prepared import Prepared, timed
from ocr.result import WordBox

_FALLBACK_SIDE = 1400  # the sparse-page rotation test runs on a copy no larger than this
_SPARSE_WORDS = 12  # fewer words than this and the turn may have been guessed ...
_SPARSE_KNOWN = 3  # ... unless this many of them are known words
# A page read the wrong way up yields almost no dictionary words (under a tenth of its letters), so a
# reading with this many known words making up this share of its letters settles the orientation.
_CONFIDENT_WORDS = 8
_CONFIDENT_SHARE = 0.35
_CONFIDENT_MEAN = 70.0  # without a word list: the mean confidence that settles it


def confident(found: Evidence) -> bool:
    """Enough real text read that the page must have been the right way up."""
    if found.dictionary < 0:
        return found.words >= _SPARSE_WORDS and found.confidence >= _CONFIDENT_MEAN
    return found.known_words >= _CONFIDENT_WORDS and found.dictionary >= _CONFIDENT_SHARE


def _read(
    gray: np.ndarray, lang: str, deadline: tesseract.Deadline, command: str | None, psm: int = 3
) -> tuple[list[WordBox], Evidence]:
    words = recognition.recognise_words(gray, lang, deadline, command, psm=psm)
    return words, evidence.assess(words)


def read_page(
    prepared: Prepared, lang: str, deadline: tesseract.Deadline, command: str | None
) -> tuple[list[WordBox], Evidence]:
    """Recognise in whatever orientation the page is; sets `prepared.rotation`."""
    with timed(prepared.timings, "recognition"):
        words, found = _read(prepared.gray, lang, deadline, command)
    if not confident(found):
        words, found = _turn_over_if_better(prepared, words, found, lang, deadline, command)
    prepared.rotation = (prepared.turned + orientation.rotation_from_words(words)) % 360
    if len(words) >= _SPARSE_WORDS or found.known_words >= _SPARSE_KNOWN or confident(found):
        return words, found
    return _sparse_fallback(prepared, words, found, lang, deadline, command)


def _turn_over_if_better(
    prepared: Prepared,
    words: list[WordBox],
    found: Evidence,
    lang: str,
    deadline: tesseract.Deadline,
    command: str | None,
) -> tuple[list[WordBox], Evidence]:
    """Read the page turned 180 degrees; keep that (and the turn) if it is clearly better."""
    turned, matrix = orientation.rotate_quarter(prepared.gray, 180)
    with timed(prepared.timings, "orientation"):
        retry, again = _read(turned, lang, deadline, command)
    if not evidence.clearly_better(again, found):
        return words, found
    prepared.apply(turned, matrix)
    prepared.turned = 180
    return retry, again


def sparse_score(lang: str, deadline: tesseract.Deadline, command: str | None) -> orientation.Scorer:
    """Score a quarter turn by the real text a sparse reading of a small copy finds."""

    def score(gray: np.ndarray) -> float:
        small, _ = scale.cap_size(gray, _FALLBACK_SIDE)
        return evidence.assess(recognition.recognise_words(small, lang, deadline, command, psm=11)).score

    return score


def _sparse_fallback(
    prepared: Prepared,
    words: list[WordBox],
    found: Evidence,
    lang: str,
    deadline: tesseract.Deadline,
    command: str | None,
) -> tuple[list[WordBox], Evidence]:
    """Try the four quarter turns on a page with little text; keep a turn only if clearly better."""
    with timed(prepared.timings, "orientation"):
        rotation = orientation.best_rotation(prepared.gray, sparse_score(lang, deadline, command))
    if rotation in (0, (prepared.rotation - prepared.turned) % 360):
        return words, found
    turned, matrix = orientation.rotate_quarter(prepared.gray, rotation)
    with timed(prepared.timings, "recognition"):
        retry, again = _read(turned, lang, deadline, command)
    if not evidence.clearly_better(again, found):
        return words, found
    prepared.rotation = (prepared.turned + rotation) % 360
    prepared.turned = prepared.rotation
    prepared.apply(turned, matrix)
    return retry, again
