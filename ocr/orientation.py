"""Detect whether the page is upright, sideways or upside down, and remove small skew."""

from __future__ import annotations

import logging
from collections.abc import Callable

import cv2
import numpy as np

from ocr import tesseract
from ocr.geometry import Matrix, affine_to_matrix
from ocr.result import WordBox

logger = logging.getLogger(__name__)

_OSD_MIN_CONFIDENCE = 1.5  # Tesseract's orientation_conf below this is a guess
_SKEW_SIDE = 600  # skew is measured on a copy this wide
_SKEW_LIMIT = 8.0  # degrees searched either side of level
_TURN_MARGIN = 1.25  # a turned page must score this many times the page as given (plus a little)
Scorer = Callable[[np.ndarray], float]


def rotate_quarter(image: np.ndarray, clockwise: int) -> tuple[np.ndarray, Matrix]:
    """Rotate by a multiple of 90 degrees clockwise; return it and the output-to-input matrix."""
    rotated = np.ascontiguousarray(np.rot90(image, k=-((clockwise // 90) % 4)))
    return rotated, quarter_matrix(image.shape[:2], clockwise)


def quarter_matrix(shape: tuple[int, ...], clockwise: int) -> Matrix:
    """Output-to-input matrix of a clockwise quarter-turn rotation of an image of `shape` (h, w)."""
    turns = (clockwise // 90) % 4
    h, w = shape[:2]
    # output (x, y) -> input (x', y') for each clockwise quarter turn
    matrices = {
        0: [[1, 0, 0], [0, 1, 0]],
        1: [[0, 1, 0], [-1, 0, h - 1]],
        2: [[-1, 0, w - 1], [0, -1, h - 1]],
        3: [[0, -1, w - 1], [1, 0, 0]],
    }
    return affine_to_matrix(np.array(matrices[turns], dtype=np.float64))


def osd_rotation(gray: np.ndarray, deadline: tesseract.Deadline, command: str | None) -> int | None:
    """Clockwise degrees that make the page upright according to Tesseract OSD, or None if unsure."""
    osd = tesseract.image_to_osd(gray, deadline, command)
    if not osd or float(osd.get("orientation_conf", 0.0)) < _OSD_MIN_CONFIDENCE:
        logger.debug("OSD unsure: %s", osd)
        return None
    return int(osd["rotate"]) % 360


def best_rotation(gray: np.ndarray, score: Scorer) -> int:
    """Fallback for sparse pages: the quarter turn whose recognition `score` is clearly highest."""
    scores = {angle: score(rotate_quarter(gray, angle)[0]) for angle in (0, 90, 180, 270)}
    logger.debug("rotation scores %s", scores)
    best = max(scores, key=lambda angle: scores[angle])
    return best if scores[best] > _TURN_MARGIN * max(scores[0], 0.0) + 10.0 else 0


def _profile_score(ink: np.ndarray, angle: float) -> float:
    """Sharpness of the row profile after rotating by `angle`: text lines give peaks and gaps."""
    h, w = ink.shape
    affine = cv2.getRotationMatrix2D((w / 2, h / 2), angle, 1.0)
    rotated = cv2.warpAffine(ink, affine, (w, h), flags=cv2.INTER_NEAREST)
    rows = rotated.sum(axis=1, dtype=np.float64)
    return float(np.sum(np.diff(rows) ** 2))


def _best_angle(ink: np.ndarray) -> tuple[float, float]:
    """Angle (coarse then fine search) with the sharpest row profile, and that sharpness."""
    coarse = np.arange(-_SKEW_LIMIT, _SKEW_LIMIT + 0.01, 1.0)
    best = max(coarse, key=lambda a: _profile_score(ink, a))
    fine = np.arange(best - 0.8, best + 0.81, 0.2)
    angle = max(fine, key=lambda a: _profile_score(ink, a))
    return float(angle), _profile_score(ink, angle)


def estimate_skew(gray: np.ndarray) -> float:
    """Skew in degrees (counter-clockwise positive, as OpenCV) that levels the text lines.

    Works for upright and sideways pages alike: lines are looked for along rows and along columns.
    """
    h, w = gray.shape[:2]
    factor = min(1.0, _SKEW_SIDE / max(h, w))
    size = (max(1, round(w * factor)), max(1, round(h * factor)))
    small = cv2.resize(gray, size, interpolation=cv2.INTER_AREA)
    _, ink = cv2.threshold(small, 0, 1, cv2.THRESH_BINARY_INV + cv2.THRESH_OTSU)
    if ink.sum() < 200:
        return 0.0
    row_angle, row_score = _best_angle(ink)
    column_angle, column_score = _best_angle(np.ascontiguousarray(ink.T))
    # transposing mirrors the image, so an angle found on columns acts the other way round
    return round(row_angle if row_score >= column_score else -column_angle, 2)


def rotate_small(gray: np.ndarray, angle: float) -> tuple[np.ndarray, Matrix]:
    """Rotate by `angle` degrees (OpenCV sense) on an enlarged white canvas; return image and matrix."""
    h, w = gray.shape[:2]
    affine = cv2.getRotationMatrix2D((w / 2, h / 2), angle, 1.0)
    cos, sin = abs(affine[0, 0]), abs(affine[0, 1])
    new_w, new_h = int(np.ceil(h * sin + w * cos)), int(np.ceil(h * cos + w * sin))
    affine[0, 2] += new_w / 2 - w / 2
    affine[1, 2] += new_h / 2 - h / 2
    rotated = cv2.warpAffine(gray, affine, (new_w, new_h), flags=cv2.INTER_LINEAR, borderValue=255)
    return rotated, np.linalg.inv(affine_to_matrix(affine))


def rotation_from_words(words: list[WordBox]) -> int:
    """Clockwise quarter turn that makes the page upright, read from the direction text runs in.

    Tesseract (psm 1) reads sideways and upside-down pages in place; its word boxes then follow
    each other downwards (page turned a quarter clockwise), leftwards (upside down) or upwards.
    """
    dx = dy = 0.0
    for first, second in zip(words, words[1:]):
        if (first.block, first.paragraph, first.line) != (second.block, second.paragraph, second.line):
            continue
        dx += (second.left + second.width / 2) - (first.left + first.width / 2)
        dy += (second.top + second.height / 2) - (first.top + first.height / 2)
    if abs(dx) >= abs(dy):
        return 0 if dx >= 0 else 180
    return 270 if dy > 0 else 90
