"""How long one recognition may take: in proportion to the image, not a flat limit."""

from __future__ import annotations

from ocr.preparation import MAX_INPUT_SIDE

BASE_S = 20.0  # loading, page finding, and one Tesseract start-up even for a small image
PER_MEGAPIXEL_S = 10.0  # a busy 2-core machine reads a few seconds per megapixel; twice over at worst
MAX_S = 120.0


def recommended_timeout_s(width: int, height: int) -> float:
    """Seconds to allow `ocr.recognise` on an image of `width` x `height` pixels.

    Photos are shrunk to MAX_INPUT_SIDE on the longer side first, so the time is bounded for any size.
    """
    longest = max(width, height, 1)
    factor = min(1.0, MAX_INPUT_SIDE / longest)
    megapixels = max(0, width) * max(0, height) * factor * factor / 1e6
    return round(min(MAX_S, BASE_S + PER_MEGAPIXEL_S * megapixels), 1)
