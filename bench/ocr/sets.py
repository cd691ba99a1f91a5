"""Every synthetic set by name: the original generator's two sets and the wider generator's two."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from bench.ocr import dataset

Generator = Callable[[str, int, int, Path], list]
SYNTHETIC: dict[str, Generator] = {
    "tuning": dataset.generate,  # the original three templates (sans fonts, prose pool A)
    "held_out": dataset.generate,  # the original two held-out templates
}


def generate(name: str, seed: int, count: int, directory: Path) -> list:
    """`count` photos of set `name` with their truth, written under `directory`."""
    return SYNTHETIC[name](name, seed, count, directory)
