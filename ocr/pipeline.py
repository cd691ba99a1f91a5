"""The stages in order, each timed, each skipped when it fails: photo in, OcrResult out."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import cv2
import numpy as np
from PIL import Image, ImageOps

from ocr import illumination, layout, orientation, page, recognition, scale, tesseract
from ocr.geometry import Matrix, identity, translation
from ocr.result import OcrResult, WordBox

logger = logging.getLogger(__name__)

MAX_INPUT_SIDE = 3200  # photos are shrunk to this before any work: more pixels add time, not text
_MIN_SIDE = 48  # Tesseract refuses images smaller than this; they are padded
_FALLBACK_SIDE = 1400  # the sparse-page rotation test runs on a copy no larger than this
BINARISE = True  # Otsu on the flattened page: measured faster for Tesseract and no less accurate
_MIN_INK = 0.0002  # pages with less dark ink than this fraction are blank: Tesseract is not run
_UPRIGHT_CONFIDENCE = 70.0  # psm 3 readings below this mean confidence are retried with OSD (psm 1)
_SPARSE_WORDS = 12  # fewer words than this and OSD may have guessed the orientation


@dataclass
class Prepared:
    """A page ready for recognition and the way back to master pixels."""

    gray: np.ndarray
    matrix: Matrix
    master_size: tuple[int, int]
    rotation: int = 0
    skew: float = 0.0
    turned: int = 0  # clockwise quarter turn applied to `gray`; rotation - turned is left to Tesseract
    timings: dict[str, float] = field(default_factory=dict)

    def apply(self, image: np.ndarray, matrix: Matrix) -> None:
        """Make `image` the current page; `matrix` maps its pixels to the previous page's."""
        self.gray = image
        self.matrix = self.matrix @ matrix


@contextmanager
def timed(timings: dict[str, float], stage: str) -> Iterator[None]:
    """Add the wall time of the block to `timings[stage]`."""
    start = time.perf_counter()
    try:
        yield
    finally:
        timings[stage] = round(timings.get(stage, 0.0) + time.perf_counter() - start, 4)


def load_image(source: str | Path | Image.Image) -> Image.Image:
    """Open a path or accept a PIL image, as RGB."""
    if isinstance(source, (str, Path)):
        with Image.open(source) as opened:
            opened.load()
            return opened.convert("RGB")
    if source.mode == "RGBA":
        white = Image.new("RGB", source.size, "white")
        white.paste(source, mask=source.getchannel("A"))
        return white
    return source.convert("RGB")


def _find_and_warp(bgr: np.ndarray) -> tuple[np.ndarray, Matrix]:
    """The page flattened, or the photo unchanged when no page outline is found confidently."""
    try:
        corners = page.find_page(cv2.cvtColor(bgr, cv2.COLOR_BGR2GRAY))
        if corners is None:
            return bgr, identity()
        warped, matrix = page.warp_page(bgr, corners)
    except cv2.error:
        logger.warning("page finding failed; using the whole photo", exc_info=True)
        return bgr, identity()
    aspect = max(warped.shape[:2]) / max(1, min(warped.shape[:2]))
    return (warped, matrix) if aspect < 3.0 and min(warped.shape[:2]) >= 64 else (bgr, identity())


def _normalise(bgr: np.ndarray) -> np.ndarray:
    """Dark ink on white, or the plain grey image if that fails."""
    try:
        return illumination.normalise(bgr)
    except cv2.error:
        logger.warning("illumination flattening failed; using plain grey", exc_info=True)
        return cv2.cvtColor(bgr, cv2.COLOR_BGR2GRAY)


def _pad(gray: np.ndarray) -> tuple[np.ndarray, Matrix]:
    """A border of the image's own ground colour around images too small for Tesseract."""
    h, w = gray.shape[:2]
    if min(h, w) >= _MIN_SIDE:
        return gray, identity()
    dy, dx = max(0, _MIN_SIDE - h), max(0, _MIN_SIDE - w)
    padded = cv2.copyMakeBorder(gray, dy, dy, dx, dx, cv2.BORDER_CONSTANT, value=int(np.median(gray)))
    return padded, translation(-dx, -dy)


