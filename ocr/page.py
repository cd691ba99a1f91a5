"""Find the leaflet against its background (carpet, table, doormat) and warp it flat."""

from __future__ import annotations

import logging

import cv2
import numpy as np

from ocr.geometry import Matrix

logger = logging.getLogger(__name__)

_WORK_SIDE = 480  # the outline is searched on a small copy: fast and blind to print detail
_MIN_AREA = 0.20  # a page covering less of the photo than this is not trusted
_MAX_AREA = 0.97  # nor one that is really the photo's own frame
# An outline with a whole side on the photo's frame covering this much of it is a sheet that fills the
# photo: a flat scan, whose bright part (beside a dark panel at its edge) is no page to warp to.
_FILLS_AREA = 0.75
_MIN_LIFT = 12.0  # paper is brighter than what it lies on by at least this many grey levels
_MAX_CORNER_SKEW = 30.0  # a page seen in perspective keeps its corners within this of square, degrees
_SMOOTH_STD = 10.0  # grey levels of local standard deviation below which a pixel is smooth (paper, panel)
# A dark band printed across the sheet (a panel the full width of the page) splits its bright part in two;
# the smaller part (the strip of paper beyond the band) must cover this much of the photo to be joined.
_SPLIT_PART = 0.02
_FIT_BINS = 16  # stretches along the side the smaller part makes, each giving its outermost point


def _edge_map(small: np.ndarray) -> np.ndarray:
    """Edges of large shapes only: texture and print are smoothed away first."""
    smooth = cv2.medianBlur(small, 7)
    smooth = cv2.GaussianBlur(smooth, (5, 5), 0)
    edges = cv2.Canny(smooth, 30, 90)
    return cv2.dilate(edges, np.ones((3, 3), np.uint8), iterations=2)


def _brightness_mask(small: np.ndarray) -> np.ndarray:
    """Pixels brighter than Otsu's split, closed so that print inside the page is filled."""
    smooth = cv2.GaussianBlur(small, (7, 7), 0)
    _, mask = cv2.threshold(smooth, 0, 255, cv2.THRESH_BINARY + cv2.THRESH_OTSU)
    return cv2.morphologyEx(mask, cv2.MORPH_CLOSE, np.ones((25, 25), np.uint8))


def _smooth_mask(small: np.ndarray) -> np.ndarray:
    """Pixels of little local texture, closed so that print inside the page is filled.

    Paper and the panels printed on it are smooth, a carpet or a wooden table is not. This finds the
    whole sheet where a dark panel at its edge splits the brightness mask (the panel is as dark as the
    surface around it, and the bright part alone would be taken for the page).
    """
    x = small.astype(np.float32)
    mean, square = cv2.blur(x, (5, 5)), cv2.blur(x * x, (5, 5))
    std = np.sqrt(np.maximum(square - mean * mean, 0.0))
    mask: np.ndarray = (std < _SMOOTH_STD).astype(np.uint8) * 255
    mask = cv2.morphologyEx(mask, cv2.MORPH_OPEN, np.ones((5, 5), np.uint8))
    return cv2.morphologyEx(mask, cv2.MORPH_CLOSE, np.ones((25, 25), np.uint8))


def _quad_from(mask: np.ndarray) -> np.ndarray | None:
    """The largest four-cornered convex outline in `mask`, or None."""
    contours, _ = cv2.findContours(mask, cv2.RETR_EXTERNAL, cv2.CHAIN_APPROX_SIMPLE)
    total = mask.shape[0] * mask.shape[1]
    for contour in sorted(contours, key=cv2.contourArea, reverse=True)[:3]:
        quad = _hull_quad(contour, total)
        if quad is not None:
            return quad
    return None


def _hull_quad(points: np.ndarray, total: int) -> np.ndarray | None:
    """The convex outline of `points` when it is four-cornered and of a page's size in a photo of `total`
    pixels, else None."""
    hull = cv2.convexHull(points)
    area = cv2.contourArea(hull)
    if not _MIN_AREA * total <= area <= _MAX_AREA * total:
        return None
    quad = cv2.approxPolyDP(hull, 0.03 * cv2.arcLength(hull, True), True)
    if len(quad) == 4 and cv2.contourArea(quad) > 0.9 * area:
        return quad.reshape(4, 2).astype(np.float32)
    return None


