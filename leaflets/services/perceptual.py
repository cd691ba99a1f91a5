"""Perceptual fingerprints of leaflet photos: find the same leaflet photographed again (Pillow and numpy
only).

Two stages, because a 64-bit hash sees only a page's layout. A national template with local names swapped has
the layout of the original, so it hashes alike; what tells the two apart is the print itself.

1. `page_hash`: 64 bits, one per cell of an 8x8 grid over the upright picture (its outer margin left out), set
   where the cell holds more print than the page's median cell. Print is local contrast over local brightness,
   so the hash survives re-encoding, HEIC, resizing and even or graded changes of light. (A plain dHash, which
   compares neighbouring cells' brightness, flipped 24-31 of 64 bits when a mostly white page was
   photographed again under uneven light; this one flips at most 8 in the tests.) Cut into four 16-bit bands,
   two hashes within Hamming distance 4r+3 share a band within distance r (pigeonhole), so a lookup is four
   indexed IN lists (`probes`), not a scan of every hash.
2. `detail` and `print_match`: the candidate is compared print against print. Both pictures, at a fixed size,
   are high-passed (so light and shade drop out) and cut into tiles; each tile is matched against the other
   picture within a small shift (a photo taken again at an angle moves each part of the page a little, and
   differently), by normalised correlation. Re-photographed, nearly every tile finds itself again; another
   leaflet on the same template matches in its logo and photo tiles and fails where the words differ, so the
   worst quarter of the tile scores separates the two. Each tile's shift must fit one movement of the
   whole page (an affine fit), and the match is taken both ways round.
"""

from __future__ import annotations

from dataclasses import dataclass
from itertools import combinations
from typing import Callable

import numpy as np
from PIL import Image, ImageFilter

HASH_BITS = 64
BANDS, BAND_BITS = 4, 16
BAND_RADIUS = 2  # probe each band this many bits out: finds every hash within 4*2+3 bits
MAX_DISTANCE = BANDS * BAND_RADIUS + BANDS - 1
MARGIN = 0.04  # of each side left out: the table or hand around a photographed page
DETAIL_AREA = 288 * 384  # pixels every pair of pictures is compared at
TILE = 32  # pixels square
MAX_SHIFT = 8  # pixels each way a tile may move (about 3% of the page)
SAME_PRINT = 0.5  # the QUANTILE tile score from which two prints are one leaflet (measured: the same
# leaflet, re-encoded, resized or photographed again, 0.62-1.0; another leaflet on
# its template 0.33-0.36; short headlines sharing words 0.29-0.33)
QUANTILE = 25  # the tile score reported (percentile): the worst quarter of the print decides
MIN_TILES = 16  # tiles of print (of about 108): fewer, a line or two on a blank page, is too little
# to tell "BURST 1" from "BURST 2"; real leaflets measured 43-108
_INKED = 4.0  # a tile whose print varies less (grey levels, RMS) is blank paper


def grey(image: Image.Image, size: tuple[int, int]) -> Image.Image:
    """The picture in grey at `size` (width, height); a big JPEG is drafted first (decoded at 1/2, 1/4 or 1/8
    scale, far faster) when that still leaves more pixels than asked for."""
    if image.format == "JPEG" and hasattr(image, "draft"):
        image.draft("L", (size[0] * 2, size[1] * 2))
    return image.convert("L").resize(size, Image.Resampling.BOX)


def _inside(image: Image.Image) -> Image.Image:
    width, height = image.size
    left, top = int(width * MARGIN), int(height * MARGIN)
    return image.crop((left, top, width - left, height - top))


def page_hash(image: Image.Image) -> int:
    """The 64-bit hash, as a signed integer (what a database BIGINT holds): one bit per cell of an 8x8 grid,
    set where the cell holds more print than the page's median cell. Print is measured as local contrast
    relative to local brightness, so an even or graded change of light leaves the bits as they were."""
    small = _inside(grey(image, (1024, 1024)) if max(image.size) > 1024 else image.convert("L"))
    small = small.resize((128, 128), Image.Resampling.BOX)
    pixels = np.asarray(small, dtype=np.float32) + 8
    background = np.asarray(small.filter(ImageFilter.BoxBlur(4)), dtype=np.float32) + 8
    contrast = np.abs(pixels / background - 1)
    cells = contrast.reshape(8, 16, 8, 16).mean(axis=(1, 3)).flatten()
    bits = cells > np.median(cells)
    value = int("".join("1" if bit else "0" for bit in bits), 2)
    return value - (1 << HASH_BITS) if value >= 1 << (HASH_BITS - 1) else value