def prepare_geometry(image: Image.Image, prepared_timings: dict[str, float]) -> Prepared:
    """Size cap, page finding, illumination and text scale: everything before orientation."""
    bgr = cv2.cvtColor(np.asarray(image), cv2.COLOR_RGB2BGR)
    prepared = Prepared(bgr, identity(), image.size, timings=prepared_timings)
    with timed(prepared.timings, "page"):
        prepared.apply(*scale.cap_size(bgr, MAX_INPUT_SIDE))
        prepared.apply(*_find_and_warp(prepared.gray))
    with timed(prepared.timings, "illumination"):
        prepared.gray = _normalise(prepared.gray)
    with timed(prepared.timings, "scale"):
        prepared.apply(*scale.rescale(prepared.gray, scale.scale_factor(prepared.gray)))
        prepared.apply(*_pad(prepared.gray))
    if BINARISE:
        with timed(prepared.timings, "illumination"):
            prepared.gray = illumination.binarise(prepared.gray)
    return prepared


def _fallback_score(lang: str, deadline: tesseract.Deadline,
                    command: str | None) -> Callable[[np.ndarray], float]:
    """Score a candidate orientation by how much confident, word-like text Tesseract reads."""
    def score(gray: np.ndarray) -> float:
        small, _ = scale.cap_size(gray, _FALLBACK_SIDE)
        words = recognition.recognise_words(small, lang, deadline, command, psm=11)
        return _evidence(words)
    return score


def _evidence(words: list[WordBox]) -> float:
    """Summed confidence of word-like words: how much real text a reading found."""
    return sum(w.confidence for w in words if sum(ch.isalpha() for ch in w.text) >= 3)


def deskew(prepared: Prepared) -> None:
    """Level small skew, whichever way round the page is."""
    with timed(prepared.timings, "deskew"):
        skew = orientation.estimate_skew(prepared.gray)
        if abs(skew) >= 0.3:
            prepared.skew = skew
            prepared.apply(*orientation.rotate_small(prepared.gray, skew))


def orient_by_osd(prepared: Prepared, lang: str, deadline: tesseract.Deadline, command: str | None) -> None:
    """Quarter-turn the page upright with Tesseract OSD, else a recognition test (sparse pages)."""
    with timed(prepared.timings, "orientation"):
        rotation = orientation.osd_rotation(prepared.gray, deadline, command)
        if rotation is None:
            rotation = orientation.best_rotation(prepared.gray, _fallback_score(lang, deadline, command))
        prepared.rotation = prepared.turned = rotation
        prepared.apply(*orientation.rotate_quarter(prepared.gray, rotation))


def _confident(words: list[WordBox]) -> bool:
    """Enough text read with enough confidence that the page must have been the right way up."""
    return len(words) >= _SPARSE_WORDS and recognition.mean_confidence(words) >= _UPRIGHT_CONFIDENCE


def read_page(prepared: Prepared, lang: str, deadline: tesseract.Deadline,
              command: str | None) -> list[WordBox]:
    """Recognise in whatever orientation the page is; sets `prepared.rotation`.

    psm 3 reads upright pages and pages turned a quarter clockwise. When its reading is poor the page
    is turned over (180 degrees), which makes upside-down and quarter-anticlockwise pages readable;
    only if both readings are poor does psm 1 (OSD inside the same Tesseract run, far cheaper than a
    separate OSD run) get a go. Sparse pages then get a recognition test of all four turns.
    """
    with timed(prepared.timings, "recognition"):
        words = recognition.recognise_words(prepared.gray, lang, deadline, command, psm=3)
    if not _confident(words):
        words = _turn_over_if_better(prepared, words, lang, deadline, command)
    if not _confident(words):
        with timed(prepared.timings, "orientation"):
            retry = recognition.recognise_words(prepared.gray, lang, deadline, command, psm=1)
        words = retry if _evidence(retry) > _evidence(words) else words
    prepared.rotation = (prepared.turned + orientation.rotation_from_words(words)) % 360
    if len(words) >= _SPARSE_WORDS or _evidence(words) > 60 * _SPARSE_WORDS:
        return words
    return _sparse_fallback(prepared, words, lang, deadline, command)


