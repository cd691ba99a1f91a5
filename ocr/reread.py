"""Blocks of the prepared page's reading read again from the grey photo, put back in the block's place.

The prepared page is two levels, and on a blurred photo its thresholding breaks small print letter by
letter: a reading strong over the whole page can hold a paragraph misread so ("perks ere Riveruide
bendstend end cleered" for "parks are Riverside bandstand and cleared", `wide_tuning-019`). Each block of
the chosen reading that is not strong by its own evidence is cut from the photo warped flat and left grey
(as the second looks cut columns), all are read in one Tesseract run, and a block's words are replaced
where the new reading found clearly more real text (`patchwork.better_there`).

The replacement is made after the reading order is decided, in the place the block's words took there
(`put_back`): the order stage sees the blocks it would have seen without it. Swapped in before, a block
read again changed that stage's decision on other pages (a block read across two columns no longer cut
at its gutter, `tuning-002` 0.023 -> 0.219).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from itertools import groupby

import numpy as np

from ocr import dictionary, evidence, ink, patchwork, reading, recognition, regions, tesseract
from ocr.geometry import Matrix
from ocr.result import WordBox

_MIN_WORDS = 8  # a block of fewer words is too little text to judge a second reading of by its evidence
# ... holding this many word-like tokens of 3 letters or more not in the dictionary: the swapped blocks of
# wide_tuning seed 1 held 4-7, while blocks of names and figures (1-2) were read again for nothing
_MISREAD = 4
_OVERLAPPED = 0.1  # a block this much of whose box lies in another block's is not read again: blocks read
# into each other (a chart's labels among a column's lines) are read again as one muddle


@dataclass(frozen=True)
class Swap:
    """A block's words as the chosen reading has them, and the words that replace them."""

    block: list[WordBox]
    words: list[WordBox]


def _overlapped(box: np.ndarray, others: np.ndarray) -> bool:
    """Whether a block's box overlaps another's by `_OVERLAPPED` of its own area."""
    width = np.minimum(box[2], others[:, 2]) - np.maximum(box[0], others[:, 0])
    height = np.minimum(box[3], others[:, 3]) - np.maximum(box[1], others[:, 1])
    shared = np.clip(width, 0, None) * np.clip(height, 0, None)
    return bool((shared > _OVERLAPPED * (box[2] - box[0]) * (box[3] - box[1])).any())


def weak_blocks(words: list[WordBox]) -> list[list[WordBox]]:
    """The blocks worth reading again: 8 words or more, overlapping no other block, not strong, with
    `_MISREAD` unknown words or more."""
    blocks = [list(run) for _, run in groupby(words, key=lambda w: w.block)]
    if len(blocks) != len({w.block for w in words}):
        return []  # a block's words apart in the order: no one place to put a block read again back in
    places = np.array([patchwork.box_around(block) for block in blocks], np.float64)
    return [
        block
        for i, block in enumerate(blocks)
        if len(block) >= _MIN_WORDS
        and not _overlapped(places[i], np.delete(places, i, axis=0))
        and not reading.strong(evidence.assess(block))
        and _unknown(block) >= _MISREAD
    ]


def _unknown(block: list[WordBox]) -> int:
    """Word-like tokens of 3 letters or more that are not dictionary words."""
    return sum(
        1
        for w in block
        if dictionary.is_wordlike(w.text) and len(w.text) > 2 and not dictionary.is_known(w.text)
    )


def read_again(
    words: list[WordBox],
    to_master: Matrix,
    size: tuple[int, int],
    master: np.ndarray,
    lang: str,
    deadline: tesseract.Deadline,
    command: str | None,
) -> list[Swap]:
    """The weak blocks of a reading (`words` upright in the pixels of an image of `size`, which
    `to_master` maps to the grey photo `master`'s) that a reading of the grey photo read clearly better.

    Only words read within the block's own lines count: a block's box can take in the next column's
    lines, which the reading has elsewhere.
    """
    weak = weak_blocks(words)[: regions.MAX_REGIONS]
    if not weak:
        return []
    read = regions.read_columns(
        master, to_master, [ink.word_boxes(b, np.eye(3)) for b in weak], lang, deadline, command
    )
    swaps = []
    for block, found in zip(weak, read, strict=True):
        lines = np.array(
            [
                patchwork.box_around(list(line))
                for _, line in groupby(block, key=lambda w: (w.paragraph, w.line))
            ]
        )
        again = recognition.to_master(found, np.linalg.inv(to_master), size)
        within = [w for w in again if regions.covers(lines, w.left + w.width / 2, w.top + w.height / 2)]
        within = evidence.without_gibberish(within)
        if within and patchwork.better_there(block, within, words):
            swaps.append(Swap(block, within))
    return swaps


def _key(word: WordBox) -> tuple[str, int, int, int, int]:
    """A word as the order stage leaves it: it renumbers blocks, nothing else."""
    return word.text, word.left, word.top, word.width, word.height


def put_back(ordered: list[WordBox], swaps: list[Swap]) -> list[WordBox]:
    """The ordered words with each swapped block's words replaced by those read again, where the block's
    words (those left: gibberish lines are dropped) stand together in the order, numbered as its block
    there. A block the order stage cut at a gutter is left as it was."""
    out = ordered
    for swap in swaps:
        keys = {_key(w) for w in swap.block}
        at = [i for i, w in enumerate(out) if _key(w) in keys]
        if not at or at[-1] - at[0] + 1 != len(at) or len({out[i].block for i in at}) != 1:
            continue
        number = out[at[0]].block
        out = out[: at[0]] + [replace(w, block=number) for w in swap.words] + out[at[-1] + 1 :]
    return out
