"""'Did you mean' suggestions from the index's own vocabulary (RapidFuzz edit distance)."""

from __future__ import annotations

import re

from rapidfuzz import process
from rapidfuzz.distance import Levenshtein

FEW_HITS = 3


def suggest(text: str, words: list[str], vocabulary: dict[str, int]) -> str | None:
    """Return the query text with unknown or rare words replaced by close, commoner words."""
    if not vocabulary or not words:
        return None
    choices = list(vocabulary)
    replaced = text
    changed = False
    for word in words:
        if word.endswith("*") or len(word) < 3:
            continue
        own = vocabulary.get(word, 0)
        cutoff = 1 if len(word) < 6 else 2
        best = None
        for cand, dist, _ in process.extract(word, choices, scorer=Levenshtein.distance,
                                             score_cutoff=cutoff, limit=25):
            df = vocabulary[cand]
            if cand != word and df > max(own, 0) * 3 and (best is None or (dist, -df) < best[0]):
                best = ((dist, -df), cand)
        if best:
            replaced = re.sub(rf"(?i)\b{re.escape(word)}\b", best[1], replaced)
            changed = True
    return replaced if changed and replaced != text else None