def _turn_over_if_better(prepared: Prepared, words: list[WordBox], lang: str, deadline: tesseract.Deadline,
                         command: str | None) -> list[WordBox]:
    """Read the page turned 180 degrees; keep that (and the turn) if it finds clearly more text."""
    turned, matrix = orientation.rotate_quarter(prepared.gray, 180)
    with timed(prepared.timings, "orientation"):
        retry = recognition.recognise_words(turned, lang, deadline, command, psm=3)
    if _evidence(retry) <= 1.2 * _evidence(words):
        return words
    prepared.apply(turned, matrix)
    prepared.turned = 180
    return retry


def _sparse_fallback(prepared: Prepared, words: list[WordBox], lang: str, deadline: tesseract.Deadline,
                     command: str | None) -> list[WordBox]:
    """Try the four quarter turns on a page with little text; keep the reading with most evidence."""
    with timed(prepared.timings, "orientation"):
        rotation = orientation.best_rotation(prepared.gray, _fallback_score(lang, deadline, command))
    if rotation in (0, (prepared.rotation - prepared.turned) % 360):
        return words
    turned, matrix = orientation.rotate_quarter(prepared.gray, rotation)
    with timed(prepared.timings, "recognition"):
        retry = recognition.recognise_words(turned, lang, deadline, command, psm=3)
    if _evidence(retry) <= _evidence(words):
        return words
    prepared.rotation = (prepared.turned + rotation) % 360
    prepared.turned = prepared.rotation
    prepared.apply(turned, matrix)
    return retry


def prepare(image: Image.Image, lang: str, deadline: tesseract.Deadline, command: str | None) -> Prepared:
    """Every preprocessing stage, including an OSD quarter turn, for `ocr.preprocess`."""
    prepared = prepare_geometry(image, {})
    deadline.remaining()
    orient_by_osd(prepared, lang, deadline, command)
    deskew(prepared)
    return prepared


def run(source: str | Path | Image.Image, lang: str, timeout_s: float, command: str | None) -> OcrResult:
    """The whole pipeline."""
    timings: dict[str, float] = {}
    started = time.perf_counter()
    deadline = tesseract.Deadline(timeout_s, time.perf_counter)
    with timed(timings, "load"):
        image = load_image(source)
        if isinstance(source, (str, Path)):
            image = ImageOps.exif_transpose(image)
    prepared = prepare_geometry(image, timings)
    deadline.remaining()
    if illumination.ink_fraction(prepared.gray) < _MIN_INK:
        logger.debug("no ink on the page: nothing to read")
        words: list[WordBox] = []
    else:
        deskew(prepared)
        words = read_page(prepared, lang, deadline, command)
    remaining = (prepared.rotation - prepared.turned) % 360
    to_upright = np.linalg.inv(orientation.quarter_matrix(prepared.gray.shape, remaining))
    words = layout.reorder_columns(words, to_upright)
    words = recognition.to_master(words, prepared.matrix, prepared.master_size)
    timings["total"] = round(time.perf_counter() - started, 4)
    logger.debug("recognised %d words in %.2f s", len(words), timings["total"])
    return OcrResult(
        text=recognition.assemble_text(words), confidence=recognition.mean_confidence(words), words=words,
        rotation=prepared.rotation, skew=prepared.skew, timings=timings, image_size=prepared.master_size,
    )
