"""'Did you mean' suggestions from the index's own vocabulary of stems (RapidFuzz edit distance).

The index's vocabulary holds OCR noise ("budet", "polise") beside the real words, so the nearest stem
is often a misreading that a handful of leaflets hold. Candidates are ranked as a noisy channel would:
by how many documents hold them, each edit costing a factor of EDIT_PENALTY, and a swap of two
neighbouring letters ("bugdet") counts as one edit (optimal string alignment distance).
"""

from __future__ import annotations

import math
import re
from typing import Protocol

from rapidfuzz import process
from rapidfuzz.distance import OSA

FEW_HITS = 3
# A candidate one edit further away must be held by this many times more documents to be preferred.
EDIT_PENALTY = 30


class Vocabulary(Protocol):
    def frequency(self, stem: str) -> int:
        """Documents holding the stem."""

    def near(self, stem: str, max_distance: int) -> list[tuple[str, int]]:
        """(stem, edit distance) of indexed stems close to `stem`."""

    def stem(self, word: str) -> str:
        """Stem a word the way the index does."""

    def surface(self, stem: str, like: str) -> str | None:
        """Return a real word of the index whose stem is `stem`, close to `like`."""


def closest(stem: str, choices: list[str], max_distance: int) -> list[tuple[str, int]]:
    """Near neighbours of a stem among a (cached) list of choices."""
    return [
        (c, int(d))
        for c, d, _ in process.extract(
            stem, choices, scorer=OSA.distance, score_cutoff=max_distance, limit=25
        )
    ]


def suggest(text: str, words: list[str], vocabulary: Vocabulary) -> str | None:
    """Return the query text with unknown or rare words replaced by close, commoner words."""
    replaced = text
    for word in words:
        if word.endswith("*") or len(word) < 3:
            continue
        own_stem = vocabulary.stem(word)
        own = vocabulary.frequency(own_stem)
        best: tuple[float, str] | None = None
        for cand, dist in vocabulary.near(own_stem, 1 if len(own_stem) < 5 else 2):
            df = vocabulary.frequency(cand)
            if cand == own_stem or df < max(2 * own, 1):
                continue
            score = math.log(df) - dist * math.log(EDIT_PENALTY)
            if best is None or score > best[0]:
                best = (score, cand)
        if best:
            surface = vocabulary.surface(best[1], word)
            if surface and surface != word:
                replaced = re.sub(rf"(?i)(?<![\w]){re.escape(word)}(?![\w])", surface, replaced)
    return replaced if replaced != text else None
