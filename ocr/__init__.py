"""OCR for leaflet photos: page finding, orientation, illumination, scale, then Tesseract.

    import ocr
    result = ocr.recognise("leaflet.jpg", lang="eng", timeout_s=60)
    result.text, result.confidence, result.words, result.rotation, result.timings
    result.readable, result.quality    # is the text fit to publish, and the evidence for that
    ocr.recommended_timeout_s(width, height)  # a time limit in proportion to the image

This package knows images and text only; it never imports Flask or the app.
"""

from __future__ import annotations

import os
import time

# Tesseract's OpenMP threading is 2.6x slower on a 2-core machine than one single-threaded
# Tesseract per worker; subprocesses inherit this, so set it before any Tesseract runs.
os.environ.setdefault("OMP_THREAD_LIMIT", "1")

from pathlib import Path  # noqa: E402

import cv2  # noqa: E402
from PIL import Image  # noqa: E402

from ocr import pipeline, preparation, tesseract  # noqa: E402
from ocr.budget import recommended_timeout_s  # noqa: E402
from ocr.errors import OcrError, OcrTimeout, TesseractNotFound  # noqa: E402
from ocr.result import OcrResult, WordBox  # noqa: E402

# Same reason as above: OCR parallelism comes from worker processes, so OpenCV's own thread pool
# would only make two workers fight over two cores.
cv2.setNumThreads(1)

__all__ = [
    "OcrError",
    "OcrResult",
    "OcrTimeout",
    "TesseractNotFound",
    "WordBox",
    "preprocess",
    "recognise",
    "recommended_timeout_s",
]

DEFAULT_TIMEOUT_S = 60.0


def recognise(
    source: str | Path | Image.Image,
    lang: str = "eng",
    timeout_s: float = DEFAULT_TIMEOUT_S,
    tesseract_cmd: str | None = None,
) -> OcrResult:
    """Read the text of a leaflet photo (a path or a PIL image); boxes are in its pixels.

    `tesseract_cmd` overrides the Tesseract executable for this call (default: `tesseract` on PATH).
    Raises TesseractNotFound, OcrTimeout (after `timeout_s` seconds) or another OcrError.
    """
    return pipeline.run(source, lang, float(timeout_s), tesseract_cmd)


def preprocess(
    image: Image.Image,
    lang: str = "eng",
    timeout_s: float = DEFAULT_TIMEOUT_S,
    tesseract_cmd: str | None = None,
) -> Image.Image:
    """Return the page exactly as Tesseract will see it: flattened, upright, scaled, dark on white."""
    deadline = tesseract.Deadline(float(timeout_s), time.perf_counter)
    prepared = preparation.prepare(preparation.load_image(image), lang, deadline, tesseract_cmd)
    return Image.fromarray(prepared.gray)
