"""A word-level diff of two leaflets' printed text: what was swapped between two places (names, figures)."""

from __future__ import annotations

from dataclasses import dataclass
from difflib import SequenceMatcher
from typing import Sequence

from leaflets.services.compare.store import load_sources

KEEP = 6  # words kept either side of a change when a long run of the same words is folded
SWAPS_SHOWN = 12
SWAP_WORDS = 6  # a longer change is no swap: the word-by-word view shows it
_EDGE = "()[]{}\"'“”‘’,.;:!?*"


@dataclass(frozen=True)
class Segment:
    kind: str  # "same", "folded" (a long run of the same words, told by its length), "changed"
    old: str = ""
    new: str = ""
    folded: int = 0


@dataclass
class Diff:
    segments: list[Segment]
    swaps: list[tuple[str, str]]
    same_words: int
    changed_words: int

    @property
    def identical(self) -> bool:
        return self.changed_words == 0


def printed_words(leaflet_id: int) -> list[str]:
    """The words printed on a leaflet's photos (best text of each), in reading order."""
    loaded = load_sources([leaflet_id])
    if leaflet_id not in loaded:
        return []
    source, _state = loaded[leaflet_id]
    return [word.text for image in source.images for word in image.words()]


def _key(word: str) -> str:
    return word.strip(_EDGE).casefold().replace("’", "'")


def diff_words(old: Sequence[str], new: Sequence[str]) -> Diff:
    """The two texts as runs of the same words (long ones folded) and changes, with the swaps listed."""
    matcher = SequenceMatcher(None, [_key(w) for w in old], [_key(w) for w in new], autojunk=False)
    segments: list[Segment] = []
    swaps: list[tuple[str, str]] = []
    same = changed = 0
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            same += i2 - i1
            segments.extend(_fold(old[i1:i2]))
            continue
        before, after = " ".join(old[i1:i2]), " ".join(new[j1:j2])
        changed += max(i2 - i1, j2 - j1)
        segments.append(Segment("changed", before, after))
        short = max(i2 - i1, j2 - j1) <= SWAP_WORDS  # a name or a figure, not a rewritten paragraph
        if before and after and short and len(swaps) < SWAPS_SHOWN and (before, after) not in swaps:
            swaps.append((before, after))
    return Diff(segments, swaps, same, changed)


def _fold(words: Sequence[str]) -> list[Segment]:
    if len(words) <= 3 * KEEP:
        return [Segment("same", " ".join(words))]
    return [
        Segment("same", " ".join(words[:KEEP])),
        Segment("folded", folded=len(words) - 2 * KEEP),
        Segment("same", " ".join(words[-KEEP:])),
    ]


def leaflet_diff(old_id: int, new_id: int) -> Diff:
    return diff_words(printed_words(old_id), printed_words(new_id))