def distance(first: int, second: int) -> int:
    return ((first ^ second) & ((1 << HASH_BITS) - 1)).bit_count()


def bands(value: int) -> list[int]:
    """The hash cut into four 16-bit bands, most significant first."""
    unsigned = value & ((1 << HASH_BITS) - 1)
    mask = (1 << BAND_BITS) - 1
    return [(unsigned >> (BAND_BITS * (BANDS - 1 - i))) & mask for i in range(BANDS)]


def probes(band: int, radius: int) -> list[int]:
    """Every band value within `radius` bits of `band` (1 + 16 + 120 values for radius 2)."""
    found = [band]
    for flips in range(1, radius + 1):
        for positions in combinations(range(BAND_BITS), flips):
            value = band
            for position in positions:
                value ^= 1 << position
            found.append(value)
    return found


def detail_size(image: Image.Image, other: Image.Image) -> tuple[int, int]:
    """Whole tiles in the first picture's shape: about DETAIL_AREA pixels, or fewer when either picture has
    fewer (a small picture blown up would compare its blur, not its print)."""
    width, height = image.size
    area = min(
        DETAIL_AREA,
        width * height * (1 - 2 * MARGIN) ** 2,
        other.size[0] * other.size[1] * (1 - 2 * MARGIN) ** 2,
    )
    scale = (area / max(1, width * height * (1 - 2 * MARGIN) ** 2)) ** 0.5 * (1 - 2 * MARGIN)
    return (max(2, round(width * scale / TILE)) * TILE, max(2, round(height * scale / TILE)) * TILE)


def detail(image: Image.Image, size: tuple[int, int]) -> np.ndarray:
    """The print of the picture at `size`: grey, the margin left out, its slow light and shade taken away."""
    small = _inside(grey(image, (size[0] * 2, size[1] * 2)) if image.format == "JPEG" else image.convert("L"))
    small = small.resize(size, Image.Resampling.BOX)
    background = small.filter(ImageFilter.BoxBlur(4))
    return np.asarray(small, dtype=np.float32) - np.asarray(background, dtype=np.float32)


@dataclass(frozen=True)
class PrintMatch:
    score: float  # the QUANTILE percentile of the tile scores: 1 is the same print everywhere
    tiles: int  # tiles with print on them, that were compared

    @property
    def same(self) -> bool:
        return self.tiles >= MIN_TILES and self.score >= SAME_PRINT


def print_match(first: Image.Image, second: Image.Image) -> PrintMatch:
    """How well the two prints find each other, tile by tile; both ways round, so that a page that is the
    other with something added (a second line, a sticker) does not match on the part they share."""
    size = detail_size(first, second)
    a, b = detail(first, size), detail(second, size)
    forward = _one_way(a, b)
    if forward.score < SAME_PRINT:  # not the same print one way round: the other cannot make it so (half
        return forward  # the cost, for the look-alikes that are most of what an upload is compared with)
    return min(forward, _one_way(b, a), key=lambda match: (match.same, match.score))


