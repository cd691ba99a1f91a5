"""Resize so that text has the height Tesseract reads best, and cap huge images for speed."""

from __future__ import annotations

import logging

import cv2
import numpy as np

from ocr.geometry import Matrix, identity, scaling

logger = logging.getLogger(__name__)

TARGET_TEXT_HEIGHT = 18.0  # median glyph height (between x-height and cap height) we aim for, px
MAX_SIDE = 4200  # never hand Tesseract more than this many pixels on the longer side
MAX_FACTOR = 3.0
MIN_FACTOR = 0.35
# Only small photos are enlarged, and never past this many pixels on the longer side: on a big photo a
# small text-height estimate comes from a picture's halftone, and enlarging it costs time, not accuracy.
UPSCALE_SIDE = 2000


def cap_size(image: np.ndarray, max_side: int = MAX_SIDE) -> tuple[np.ndarray, Matrix]:
    """Shrink `image` so its longer side is at most `max_side`."""
    h, w = image.shape[:2]
    if max(h, w) <= max_side:
        return image, identity()
    factor = max_side / max(h, w)
    small = cv2.resize(image, (round(w * factor), round(h * factor)), interpolation=cv2.INTER_AREA)
    return small, scaling(factor)


def median_text_height(gray: np.ndarray) -> float | None:
    """Median height of glyph-sized dark connected components, or None when there are too few."""
    _, ink = cv2.threshold(gray, 0, 255, cv2.THRESH_BINARY_INV + cv2.THRESH_OTSU)
    count, _, stats, _ = cv2.connectedComponentsWithStats(ink, connectivity=8)
    if count < 2:
        return None
    heights, widths = stats[1:, cv2.CC_STAT_HEIGHT], stats[1:, cv2.CC_STAT_WIDTH]
    limit = max(gray.shape) / 8
    glyph = (heights >= 5) & (heights <= limit) & (widths <= 4 * heights) & (widths >= 2)
    if glyph.sum() < 12:
        return None
    return float(np.median(heights[glyph]))


def scale_factor(gray: np.ndarray, target: float | None = None) -> float:
    """Factor that brings the median glyph height to `target`, within the size caps."""
    target = TARGET_TEXT_HEIGHT if target is None else target
    height = median_text_height(gray)
    factor = 1.0 if height is None else float(np.clip(target / height, MIN_FACTOR, MAX_FACTOR))
    longest = max(gray.shape[:2])
    factor = min(factor, MAX_SIDE / longest, max(1.0, UPSCALE_SIDE / longest))
    return 1.0 if abs(factor - 1.0) < 0.1 else factor


def rescale(gray: np.ndarray, factor: float) -> tuple[np.ndarray, Matrix]:
    """Resize by `factor`; return the image and its output-to-input matrix."""
    if factor == 1.0:
        return gray, identity()
    h, w = gray.shape[:2]
    size = (max(1, round(w * factor)), max(1, round(h * factor)))
    method = cv2.INTER_AREA if factor < 1 else cv2.INTER_CUBIC
    resized = cv2.resize(gray, size, interpolation=method)
    return resized, scaling(size[0] / w, size[1] / h)
