"""Line breaking for the wider generator: ragged or justified, with hyphenation of long words at line ends.

A hyphenated break draws "cam-" at the end of one line and "paign" at the start of the next; the truth keeps
"campaign", so a reading that leaves the break in costs two characters of CER and one word of recall.
"""

from __future__ import annotations

from dataclasses import dataclass

from PIL import ImageFont

VOWELS = set("aeiouy")
MIN_PART = 3  # letters on each side of a hyphenation point
# Consonant pairs never split: digraphs and the clusters that start syllables.
CLUSTERS = {
    "ch",
    "sh",
    "th",
    "ph",
    "ck",
    "ng",
    "gh",
    "wh",
    "qu",
    "br",
    "cr",
    "dr",
    "fr",
    "gr",
    "pr",
    "tr",
    "bl",
    "cl",
    "fl",
    "gl",
    "pl",
    "sl",
    "sc",
    "sk",
    "sp",
    "st",
    "sw",
    "tw",
    "wr",
    "kn",
}


@dataclass(frozen=True)
class Line:
    """The words drawn on one line; `broken` when its last word continues, hyphenated, on the next line."""

    words: tuple[str, ...]
    broken: bool = False
    last: bool = False  # the paragraph's last line (never stretched when justifying)


def _break_points(word: str) -> list[int]:
    """Where `word` may be hyphenated: between a vowel and a consonant, away from the ends, letters only."""
    core = word.rstrip(".,;:!?'\")")
    if len(core) < 2 * MIN_PART + 1 or not core.isalpha() or core.isupper():
        return []
    lower = core.lower()
    return [i for i in range(MIN_PART, len(core) - MIN_PART + 1) if _syllable_edge(lower, i)]


def _syllable_edge(word: str, i: int) -> bool:
    """Roughly where a dictionary would hyphenate: vowel | consonant-vowel, or between two consonants
    that are not a digraph (de-ci-sion, com-mit-tee, but not "pus-hed" or "wat-ch")."""
    before, here, after = word[i - 1], word[i], word[i + 1]
    if before in VOWELS and here not in VOWELS and after in VOWELS:
        return True
    return before not in VOWELS and here not in VOWELS and before + here not in CLUSTERS


def _split_to_fit(word: str, face: ImageFont.FreeTypeFont, room: float) -> tuple[str, str] | None:
    """The longest hyphenated head of `word` that fits in `room` pixels, and the rest."""
    for point in reversed(_break_points(word)):
        head = word[:point] + "-"
        if face.getlength(head) <= room:
            return head, word[point:]
    return None


def typeset(text: str, face: ImageFont.FreeTypeFont, width: float, hyphenate: bool = False) -> list[Line]:
    """Break `text` into lines no wider than `width` pixels (an over-long word gets a line of its own)."""
    space = face.getlength(" ")
    lines: list[Line] = []
    current: list[str] = []
    used = 0.0
    pending = list(text.split())
    while pending:
        word = pending.pop(0)
        needed = face.getlength(word) + (space if current else 0)
        if not current or used + needed <= width:
            current.append(word)
            used += needed
            continue
        split = _split_to_fit(word, face, width - used - space) if hyphenate else None
        if split:
            current.append(split[0])
            pending.insert(0, split[1])
        else:
            pending.insert(0, word)
        lines.append(Line(tuple(current), broken=bool(split)))
        current, used = [], 0.0
    if current:
        lines.append(Line(tuple(current), last=True))
    return lines


def truth_of(lines: list[Line]) -> str:
    """The text of drawn lines with hyphenated breaks rejoined."""
    out: list[str] = []
    for line in lines:
        words = list(line.words)
        if out and out[-1].endswith("\x00"):
            words[0] = out.pop()[:-1] + words[0]
        if line.broken:
            words[-1] = words[-1][:-1] + "\x00"  # drop the drawn hyphen, glue to the next line's first word
        out.extend(words)
    if out and out[-1].endswith("\x00"):  # the paragraph was cut after a hyphenated head: it stays drawn
        out[-1] = out[-1][:-1] + "-"
    return " ".join(out)
