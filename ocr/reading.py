"""Read the prepared page whichever way up it is, judging each reading by its evidence.

psm 3 reads upright pages and pages turned a quarter clockwise (it follows vertical lines). When its
reading is weak the page is turned over (180 degrees), which makes upside-down and quarter-anticlockwise
pages readable; a page with little text gets a recognition test of all four turns on a small copy. A
turn is kept only when the turned reading is clearly better by the evidence (dictionary words,
confidence), so a correctly upright page stays upright.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ocr import evidence, orientation, recognition, scale, tesseract
from ocr.evidence import Evidence
from ocr.geometry import Matrix
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
# Another reading of the same page (plain Tesseract's of a flat scan) with this many words, under this share
# of its letters in dictionary words, read the page the wrong way up: the page turned over is read first.
_WRONG_WAY_WORDS = 8
_WRONG_WAY_SHARE = 0.2
_STRONG_SHARE = 0.8  # a reading this much made of dictionary words ...
_STRONG_CONFIDENCE = 80.0  # ... read this confidently needs no second opinion


@dataclass
class _TurnedOver:
    """The prepared page turned 180 degrees, its way back, and its reading."""

    image: np.ndarray
    matrix: Matrix
    words: list[WordBox]
    found: Evidence


def confident(found: Evidence) -> bool:
    """Enough real text read that the page must have been the right way up."""
    if found.dictionary < 0:
        return found.words >= _SPARSE_WORDS and found.confidence >= _CONFIDENT_MEAN
    return found.known_words >= _CONFIDENT_WORDS and found.dictionary >= _CONFIDENT_SHARE


def strong(found: Evidence) -> bool:
    """A reading no second one could plausibly beat: confident, and mostly dictionary words."""
    return (
        confident(found)
        and found.confidence >= _STRONG_CONFIDENCE
        and (found.dictionary < 0 or found.dictionary >= _STRONG_SHARE)
    )


def _read(
    gray: np.ndarray, lang: str, deadline: tesseract.Deadline, command: str | None, psm: int = 3
) -> tuple[list[WordBox], Evidence]:
    words = recognition.recognise_words(gray, lang, deadline, command, psm=psm)
    return words, evidence.assess(words)


def wrong_way_up(found: Evidence) -> bool:
    """Whether a reading of many words with almost no dictionary words read its page the wrong way up."""
    return found.words >= _WRONG_WAY_WORDS and 0 <= found.dictionary < _WRONG_WAY_SHARE


def read_page(
    prepared: Prepared,
    lang: str,
    deadline: tesseract.Deadline,
    command: str | None,
    turn_over_first: bool = False,
) -> tuple[list[WordBox], Evidence]:
    """Recognise in whatever orientation the page is; sets `prepared.rotation`.

    `turn_over_first` when another reading of the page as given (plain Tesseract's of a flat scan) was
    `wrong_way_up`: the page turned over is read first and, when confident, the page as given is not
    read at all (it would be garbage too). Otherwise both are read and the page stays as given unless the
    turned one is clearly better, as when the page as given is read first.
    """
    turned_over = _read_turned_over(prepared, lang, deadline, command) if turn_over_first else None
    if turned_over is not None and confident(turned_over.found):
        words, found = _keep(prepared, turned_over)
    else:
        with timed(prepared.timings, "recognition"):
            words, found = _read(prepared.gray, lang, deadline, command)
        if not confident(found):
            turned_over = turned_over or _read_turned_over(prepared, lang, deadline, command)
            if evidence.clearly_better(turned_over.found, found):
                words, found = _keep(prepared, turned_over)
    prepared.rotation = (prepared.turned + orientation.rotation_from_words(words)) % 360
    if len(words) >= _SPARSE_WORDS or found.known_words >= _SPARSE_KNOWN or confident(found):
        return words, found
    return _sparse_fallback(prepared, words, found, lang, deadline, command)


def _read_turned_over(
    prepared: Prepared, lang: str, deadline: tesseract.Deadline, command: str | None
) -> _TurnedOver:
    """The page turned 180 degrees, read (makes upside-down and quarter-anticlockwise pages readable)."""
    turned, matrix = orientation.rotate_quarter(prepared.gray, 180)
    with timed(prepared.timings, "orientation"):
        words, found = _read(turned, lang, deadline, command)
    return _TurnedOver(turned, matrix, words, found)


def _keep(prepared: Prepared, turned_over: _TurnedOver) -> tuple[list[WordBox], Evidence]:
    """Make the turned-over page the prepared page; its reading is the page's."""
    prepared.apply(turned_over.image, turned_over.matrix)
    prepared.turned = 180
    return turned_over.words, turned_over.found


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
