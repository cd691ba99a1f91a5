"""'Did you mean' suggestions from the index's own vocabulary of stems (RapidFuzz edit distance)."""

from __future__ import annotations

import re
from typing import Protocol

from rapidfuzz import process
from rapidfuzz.distance import Levenshtein


FEW_HITS = 3


class Vocabulary(Protocol):
    df: dict[str, int]

    def stem(self, word: str) -> str:
        """Stem a word the way the index does."""

    def surface(self, stem: str, like: str) -> str | None:
        """Return a real word of the index whose stem is `stem`, close to `like`."""


def suggest(text: str, words: list[str], vocabulary: Vocabulary) -> str | None:
    """Return the query text with unknown or rare words replaced by close, commoner words."""
    df = vocabulary.df
    if not df or not words:
        return None
    choices = list(df)
    replaced = text
    for word in words:
        if word.endswith("*") or len(word) < 3:
            continue
        own_stem = vocabulary.stem(word)
        own = df.get(own_stem, 0)
        cutoff = 1 if len(own_stem) < 5 else 2
        best = None
        for cand, dist, _ in process.extract(own_stem, choices, scorer=Levenshtein.distance,
                                             score_cutoff=cutoff, limit=25):
            if cand != own_stem and df[cand] >= max(2 * own, 1) and (best is None or (dist, -df[cand]) < best[0]):
                best = ((dist, -df[cand]), cand)
        if best:
            surface = vocabulary.surface(best[1], word)
            if surface and surface != word:
                replaced = re.sub(rf"(?i)(?<![\\w]){re.escape(word)}(?![\\w])", surface, replaced)
    return replaced if replaced != text else None
