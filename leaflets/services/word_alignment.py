"""Give a volunteer's corrected text the photo boxes of the OCR words it stands for.

The corrected words are aligned to the recognised ones by their longest common subsequence (RapidFuzz's
Indel opcodes on word sequences): unchanged words keep their boxes. Between two unchanged stretches, a
corrected word takes the box of the word it replaced (see _fill_gap; a word that joins up a run, as
"pot holes" -> "potholes", gets one box around the run). Words typed where OCR found nothing have no box.
The volunteer's paragraphs and lines are kept.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Sequence

from rapidfuzz.distance import Indel, Levenshtein

MIN_SIMILARITY = 0.5  # a changed word takes the box of an unequal-length stretch's word at least this similar
_BOX = ("left", "top", "width", "height")

Box = tuple[int, int, int, int]


@dataclass(frozen=True)
class AlignedWord:
    text: str
    box: Box | None


def key(word: str) -> str:
    """Words compare without case or the punctuation around them ("Fix," matches "fix")."""
    stripped = "".join(ch for ch in word.casefold() if ch.isalnum())
    return stripped or word.casefold()


def _box(word: dict[str, Any]) -> Box:
    return tuple(int(word.get(name, 0)) for name in _BOX)  # type: ignore[return-value]


def _union(words: Sequence[dict[str, Any]]) -> Box | None:
    """One box around words of one line (None when they are on different lines: no sensible box)."""
    if len({(w.get("block"), w.get("paragraph"), w.get("line")) for w in words}) != 1:
        return None
    boxes = [_box(word) for word in words]
    left, top = min(b[0] for b in boxes), min(b[1] for b in boxes)
    right, bottom = max(b[0] + b[2] for b in boxes), max(b[1] + b[3] for b in boxes)
    return left, top, right - left, bottom - top


def _fill_gap(corrected: list[str], found: list[dict[str, Any]]) -> list[Box | None]:
    """Boxes for corrected words that replaced the OCR words `found` (either side may be empty).

    As many words on both sides: substitutions, word for word. Otherwise similar words (or a run of words a
    corrected word joins up) are paired first, in order, and what is left between them is paired word for word
    from the start; corrected words left over were inserted and have no box."""
    if len(corrected) == len(found):
        return [_box(word) for word in found]
    boxes: list[Box | None] = [None] * len(corrected)
    anchors: list[tuple[int, int, int]] = []  # (corrected index, first found index, end found index)
    start = 0
    for index, text in enumerate(corrected):
        match = _best_match(key(text), found, start)
        if match is not None:
            first, end = match
            anchors.append((index, first, end))
            boxes[index] = _union(found[first:end]) if end - first > 1 else _box(found[first])
            start = end
    previous_corrected = previous_found = 0
    for index, first, end in [*anchors, (len(corrected), len(found), len(found))]:
        for offset in range(min(index - previous_corrected, first - previous_found)):
            boxes[previous_corrected + offset] = _box(found[previous_found + offset])
        previous_corrected, previous_found = index + 1, end
    return boxes


def _best_match(wanted: str, found: list[dict[str, Any]], start: int) -> tuple[int, int] | None:
    """Where in found[start:] `wanted` is: a run of words that spell it, else the most similar word."""
    for first in range(start, len(found)):
        for end in range(first + 2, len(found) + 1):
            joined = "".join(key(word["text"]) for word in found[first:end])
            if joined == wanted:
                return first, end
            if len(joined) >= len(wanted):
                break
    scored = [
        (Levenshtein.normalized_similarity(wanted, key(word["text"])), index)
        for index, word in enumerate(found[start:], start)
    ]
    similarity, index = max(scored, default=(0.0, start))
    return (index, index + 1) if similarity >= MIN_SIMILARITY else None


def align_words(corrected: list[str], found: list[dict[str, Any]]) -> list[Box | None]:
    """For each corrected word, the box of the OCR word(s) it stands for, or None."""
    boxes: list[Box | None] = [None] * len(corrected)
    seen_found = seen_corrected = 0
    opcodes = Indel.opcodes([key(word["text"]) for word in found], [key(word) for word in corrected])
    matches = [(op.src_start, op.src_end, op.dest_start, op.dest_end) for op in opcodes if op.tag == "equal"]
    matches.append((len(found), len(found), len(corrected), len(corrected)))  # closes the gap after the last
    for found_start, found_end, corrected_start, corrected_end in matches:
        gap = _fill_gap(corrected[seen_corrected:corrected_start], found[seen_found:found_start])
        boxes[seen_corrected:corrected_start] = gap
        for offset in range(corrected_end - corrected_start):
            boxes[corrected_start + offset] = _box(found[found_start + offset])
        seen_found, seen_corrected = found_end, corrected_end
    return boxes


def align_text(text: str, found: list[dict[str, Any]] | None) -> list[list[list[AlignedWord]]]:
    """The corrected text as paragraphs of lines of words, each with its box on the photo (or None)."""
    paragraphs = [
        [line.split() for line in block.split("\n") if line.strip()]
        for block in text.replace("\r\n", "\n").split("\n\n")
    ]
    paragraphs = [lines for lines in paragraphs if lines]
    flat = [word for lines in paragraphs for line in lines for word in line]
    boxes = iter(align_words(flat, list(found or [])))
    return [[[AlignedWord(word, next(boxes)) for word in line] for line in lines] for lines in paragraphs]
