"""Homographies that carry word boxes from the processed image back to the input image.

Every stage that moves pixels returns a 3x3 matrix mapping its OUTPUT coordinates to its INPUT
coordinates; the pipeline multiplies them so that one matrix maps final pixels to master pixels.
"""

from __future__ import annotations

from typing import TypeAlias

import numpy as np
from numpy.typing import ArrayLike

Matrix: TypeAlias = np.ndarray


def identity() -> Matrix:
    """Return the 3x3 identity."""
    return np.eye(3, dtype=np.float64)


def scaling(factor_x: float, factor_y: float | None = None) -> Matrix:
    """Map output pixels of an image resized by `factor` to its input pixels."""
    fy = factor_x if factor_y is None else factor_y
    return np.array([[1 / factor_x, 0, 0], [0, 1 / fy, 0], [0, 0, 1]], dtype=np.float64)


def translation(dx: float, dy: float) -> Matrix:
    """Map output pixels to input pixels shifted by (dx, dy)."""
    return np.array([[1, 0, dx], [0, 1, dy], [0, 0, 1]], dtype=np.float64)


def affine_to_matrix(affine: np.ndarray) -> Matrix:
    """Lift a 2x3 affine matrix to 3x3."""
    return np.vstack([affine, [0.0, 0.0, 1.0]])


def map_box(matrix: Matrix, left: int, top: int, width: int, height: int) -> tuple[int, int, int, int]:
    """Map an axis-aligned box through `matrix`, returning the bounding box of its corners."""
    corners = np.array(
        [[left, top, 1], [left + width, top, 1], [left, top + height, 1], [left + width, top + height, 1]],
        dtype=np.float64,
    ).T
    mapped = matrix @ corners
    xs, ys = mapped[0] / mapped[2], mapped[1] / mapped[2]
    x0, y0 = int(np.floor(xs.min())), int(np.floor(ys.min()))
    x1, y1 = int(np.ceil(xs.max())), int(np.ceil(ys.max()))
    return x0, y0, x1 - x0, y1 - y0


def map_boxes(matrix: Matrix, boxes: ArrayLike) -> np.ndarray:
    """`map_box` for many boxes at once: rows (left, top, width, height) in, the same out, as int64.

    One matrix product for all the corners (a page has thousands of word boxes, each mapped several
    times); every box's corners are the same numbers as `map_box` multiplies, so the results are too.
    """
    boxes = np.asarray(boxes, dtype=np.float64).reshape(-1, 4)
    left, top = boxes[:, 0], boxes[:, 1]
    right, bottom = left + boxes[:, 2], top + boxes[:, 3]
    xs = np.stack([left, right, left, right], axis=1).ravel()
    ys = np.stack([top, top, bottom, bottom], axis=1).ravel()
    mapped = matrix @ np.stack([xs, ys, np.ones_like(xs)])
    xs, ys = (mapped[0] / mapped[2]).reshape(-1, 4), (mapped[1] / mapped[2]).reshape(-1, 4)
    x0, y0 = np.floor(xs.min(axis=1)), np.floor(ys.min(axis=1))
    x1, y1 = np.ceil(xs.max(axis=1)), np.ceil(ys.max(axis=1))
    return np.column_stack([x0, y0, x1 - x0, y1 - y0]).astype(np.int64)


def clip_box(box: tuple[int, int, int, int], size: tuple[int, int]) -> tuple[int, int, int, int]:
    """Clip a (left, top, width, height) box to an image of `size` (width, height)."""
    left, top, width, height = box
    x0, y0 = max(0, left), max(0, top)
    x1, y1 = min(size[0], left + width), min(size[1], top + height)
    return x0, y0, max(0, x1 - x0), max(0, y1 - y0)