def _one_way(a: np.ndarray, b: np.ndarray) -> PrintMatch:
    """How well each tile of `a`'s print finds itself in `b`'s within MAX_SHIFT pixels.

    Coarse to fine: every shift is tried at half size (a sixteenth of the work); the shifts are smoothed into
    one movement of the page; then each tile is refined within two pixels of it at full size."""
    tiles_a = _tiles(a, TILE)
    energy_a = np.sqrt((tiles_a**2).sum(axis=(2, 3)))
    inked = energy_a / TILE > _INKED
    if not inked.any():
        return PrintMatch(0.0, 0)
    coarse = _best_shifts(_halved(a), _halved(b), TILE // 2, MAX_SHIFT // 2)
    best = _refined(tiles_a, energy_a, b, np.rint(_smooth(coarse, inked) * 2).astype(np.int64), radius=2)
    return PrintMatch(float(np.percentile(best[inked], QUANTILE)), int(inked.sum()))


def _smooth(shifts: np.ndarray, inked: np.ndarray) -> np.ndarray:
    """The tiles' shifts as one page would move: an affine fit over the inked tiles (refitted once without
    the tiles it explains worst). A photo taken again moves its tiles together; a different page's tiles
    find their best look-alikes at scattered shifts, which the fit does not follow."""
    rows, cols = inked.shape
    ys, xs = np.mgrid[0:rows, 0:cols]
    design = np.stack([ys.ravel(), xs.ravel(), np.ones(rows * cols)], axis=1).astype(np.float64)
    target = shifts.reshape(-1, 2).astype(np.float64)
    use = inked.ravel().copy()
    if use.sum() < 3:
        return shifts.astype(np.float64)
    for _ in range(2):
        coefficients = np.linalg.lstsq(design[use], target[use], rcond=None)[0]
        error = np.abs(design @ coefficients - target).max(axis=1)
        keep = use & (error <= np.percentile(error[use], 75))
        if keep.sum() < 3:
            break
        use = keep
    limit = MAX_SHIFT // 2
    return np.clip(design @ coefficients, -limit, limit).reshape(rows, cols, 2)


def _halved(pixels: np.ndarray) -> np.ndarray:
    height, width = pixels.shape[0] // 2 * 2, pixels.shape[1] // 2 * 2
    return pixels[:height, :width].reshape(height // 2, 2, width // 2, 2).mean(axis=(1, 3))


def _ncc(
    tiles_a: np.ndarray, energy_a: np.ndarray, tiles_b: np.ndarray, energy_b: np.ndarray | None = None
) -> np.ndarray:
    # einsum sums the products without making them first: this is most of a print match's time
    if energy_b is None:
        energy_b = np.sqrt(np.einsum("...ij,...ij->...", tiles_b, tiles_b))
    dot = np.einsum("...ij,...ij->...", tiles_a, tiles_b)
    return dot / np.maximum(energy_a * energy_b, 1e-6)


def _tile_energies(padded: np.ndarray, tile: int, shape: tuple[int, int]) -> Callable[[int, int], np.ndarray]:
    """The energy of each tile of `padded` at any offset, from one table of running sums of its squares
    (four look-ups a tile, instead of summing every tile's squares again at each of the shifts tried)."""
    rows, cols = shape
    sums = np.zeros((padded.shape[0] + 1, padded.shape[1] + 1))
    sums[1:, 1:] = np.square(padded, dtype=np.float64).cumsum(axis=0).cumsum(axis=1)

    def at(top: int, left: int) -> np.ndarray:
        corner = sums[top : top + rows * tile + 1 : tile, left : left + cols * tile + 1 : tile]
        total = corner[1:, 1:] - corner[:-1, 1:] - corner[1:, :-1] + corner[:-1, :-1]
        return np.sqrt(np.maximum(total, 0)).astype(np.float32)

    return at


def _best_shifts(a: np.ndarray, b: np.ndarray, tile: int, shift: int) -> np.ndarray:
    """(rows, cols, 2): the (dy, dx) at which each tile of `a` best matches `b`, trying every shift."""
    height, width = a.shape
    padded = np.pad(b, shift, mode="edge")
    tiles_a = _tiles(a, tile)
    energy_a = np.sqrt((tiles_a**2).sum(axis=(2, 3)))
    energy_b = _tile_energies(padded, tile, energy_a.shape)
    best = np.full(energy_a.shape, -2.0, dtype=np.float32)
    where = np.zeros(energy_a.shape + (2,), dtype=np.int64)
    for dy in range(-shift, shift + 1):
        for dx in range(-shift, shift + 1):
            window = padded[shift + dy : shift + dy + height, shift + dx : shift + dx + width]
            score = _ncc(tiles_a, energy_a, _tiles(window, tile), energy_b(shift + dy, shift + dx))
            better = score > best
            best[better] = score[better]
            where[better] = (dy, dx)
    return where


def _refined(
    tiles_a: np.ndarray, energy_a: np.ndarray, b: np.ndarray, start: np.ndarray, radius: int
) -> np.ndarray:
    """Each tile's best score within `radius` pixels of its own starting shift, at full size."""
    rows, cols = energy_a.shape
    pad = MAX_SHIFT + radius
    windows = np.lib.stride_tricks.sliding_window_view(np.pad(b, pad, mode="edge"), (TILE, TILE))
    top = np.arange(rows)[:, None] * TILE + pad + start[..., 0]
    left = np.arange(cols)[None, :] * TILE + pad + start[..., 1]
    best = np.full(energy_a.shape, -2.0, dtype=np.float32)
    for dy in range(-radius, radius + 1):
        for dx in range(-radius, radius + 1):
            np.maximum(best, _ncc(tiles_a, energy_a, windows[top + dy, left + dx]), out=best)
    return best


def _tiles(pixels: np.ndarray, tile: int) -> np.ndarray:
    """(rows, cols, tile, tile) views of the picture's tiles."""
    rows, cols = pixels.shape[0] // tile, pixels.shape[1] // tile
    return pixels[: rows * tile, : cols * tile].reshape(rows, tile, cols, tile).swapaxes(1, 2)
