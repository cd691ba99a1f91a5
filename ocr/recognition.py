"""Run Tesseract on the prepared page and turn its TSV into words and reading-order text."""

from __future__ import annotations

import logging
from dataclasses import replace
from typing import Any

import numpy as np

from ocr import tesseract
from ocr.geometry import Matrix, clip_box, map_boxes
from ocr.result import WordBox

logger = logging.getLogger(__name__)

PAGE_SEGMENTATION = 3  # automatic layout analysis: measured best on leaflets (see bench/ocr)
# Our preprocessing already turns light-on-dark print dark; Tesseract's own per-line inversion
# test would only cost time.
BASE_CONFIG = "-c tessedit_do_invert=0"


def tesseract_config(psm: int = PAGE_SEGMENTATION, invert: bool = False) -> str:
    """Command-line options for recognition; `invert` keeps Tesseract's own light-on-dark line test."""
    return f"--psm {psm}" if invert else f"--psm {psm} {BASE_CONFIG}"


def words_from_data(data: dict[str, list[Any]]) -> list[WordBox]:
    """Word rows of Tesseract's TSV, in Tesseract's reading order, in its image's pixels."""
    words = []
    for index, text in enumerate(data.get("text", [])):
        text = str(text).strip()
        confidence = float(data["conf"][index])
        if not text or confidence < 0:
            continue
        words.append(
            WordBox(
                text=text,
                confidence=round(confidence, 2),
                left=int(data["left"][index]),
                top=int(data["top"][index]),
                width=int(data["width"][index]),
                height=int(data["height"][index]),
                block=int(data["block_num"][index]),
                paragraph=int(data["par_num"][index]),
                line=int(data["line_num"][index]),
            )
        )
    return words


def is_noise(word: WordBox) -> bool:
    """Low-confidence specks (texture, borders) that are not words at all."""
    has_alnum = any(ch.isalnum() for ch in word.text)
    return word.confidence < 25 and (not has_alnum or len(word.text) == 1)


def mean_confidence(words: list[WordBox]) -> float:
    """Mean word confidence, 0.0 when there are no words."""
    return round(float(np.mean([w.confidence for w in words])), 2) if words else 0.0


def to_master(words: list[WordBox], matrix: Matrix, size: tuple[int, int]) -> list[WordBox]:
    """Carry word boxes through `matrix` into the master image of `size` (width, height)."""
    mapped = []
    boxes = map_boxes(matrix, [(w.left, w.top, w.width, w.height) for w in words])
    for word, box in zip(words, boxes.tolist()):
        left, top, width, height = clip_box(box, size)
        mapped.append(
            WordBox(
                word.text, word.confidence, left, top, width, height, word.block, word.paragraph, word.line
            )
        )
    return mapped


def recognise_words(
    gray: np.ndarray,
    lang: str,
    deadline: tesseract.Deadline,
    command: str | None,
    psm: int = PAGE_SEGMENTATION,
    invert: bool = False,
) -> list[WordBox]:
    """Recognised words of `gray` (or a colour image), noise removed, in its pixels."""
    data = tesseract.image_to_data(gray, lang, tesseract_config(psm, invert), deadline, command)
    return pronoun_from_bars([word for word in words_from_data(data) if not is_noise(word)])


def pronoun_from_bars(words: list[WordBox]) -> list[WordBox]:
    """A bar read for the pronoun I ("| always", "| know"): Tesseract's commonest confusion in body text.

    Only a lone bar followed on the same line by a lower-case word is changed; a bar between two
    capitalised words or numbers ("Home | About") stays a separator.
    """
    fixed = list(words)
    for i, (word, after) in enumerate(zip(words, words[1:])):
        same_line = (word.block, word.paragraph, word.line) == (after.block, after.paragraph, after.line)
        if word.text == "|" and same_line and after.text[:1].islower():
            fixed[i] = replace(word, text="I")
    return fixed
