"""Preparing a photo for Tesseract: size cap, page finding, illumination, text scale, skew, orientation."""

from __future__ import annotations

import logging
from pathlib import Path

import cv2
import numpy as np
from PIL import Image

from ocr import illumination, orientation, page, reading, scale, tesseract
from ocr.geometry import Matrix, identity, translation
from ocr.prepared import Prepared, timed

logger = logging.getLogger(__name__)

MAX_INPUT_SIDE = 3200  # photos are shrunk to this before any work: more pixels add time, not text
_MIN_SIDE = 48  # Tesseract refuses images smaller than this; they are padded
BINARISE = True  # Otsu on the flattened page: measured faster for Tesseract and no less accurate
_SMOOTH_UPSCALE = 1.5  # text enlarged this much or more is left grey: Otsu would break its thin strokes


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
    # convert() to the mode an image already has copies it (36 MB on a 12-megapixel photo); nothing
    # downstream changes the image, so the caller's own is read
    return source if source.mode == "RGB" else source.convert("RGB")


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
    photo = np.asarray(image)  # a copy of the pixels (Pillow's tobytes): made once, kept for plain's reading
    prepared = Prepared(photo, identity(), image.size, timings=prepared_timings, photo=photo)
    with timed(prepared.timings, "page"):
        prepared.capped = scale.cap_size(photo, MAX_INPUT_SIDE)
        # The channels are swapped after the cap, on fewer pixels: a resize treats each channel alike,
        # so the page is the same as swapped first (and plain Tesseract reads the same capped RGB).
        capped, to_photo = prepared.capped
        prepared.apply(cv2.cvtColor(capped, cv2.COLOR_RGB2BGR), to_photo)
        warped, matrix = _find_and_warp(prepared.gray)
        prepared.page_found = warped is not prepared.gray
        prepared.apply(warped, matrix)
    with timed(prepared.timings, "illumination"):
        prepared.gray = _normalise(prepared.gray)
    with timed(prepared.timings, "scale"):
        factor = scale.scale_factor(prepared.gray)
        prepared.apply(*scale.rescale(prepared.gray, factor))
        prepared.apply(*_pad(prepared.gray))
    prepared.soft = (prepared.gray, prepared.matrix)
    if BINARISE and factor < _SMOOTH_UPSCALE:
        with timed(prepared.timings, "illumination"):
            prepared.gray = illumination.binarise(prepared.gray)
    return prepared


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
            rotation = orientation.best_rotation(prepared.gray, reading.sparse_score(lang, deadline, command))
        prepared.rotation = prepared.turned = rotation
        prepared.apply(*orientation.rotate_quarter(prepared.gray, rotation))


def prepare(image: Image.Image, lang: str, deadline: tesseract.Deadline, command: str | None) -> Prepared:
    """Every preprocessing stage, including an OSD quarter turn, for `ocr.preprocess`."""
    prepared = prepare_geometry(image, {})
    deadline.remaining()
    orient_by_osd(prepared, lang, deadline, command)
    deskew(prepared)
    return prepared
