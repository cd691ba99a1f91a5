"""Flatten uneven lighting and turn every kind of print into dark ink on white paper.

The background colour is estimated with a large median filter (wider than any stroke), the paper
white with a still larger maximum filter. Ink is whatever differs from its local background, in
colour as well as brightness, so black-on-white body text, white-on-navy headlines and white-on-orange
boxes all come out as dark strokes on white. A shadow scales ink and background alike and is divided
out by the local paper white.
"""

from __future__ import annotations

import logging

import cv2
import numpy as np

logger = logging.getLogger(__name__)

_WORK_SIDE = 640  # background estimates are smooth, so they are computed on a small copy
_MEDIAN_FRACTION = 1 / 14  # median window as a fraction of the longer side: wider than headline strokes
_SATURATION = 0.45  # an ink contrast of this fraction of paper white is printed fully black
_SQUARES = np.arange(256, dtype=np.float32) ** 2  # every byte's square, exact in float32


def _odd(value: float, minimum: int = 3) -> int:
    """Nearest odd integer not below `minimum`."""
    n = max(minimum, int(round(value)))
    return n if n % 2 else n + 1


def estimate_background(bgr: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Return (background colour, paper brightness) maps at `bgr`'s size, as uint8."""
    h, w = bgr.shape[:2]
    factor = min(1.0, _WORK_SIDE / max(h, w))
    size = (max(1, round(w * factor)), max(1, round(h * factor)))
    small = cv2.resize(bgr, size, interpolation=cv2.INTER_AREA)
    side = max(small.shape[:2])
    median = cv2.medianBlur(small, min(_odd(side * _MEDIAN_FRACTION), 255))
    bright = median.max(axis=2)
    kernel = np.ones((_odd(side / 5),) * 2, np.uint8)
    paper = cv2.GaussianBlur(cv2.dilate(bright, kernel), (0, 0), side / 20)
    background = cv2.resize(median, (w, h), interpolation=cv2.INTER_LINEAR)
    paper_full = cv2.resize(np.maximum(paper, 32), (w, h), interpolation=cv2.INTER_LINEAR)
    return background, paper_full


def normalise(bgr: np.ndarray) -> np.ndarray:
    """Return a grey image with all print as dark ink on an even white ground."""
    if bgr.ndim == 2:
        bgr = cv2.cvtColor(bgr, cv2.COLOR_GRAY2BGR)
    if min(bgr.shape[:2]) < 16:
        return cv2.cvtColor(bgr, cv2.COLOR_BGR2GRAY)
    background, paper = estimate_background(bgr)
    difference = cv2.absdiff(bgr, background)
    # colour distance, not grey difference: white on orange is then as clear as black on white. The
    # squares are looked up as floats straight from the bytes (no float copy of the photo first; the same
    # numbers as cv2.multiply to floats, whose mixed-type path costs a third more on 12 megapixels).
    mean_of_channels = np.full((1, 3), 1 / 3, np.float32)
    squares = cv2.LUT(difference, _SQUARES)
    contrast = cv2.sqrt(cv2.transform(squares, mean_of_channels))
    ink = cv2.divide(contrast, paper.astype(np.float32), scale=255.0 / _SATURATION)
    return cv2.bitwise_not(cv2.convertScaleAbs(ink))


def binarise(gray: np.ndarray) -> np.ndarray:
    """Black ink on white by Otsu's threshold; on a flattened page one global threshold suffices.

    Handing Tesseract a clean two-level image also makes it faster: it skips its own thresholding
    and meets fewer speckles.
    """
    if gray.size == 0 or int(gray.min()) == int(gray.max()):
        return gray
    _, binary = cv2.threshold(gray, 0, 255, cv2.THRESH_BINARY + cv2.THRESH_OTSU)
    return binary


def ink_fraction(gray: np.ndarray) -> float:
    """Fraction of pixels that are dark ink on the normalised page."""
    return float(np.count_nonzero(gray < 128)) / max(1, gray.size)
