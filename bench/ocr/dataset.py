"""Deterministic sets of synthetic leaflet photos with their ground truth, written to disk."""

from __future__ import annotations

import json
import random
from dataclasses import asdict, dataclass
from pathlib import Path

from bench.ocr.degrade import degrade
from bench.ocr.templates import HELD_OUT_TEMPLATES, TUNING_TEMPLATES, Template

LEVELS = (0, 1, 2, 3)
SETS: dict[str, tuple[tuple[Template, ...], int]] = {
    # name: (templates, seed offset). The held-out set's templates, prose, fonts and seed were never tuned on.
    "tuning": (TUNING_TEMPLATES, 0),
    "held_out": (HELD_OUT_TEMPLATES, 7919),
}


@dataclass(frozen=True)
class Sample:
    """One photo and what is printed on it."""

    path: str
    set_name: str
    level: int
    layout: str
    turn: int
    truth: str


def generate(set_name: str, seed: int, count: int, directory: Path) -> list[Sample]:
    """`count` photos spread evenly over the severity levels, identical for the same seed."""
    templates, offset = SETS[set_name]
    directory.mkdir(parents=True, exist_ok=True)
    samples = []
    for index in range(count):
        level = LEVELS[index % len(LEVELS)]
        rng = random.Random(f"{seed + offset}-{set_name}-{index}")
        leaflet = templates[index % len(templates)](rng)
        photo, turn = degrade(leaflet.image, level, rng, index // len(LEVELS))
        path = directory / f"{set_name}-{index:03d}-level{level}.{'png' if level == 0 else 'jpg'}"
        photo.save(path, quality=95) if level else photo.save(path)
        samples.append(Sample(str(path), set_name, level, leaflet.template, turn, leaflet.text))
    (directory / f"{set_name}-truth.json").write_text(json.dumps([asdict(s) for s in samples], indent=1))
    return samples
