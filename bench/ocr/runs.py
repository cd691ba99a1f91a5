"""Read every image of a set with both engines and keep the readings as JSON-ready entries."""

from __future__ import annotations

import logging
from dataclasses import asdict, replace
from pathlib import Path

from bench.ocr import measure
from bench.ocr.real_set import RealImage
from bench.ocr.report import Entry, score

logger = logging.getLogger(__name__)


def read_both(path: str, plain_confidence: bool = False) -> tuple[dict, dict]:
    """Plain Tesseract's and the pipeline's readings of one image (plain first, as in every set)."""
    plain = measure.plain_tesseract(path)
    if plain_confidence:
        plain = replace(plain, confidence=measure.plain_confidence(path))
    ours = measure.pipeline(path)
    logger.info("%s: plain %.1f s, ours %.1f s", Path(path).name, plain.wall_s, ours.wall_s)
    return asdict(plain), asdict(ours)


def run_synthetic(samples: list) -> list[Entry]:
    """Entries for generated photos (bench.ocr.dataset.Sample or bench.ocr.wide.dataset.Sample)."""
    entries = []
    for sample in samples:
        entry: Entry = asdict(sample)
        entry["name"] = Path(sample.path).name
        entry["plain"], entry["ocr"] = read_both(sample.path)
        entries.append(score(entry))
    return entries


def run_real(images: list[RealImage]) -> list[Entry]:
    """Entries for the real photos; those without a truth are read but not scored."""
    entries = []
    for image in images:
        entry: Entry = {
            **asdict(image),
            "set_name": "real",
            "layout": "real",
            "level": None,
            "turn": None,
            "fold_case": True,
        }
        entry["plain"], entry["ocr"] = read_both(image.path, plain_confidence=True)
        entries.append(score(entry) if image.truth else entry)
    return entries
