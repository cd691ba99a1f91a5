"""Where on the photos a term is printed: the leaflet, the photo and the box of its first occurrence."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Iterable, Sequence

from leaflets.services.compare.store import load_sources
from leaflets.services.compare.words import Word, tokenise

LEAFLETS_SEARCHED = 8  # the newest local leaflets are searched; terms are counted over all of them


@dataclass(frozen=True)
class Evidence:
    leaflet_id: int
    image_id: int
    box: str | None  # left,top,width,height on the master; None when the text has no word boxes


def _union(words: Sequence[Word]) -> str | None:
    boxes = [word.box for word in words if word.box]
    if not boxes or len(boxes) != len(words):
        return None
    left, top = min(b[0] for b in boxes), min(b[1] for b in boxes)
    right, bottom = max(b[0] + b[2] for b in boxes), max(b[1] + b[3] for b in boxes)
    return f"{left},{top},{right - left},{bottom - top}"


def locate(leaflet_ids: Sequence[int], terms: Iterable[str]) -> dict[str, Evidence]:
    """The first place each term (one or two lowercased words) is printed in these leaflets, in their
    order."""
    wanted = {tuple(term.split()): term for term in terms}
    found: dict[str, Evidence] = {}
    loaded = load_sources(list(leaflet_ids[:LEAFLETS_SEARCHED]))
    for leaflet_id in leaflet_ids[:LEAFLETS_SEARCHED]:
        if leaflet_id not in loaded or len(found) == len(wanted):
            continue
        source, _state = loaded[leaflet_id]
        for image in source.images:
            words = image.words()
            for sentence in tokenise(words):
                lowered = [token.lower for token in sentence]
                for size in (1, 2):
                    for start in range(len(sentence) - size + 1):
                        term = wanted.get(tuple(lowered[start : start + size]))
                        if term and term not in found:
                            first, last = sentence[start].word, sentence[start + size - 1].word
                            found[term] = Evidence(
                                leaflet_id, image.image_id, _union(words[first : last + 1])
                            )
    return found