def _split_quad(small: np.ndarray, mask: np.ndarray) -> np.ndarray | None:
    """The outline around the two largest bright parts of `mask`, or None when it is not a page.

    A dark band printed the full width of the sheet (a panel as dark as the surface it lies on, so the
    smooth mask cannot tell it either) splits the sheet's bright part in two; the larger part alone
    would be warped to, and the band and the paper beyond it (its print, the imprint) cut off. The larger
    part must be a page's size by itself. The side the smaller part makes is fitted to that part's outer
    edge (`_fitted_side`): its mask can run into a bright doormat at a corner, and the outline with it.
    """
    contours, _ = cv2.findContours(mask, cv2.RETR_EXTERNAL, cv2.CHAIN_APPROX_NONE)
    parts = sorted(contours, key=cv2.contourArea, reverse=True)[:2]
    if len(parts) < 2 or cv2.contourArea(parts[0]) < _MIN_AREA * mask.size:
        return None
    if cv2.contourArea(parts[1]) < _SPLIT_PART * mask.size:
        return None
    quad = _hull_quad(np.vstack(parts), mask.size)
    return None if quad is None else _checked(small, _fitted_side(order_corners(quad), parts[1]))


def _fitted_side(corners: np.ndarray, part: np.ndarray) -> np.ndarray:
    """`corners` with the side nearest the outline `part` moved in (never out) to a line fitted to the
    outermost points of `part` along it, its corners moved along the sides beside it."""
    points = part.reshape(-1, 2).astype(np.float32)
    centre = corners.mean(axis=0)
    best: tuple[float, int, np.ndarray, np.ndarray, np.ndarray, np.ndarray] | None = None
    for side in range(4):
        a, b = corners[side], corners[(side + 1) % 4]
        normal = np.array([b[1] - a[1], a[0] - b[0]], np.float32)
        normal /= max(1e-6, float(np.linalg.norm(normal)))
        if float(np.dot(a - centre, normal)) < 0:
            normal = -normal  # outward
        reach = (points - a) @ normal
        if best is None or float(np.median(reach)) > best[0]:
            best = (float(np.median(reach)), side, a, b, normal, reach)
    if best is None:
        return corners
    _, side, a, b, normal, reach = best
    along = ((points - a) @ (b - a)) / max(1e-6, float(np.dot(b - a, b - a)))
    bins = np.clip((along * _FIT_BINS).astype(int), 0, _FIT_BINS - 1)
    ends = [(n + 0.5) / _FIT_BINS for n in range(_FIT_BINS) if (bins == n).any()]
    outer = [float(reach[bins == n].max()) for n in range(_FIT_BINS) if (bins == n).any()]
    if len(ends) < 4:
        return corners
    t, r = np.array(ends), np.array(outer)
    for _ in range(2):  # a corner of mask run into the surface around the sheet is an outlier
        slope, offset = np.polyfit(t, r, 1)
        residual = np.abs(r - (offset + slope * t))
        keep = residual <= 2 * float(np.median(residual)) + 1.0
        if keep.sum() < 3:
            break
        t, r = t[keep], r[keep]
    slope, offset = np.polyfit(t, r, 1)
    fitted = corners.copy()
    ends_of_side = ((side, side - 1, offset), ((side + 1) % 4, (side + 2) % 4, offset + slope))
    for corner, neighbour, shift in ends_of_side:
        inward = corners[neighbour] - corners[corner]
        step = -float(np.dot(inward, normal))  # how far in one whole side's length goes
        if step > 1e-6 and shift < 0:
            fitted[corner] = corners[corner] + inward * min(0.5, -shift / step)
    return fitted


def _sides_along_frame(quad: np.ndarray, shape: tuple[int, ...]) -> tuple[int, int]:
    """(corners on the photo's frame, most corners on any one side of the frame)."""
    h, w = shape[:2]
    margin = 3
    sides = np.array([[x <= margin, y <= margin, x >= w - 1 - margin, y >= h - 1 - margin] for x, y in quad])
    return int(sides.any(axis=1).sum()), int(sides.sum(axis=0).max())


def _fills_photo(quad: np.ndarray, shape: tuple[int, ...]) -> bool:
    """True when the outline is the photo's frame, or has a whole side on it and covers most of the photo.

    Either way there is no background to remove: the photo is the page. A flat scan with a dark panel at
    its edge shows a bright outline with one side on the frame and the panel outside it; a photographed
    page running off the photo touches the frame with its corners, on two different sides.
    """
    on_frame, along_one_side = _sides_along_frame(quad, shape)
    covers = cv2.contourArea(quad) / (shape[0] * shape[1])
    return on_frame == 4 or (along_one_side >= 2 and covers >= _FILLS_AREA)


