"""Deterministic sets of the wider generator: every layout at every level, quarter turns on every level.

Photo i of a set uses layout i % L and level (i % L + i // L) % 4, so the first L photos already spread over
the levels and 4L photos hold every layout at every level once. The k-th photo of a level is turned by
QUARTER_TURNS[k % 6] clockwise: on level 0 too, where the clean page is turned without any EXIF tag (a
scan fed in sideways). Low-resolution layouts are scaled down last, so the page is 300-500 px wide.
"""

from __future__ import annotations

import json
import random
from collections.abc import Callable
from dataclasses import asdict, dataclass
from pathlib import Path

from PIL import Image

from bench.ocr.degrade import QUARTER_TURNS, degrade

LEVELS = 4
# Clockwise quarter turns as Pillow transposes (Pillow's ROTATE_* turn anticlockwise).
_TRANSPOSE = {90: Image.Transpose.ROTATE_270, 180: Image.Transpose.ROTATE_180, 270: Image.Transpose.ROTATE_90}


@dataclass(frozen=True)
class Page:
    """What a layout drew: the page, its truth, and for low-resolution layouts the final page width."""

    image: Image.Image
    text: str
    layout: str
    final_width: int | None = None


Layout = Callable[[random.Random], Page]


@dataclass(frozen=True)
class Sample:
    """One photo and what is printed on it."""

    path: str
    set_name: str
    level: int
    layout: str
    turn: int
    truth: str
    width: int
    height: int


def schedule(index: int, layouts: int) -> tuple[int, int]:
    """(layout index, level) of photo `index`."""
    return index % layouts, (index % layouts + index // layouts) % LEVELS


def photograph(page: Page, level: int, turn_index: int, rng: random.Random) -> tuple[Image.Image, int]:
    """The photo of `page` at `level` and the clockwise quarter turn applied."""
    if level == 0:
        turn = QUARTER_TURNS[turn_index % len(QUARTER_TURNS)]
        photo = page.image.transpose(_TRANSPOSE[turn]) if turn else page.image.copy()
    else:
        photo, turn = degrade(page.image, level, rng, turn_index)
    if page.final_width:
        factor = page.final_width / page.image.width
        photo = photo.resize(
            (round(photo.width * factor), round(photo.height * factor)), Image.Resampling.LANCZOS
        )
    return photo, turn


def generate(
    set_name: str, seed: int, count: int, directory: Path, layouts: tuple[Layout, ...]
) -> list[Sample]:
    """`count` photos of `layouts`, identical for the same seed, written to `directory` with their truth."""
    directory.mkdir(parents=True, exist_ok=True)
    per_level = [0] * LEVELS
    samples = []
    for index in range(count):
        which, level = schedule(index, len(layouts))
        rng = random.Random(f"{seed}-{set_name}-{index}")
        page = layouts[which](rng)
        photo, turn = photograph(page, level, per_level[level], rng)
        per_level[level] += 1
        path = (
            directory / f"{set_name}-{index:03d}-{page.layout}-level{level}.{'png' if level == 0 else 'jpg'}"
        )
        photo.save(path, quality=92) if level else photo.save(path)
        samples.append(Sample(str(path), set_name, level, page.layout, turn, page.text, *photo.size))
    (directory / f"{set_name}-truth.json").write_text(json.dumps([asdict(s) for s in samples], indent=1))
    return samples
