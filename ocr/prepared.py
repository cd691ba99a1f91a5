"""A page on its way through the stages: the current image, the way back to input pixels, timings."""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

import numpy as np

from ocr.geometry import Matrix


@dataclass
class Prepared:
    """A page ready for recognition and the way back to master pixels."""

    gray: np.ndarray
    matrix: Matrix
    master_size: tuple[int, int]
    rotation: int = 0
    skew: float = 0.0
    turned: int = 0  # clockwise quarter turn applied to `gray`; rotation - turned is left to Tesseract
    page_found: bool = False  # the page was found on a background and warped flat
    timings: dict[str, float] = field(default_factory=dict)
    # The photo as RGB pixels, made once: whole (the coarse look shrinks it) and capped in size with the
    # matrix to its pixels (plain Tesseract reads that). Empty until `preparation.prepare_geometry`.
    photo: np.ndarray = field(default_factory=lambda: np.zeros((0, 0, 3), np.uint8))
    capped: tuple[np.ndarray, Matrix] = field(
        default_factory=lambda: (np.zeros((0, 0, 3), np.uint8), np.eye(3))
    )
    # The page made dark on white and scaled, before its one threshold, with the matrix to master pixels
    # (faint print the threshold leaves white is looked for on it, `faint.py`).
    soft: tuple[np.ndarray, Matrix] = field(default_factory=lambda: (np.zeros((0, 0), np.uint8), np.eye(3)))

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
