"""Every synthetic set by name: the original generator's two sets and the wider generator's two."""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from pathlib import Path

from bench.ocr import dataset
from bench.ocr.wide import dataset as wide
from bench.ocr.wide.held_out import LAYOUTS as WIDE_HELD_OUT
from bench.ocr.wide.tuning import LAYOUTS as WIDE_TUNING

Generator = Callable[[str, int, int, Path], list]
SYNTHETIC: dict[str, Generator] = {
    "tuning": dataset.generate,  # the original three templates (sans fonts, prose pool A)
    "held_out": dataset.generate,  # the original two held-out templates (prose pool B)
    "wide_tuning": partial(wide.generate, layouts=WIDE_TUNING),  # seven layouts, prose pool C
    "wide_held_out": partial(wide.generate, layouts=WIDE_HELD_OUT),  # seven other layouts, prose pool D
}


def generate(name: str, seed: int, count: int, directory: Path) -> list:
    """`count` photos of set `name` with their truth, written under `directory`."""
    return SYNTHETIC[name](name, seed, count, directory)
