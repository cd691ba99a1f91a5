"""Per-region choice between two readings of the same page.

The choice between plain Tesseract's reading and the prepared page's is made for the whole page, and a
page read better overall can still hold a region read worse: a column whose lines Tesseract ran across a
gutter, a panel the other reading read cleanly. Here the page is cut into regions where the two readings'
blocks overlap (a block of one and every block of the other it overlaps, and so on), and in each region
the chosen reading's words give way to the other's only when the other found clearly more real text
there (`evidence.clearly_better`, the evidence the whole-page choice uses). A region only one reading
saw keeps what the chosen reading has: print the chosen reading missed is the second looks' job.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import replace
from itertools import groupby

from ocr import dictionary, evidence
from ocr.result import WordBox

Box = tuple[int, int, int, int]  # x0, y0, x1, y1
_OVERLAP = 0.3  # two blocks are the same region when their intersection is this share of the smaller
# A region's words are swapped only for clearly more real text, as for the whole page, plus a line's
# worth of letters: a region holds few words, and two readings of the same lines differ by noise.
_MARGIN = 1.1
_SLACK = 10.0
# Both readings' words in a region must span much the same place (their boxes' intersection this share
# of the larger): two sides of different extent are not the same lines read twice.
_SAME_PLACE = 0.5
# Nor may most of the known words the other side adds be words the chosen reading read elsewhere: on the
# real iPhone photo the prepared reading read a line of small print beside the headline into the
# headline's region, and plain had read that line in its own block (CER 0.109 -> 0.118 with the swap).
_ELSEWHERE = 0.5


def _blocks(words: list[WordBox]) -> list[list[WordBox]]:
    """Runs of one block's words, in reading order."""
    return [list(run) for _, run in groupby(words, key=lambda w: w.block)]


def box_around(words: list[WordBox]) -> Box:
    """x0, y0, x1, y1 around the words."""
    return (
        min(w.left for w in words),
        min(w.top for w in words),
        max(w.left + w.width for w in words),
        max(w.top + w.height for w in words),
    )


def _overlap(a: Box, b: Box, larger: bool = False) -> float:
    """Intersection of two boxes as a share of the smaller one's area (or of the `larger` one's)."""
    width = min(a[2], b[2]) - max(a[0], b[0])
    height = min(a[3], b[3]) - max(a[1], b[1])
    if width <= 0 or height <= 0:
        return 0.0
    areas = ((a[2] - a[0]) * (a[3] - a[1]), (b[2] - b[0]) * (b[3] - b[1]))
    return width * height / max(max(areas) if larger else min(areas), 1)


def _regions(chosen: list[list[WordBox]], other: list[list[WordBox]]) -> list[int]:
    """The region of every block, chosen's blocks first then other's: connected by overlaps."""
    parent = list(range(len(chosen) + len(other)))

    def root(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    boxes = [box_around(b) for b in other]
    for i, block in enumerate(chosen):
        box = box_around(block)
        for j, other_box in enumerate(boxes):
            if _overlap(box, other_box) >= _OVERLAP:
                parent[root(len(chosen) + j)] = root(i)
    return [root(i) for i in range(len(parent))]


def _known(words: list[WordBox]) -> Counter[str]:
    return Counter(w.text.lower() for w in words if len(w.text) > 2 and dictionary.is_known(w.text))


def _read_elsewhere(there: list[WordBox], here: list[WordBox], chosen: list[WordBox]) -> bool:
    """Whether most of the known words the other reading adds in a region are words the chosen reading
    read outside it: the region's edges disagree, and swapping would read that text twice."""
    added = _known(there) - _known(here)
    if not added:
        return False
    outside = _known([w for w in chosen if w not in here])
    return sum((added & outside).values()) >= _ELSEWHERE * sum(added.values())


def better_there(here: list[WordBox], there: list[WordBox], chosen: list[WordBox]) -> bool:
    """Whether the words `there` (another reading of the place of the chosen reading's words `here`) should
    replace them: they span much the same place, add no words mostly read elsewhere in `chosen`, and
    found clearly more real text."""
    if _overlap(box_around(here), box_around(there), larger=True) < _SAME_PLACE or _read_elsewhere(
        there, here, chosen
    ):
        return False
    return evidence.clearly_better(evidence.assess(there), evidence.assess(here), _MARGIN, _SLACK)


def patch(chosen: list[WordBox], other: list[WordBox]) -> list[WordBox]:
    """`chosen` with each region the `other` reading (in the same pixels) read clearly better replaced
    by `other`'s words there, in the place of the region's first block."""
    mine, theirs = _blocks(chosen), _blocks(other)
    if not mine or not theirs:
        return chosen
    region = _regions(mine, theirs)
    swapped: dict[int, list[WordBox]] = {}
    for r in set(region[: len(mine)]):
        here = [w for i, b in enumerate(mine) if region[i] == r for w in b]
        there = [w for j, b in enumerate(theirs) if region[len(mine) + j] == r for w in b]
        if there and better_there(here, there, chosen):
            swapped[r] = there
    if not swapped:
        return chosen
    # the other reading's blocks shifted past chosen's last: its lowest (a region's, numbered below zero) too
    offset = max(w.block for w in chosen) + 1 - min(w.block for words in swapped.values() for w in words)
    out: list[WordBox] = []
    for i, block in enumerate(mine):
        r = region[i]
        if r not in swapped:
            out += block
        elif swapped[r]:
            out += [replace(w, block=w.block + offset) for w in swapped[r]]
            swapped[r] = []  # placed once, where the region's first block was
    return out