def _corner_angles(quad: np.ndarray) -> list[float]:
    """Interior angles of a quadrilateral whose corners are in order, degrees."""
    angles = []
    for i in range(4):
        a, b = quad[i - 1] - quad[i], quad[(i + 1) % 4] - quad[i]
        cosine = float(np.dot(a, b) / max(1e-6, np.linalg.norm(a) * np.linalg.norm(b)))
        angles.append(float(np.degrees(np.arccos(np.clip(cosine, -1.0, 1.0)))))
    return angles


def _is_page(small: np.ndarray, quad: np.ndarray) -> bool:
    """A photographed page: roughly rectangular, and paper brighter than the surface around it.

    A photo or a dark panel printed on the page is also a large quadrilateral, but it is darker than
    the paper around it; warping to it would throw the rest of the page away.
    """
    ordered = order_corners(quad)
    if any(abs(angle - 90.0) > _MAX_CORNER_SKEW for angle in _corner_angles(ordered)):
        return False
    inside = np.zeros(small.shape[:2], np.uint8)
    cv2.fillConvexPoly(inside, ordered.astype(np.int32), 255)
    ring = cv2.bitwise_and(cv2.dilate(inside, np.ones((15, 15), np.uint8)), cv2.bitwise_not(inside))
    core = cv2.erode(inside, np.ones((15, 15), np.uint8))
    if not ring.any() or not core.any():
        return False
    return float(small[core > 0].mean()) >= float(small[ring > 0].mean()) + _MIN_LIFT


def order_corners(quad: np.ndarray) -> np.ndarray:
    """Order corners top-left, top-right, bottom-right, bottom-left."""
    sums, diffs = quad.sum(axis=1), np.diff(quad, axis=1).ravel()
    return np.array(
        [quad[np.argmin(sums)], quad[np.argmin(diffs)], quad[np.argmax(sums)], quad[np.argmax(diffs)]],
        dtype=np.float32,
    )


def find_page(gray: np.ndarray) -> np.ndarray | None:
    """Return the page's four corners in `gray`'s pixels, or None when not found confidently."""
    h, w = gray.shape[:2]
    factor = _WORK_SIDE / max(h, w)
    if factor >= 1 or min(h, w) < 64:
        return None
    small = cv2.resize(gray, (round(w * factor), round(h * factor)), interpolation=cv2.INTER_AREA)
    bright = _brightness_mask(small)
    quads = (_page_quad(small, bright), _page_quad(small, _smooth_mask(small)), _split_quad(small, bright))
    found = [quad for quad in quads if quad is not None]
    # the larger page: a part of the sheet is also bright and smooth (above a dark panel at its foot, or
    # on either side of a dark band across it)
    quad = max(found, key=cv2.contourArea) if found else _page_quad(small, _edge_map(small))
    return None if quad is None else order_corners(quad / factor)


def _page_quad(small: np.ndarray, mask: np.ndarray) -> np.ndarray | None:
    return _checked(small, _quad_from(mask))


def _checked(small: np.ndarray, quad: np.ndarray | None) -> np.ndarray | None:
    """`quad` when it is a page photographed on a background (not the photo's frame), else None."""
    if quad is not None and not _fills_photo(quad, small.shape) and _is_page(small, quad):
        return quad
    return None


def warp_page(image: np.ndarray, corners: np.ndarray) -> tuple[np.ndarray, Matrix]:
    """Warp the quadrilateral `corners` to a rectangle; return it and the output-to-input matrix."""
    tl, tr, br, bl = corners
    width = int(round(max(np.linalg.norm(tr - tl), np.linalg.norm(br - bl))))
    height = int(round(max(np.linalg.norm(bl - tl), np.linalg.norm(br - tr))))
    target = np.array([[0, 0], [width - 1, 0], [width - 1, height - 1], [0, height - 1]], dtype=np.float32)
    forward = cv2.getPerspectiveTransform(corners, target)
    warped = cv2.warpPerspective(
        image, forward, (width, height), flags=cv2.INTER_LINEAR, borderMode=cv2.BORDER_REPLICATE
    )
    return warped, cv2.getPerspectiveTransform(target, corners).astype(np.float64)
