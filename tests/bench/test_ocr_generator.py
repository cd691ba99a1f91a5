"""The OCR benchmark's generators draw what their truth says: plain Tesseract on a clean page of every layout
finds most truth words, and what it reads with confidence is in the truth. Without this a benchmark can
flatter (text drawn but missing from the truth) or punish (truth never drawn) any pipeline."""

from __future__ import annotations

import csv
import io
import random
import subprocess
from pathlib import Path

import pytest
from PIL import Image

from bench.ocr.metrics import word_recall, words
from bench.ocr.real_set import real_images
from bench.ocr.wide import dataset as wide
from bench.ocr.wide.held_out import LAYOUTS as HELD_OUT
from bench.ocr.wide.tuning import LAYOUTS as TUNING


def _tesseract_words(image: Image.Image, tmp_path: Path) -> list[tuple[str, float]]:
    """(word, confidence) as plain Tesseract reads the image; a hyphenated line end joins the next word."""
    path = tmp_path / "page.png"
    image.save(path)
    tsv = subprocess.run(
        ["tesseract", str(path), "stdout", "tsv"], capture_output=True, text=True, check=True
    ).stdout
    read: list[tuple[str, float]] = []
    for row in csv.DictReader(io.StringIO(tsv), delimiter="\t", quoting=csv.QUOTE_NONE):
        word, conf = row.get("text", "").strip(), float(row["conf"])
        if not word:
            continue
        if read and read[-1][0].endswith("-") and read[-1][0][:-1].isalpha():
            head, head_conf = read.pop()
            word, conf = head[:-1] + word, min(conf, head_conf)
        read.append((word, conf))
    return read


@pytest.mark.slow
@pytest.mark.parametrize("layout", [*TUNING, *HELD_OUT], ids=lambda layout: layout.__name__)
def test_clean_page_truth_is_what_was_drawn(layout: wide.Layout, tmp_path: Path) -> None:
    page = layout(random.Random(3))
    read = _tesseract_words(page.image, tmp_path)
    text = " ".join(word for word, _ in read)
    # Truth -> page: most truth words come out even from plain Tesseract (dark panels cost it some).
    assert word_recall(page.text, text) >= 0.7, (page.text, text)
    # Page -> truth: words Tesseract is sure of are printed words, so they must be in the truth (a few
    # are its own slips: two words run together, a line end joined across columns).
    truth_words = set(words(page.text))
    sure = [w for word, conf in read if conf >= 90 for w in words(word) if len(w) >= 3 and w.isalpha()]
    missing = [w for w in sure if w not in truth_words]
    assert len(missing) <= max(3, len(sure) // 30), missing


def test_wide_sets_cover_levels_turns_and_low_resolution(tmp_path: Path) -> None:
    count = 2 * len(TUNING) + 2
    samples = wide.generate("wide_tuning", 4, count, tmp_path, TUNING)
    assert [wide.schedule(i, len(TUNING)) for i in range(3)] == [(0, 0), (1, 1), (2, 2)]
    assert {s.layout for s in samples} == {layout.__name__ for layout in TUNING}
    assert {s.level for s in samples} == {0, 1, 2, 3}
    level0 = [s for s in samples if s.level == 0]
    assert level0[1].turn == 90  # clean pages are turned too, without EXIF
    for sample in samples:
        with Image.open(sample.path) as photo:
            assert photo.size == (sample.width, sample.height)
            assert not photo.getexif()
        if sample.level == 0 and sample.layout != "postcard_lowres":
            upright = (1240, 1754) if sample.layout != "trifold" else (1754, 1240)
            assert photo.size == (upright if sample.turn in (0, 180) else upright[::-1])
    lowres = [s for s in samples if s.layout == "postcard_lowres"]
    assert lowres and all(min(s.width, s.height) <= 700 for s in lowres)
    assert all(300 <= s.width <= 500 for s in lowres if s.level == 0 and s.turn in (0, 180))
    again = wide.generate("wide_tuning", 4, count, tmp_path / "again", TUNING)
    assert [s.truth for s in again] == [s.truth for s in samples]


def test_real_set_reads_transcriptions_and_the_readme_truth_in_place() -> None:
    images = real_images()
    scored = [image for image in images if image.truth]
    assert len([image for image in scored if image.transcribed]) == 3
    strip = next(image for image in images if "imprint_strip" in image.name)
    assert strip.truth and strip.truth.startswith("Promoted and printed by Ken Ayling")
    assert strip.truth.endswith("EN11 8ET.") and not strip.transcribed
    assert len(images) == 6 and sum(image.truth is None for image in images) == 2
    assert all(Path(image.path).is_file() and "real_leaflets" in image.path for image in images)
