"""Faint print: pale text on a coloured panel that the page's one threshold leaves white.

The prepared page makes all print dark on white by its colour difference from the ground around it
(`illumination.normalise`), then one threshold (Otsu's) splits ink from paper for the whole page. Black
body text sets that threshold; yellow print on an orange panel, or small white print on a panel blurred
by a severe photo, differs from its ground by half as much and falls on the paper side: the prepared
page shows no print there, so neither a reading nor the second looks can find it.

Here the page as it was before the threshold has each place's ink stretched by the strongest ink
near it (a few letters around), up to `_MAX_GAIN` times, so that faint print reaches the threshold as
black print does; only where that strongest ink is clearly above a photo's grain (`_FLOOR`) and the
ground around it is smooth (its typical ink under `_GRAIN`: a carpet's texture is strong ink everywhere),
and only glyphs the prepared page does not already show are returned.
"""

from __future__ import annotations

import cv2
import numpy as np

from ocr import ink
from ocr.geometry import Matrix, scaling

# Faint glyphs in lines worth a reading: the bench pages with faint print showed 38-196, the others 0-12
# (specks of a photo's grain, a panel's edge, a bullet's tick)
LINE_GLYPHS = 20
_WORK_SIDE = 640  # the stretch is smooth, so it is worked out on a copy this large
_REACH = 1 / 150  # of the page's longer side: the strongest ink within this reach sets a place's stretch
_TARGET = 2.0  # times the threshold's ink that the strongest ink near faint print is stretched to
_MAX_GAIN = 3.0
_FLOOR = 60.0  # strongest ink (0-255) below this is grain, not print: left as it is ...
_RAMP = 30.0  # ... and stretched fully from this much above it
_GRAIN = 22.0  # typical (median) ink around a place above this is a texture (carpet, wood), not a panel ...
_GRAIN_RAMP = 6.0  # ... and below it by this much a smooth ground
_TYPICAL = 15  # px on the small copy: the window whose median ink is a place's typical ink (a few lines)


def stretched(gray: np.ndarray) -> tuple[np.ndarray, float]:
    """`gray` (dark print on white) with faint print stretched as dark as black print, and the page's
    Otsu threshold (the one the prepared page was split by)."""
    threshold, _ = cv2.threshold(gray, 0, 255, cv2.THRESH_BINARY + cv2.THRESH_OTSU)
    h, w = gray.shape[:2]
    ink_map = 255 - gray
    reach = max(3, int(round(max(h, w) * _REACH)) | 1)
    peak_full = cv2.dilate(ink_map, np.ones((reach, reach), np.uint8))
    factor = min(1.0, _WORK_SIDE / max(h, w))
    size = (max(1, round(w * factor)), max(1, round(h * factor)))
    shrunk = cv2.resize(peak_full, size, interpolation=cv2.INTER_AREA).astype(np.float32)
    peak = cv2.GaussianBlur(shrunk, (0, 0), max(1.0, reach * factor / 2))
    median = cv2.medianBlur(cv2.resize(ink_map, size, interpolation=cv2.INTER_AREA), _TYPICAL)
    typical = cv2.GaussianBlur(median.astype(np.float32), (0, 0), max(1.0, reach * factor))
    target = min(250.0, _TARGET * (255.0 - threshold))
    gain = np.clip(target / np.maximum(peak, 1.0), 1.0, _MAX_GAIN)
    weight = np.clip((peak - _FLOOR) / _RAMP, 0.0, 1.0) * np.clip((_GRAIN - typical) / _GRAIN_RAMP, 0.0, 1.0)
    gain = cv2.resize(1.0 + (gain - 1.0) * weight, (w, h), interpolation=cv2.INTER_LINEAR)
    lifted = 255.0 - np.clip(ink_map.astype(np.float32) * gain, 0, 255)
    return lifted.astype(np.uint8), float(threshold)


def glyphs(
    soft: tuple[np.ndarray, Matrix], page_to_master: Matrix, shape: tuple[int, ...], shown: ink.Glyphs
) -> ink.Glyphs:
    """Glyphs of faint print on the prepared page of `shape` (h, w) whose pixels `page_to_master` maps to
    the master's, in its pixels, less those its print `shown` already holds. `soft` is the page before its
    threshold (`Prepared.soft`: grey, and its pixels -> the master's); the page may since have been
    levelled or turned over, so the glyphs are found on `soft` and their boxes carried across."""
    gray, soft_to_master = soft
    h, w = gray.shape[:2]
    factor = min(1.0, ink.WORK_SIDE / max(h, w))
    size = (max(1, round(w * factor)), max(1, round(h * factor)))
    small = gray if factor == 1.0 else cv2.resize(gray, size, interpolation=cv2.INTER_AREA)
    lifted, threshold = stretched(small)
    found = ink.glyphs(np.where(lifted <= threshold, 0, 255).astype(np.uint8))
    if not len(found):
        return found
    to_page = np.linalg.inv(page_to_master) @ soft_to_master @ scaling(factor)
    boxes = ink.word_boxes_through(found.boxes, to_page)
    if not len(shown):
        return ink.Glyphs(boxes)
    # a glyph whose centre lies in one the page already shows is not faint print
    held = np.zeros(shape[:2], np.uint8)
    for x0, y0, x1, y1 in shown.boxes.astype(int):
        held[max(0, y0) : y1 + 1, max(0, x0) : x1 + 1] = 1
    cx = np.clip(((boxes[:, 0] + boxes[:, 2]) / 2).astype(int), 0, shape[1] - 1)
    cy = np.clip(((boxes[:, 1] + boxes[:, 3]) / 2).astype(int), 0, shape[0] - 1)
    return ink.Glyphs(boxes[held[cy, cx] == 0])
