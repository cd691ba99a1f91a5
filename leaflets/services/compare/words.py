"""A leaflet's text as words that remember where they are on a photo, and its tokens with their case.

OCR gives words with boxes and confidences; typed text (a title, a volunteer's correction) gives words without
boxes. Tokens are the lowercased words compare counts (text_stats rules), each pointing back to its word so a
term or a figure can be shown on the photo, and each knowing whether it was written Capitalised in mid-sentence
(a name, probably) and whether it was read with high confidence (a real word, not OCR noise).
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from itertools import groupby
from typing import Any, Iterable, Sequence

TRUSTED_CONFIDENCE = 80.0  # Tesseract's word confidence (0-100) from which a word counts as really read
Box = tuple[int, int, int, int]

_WORD = re.compile(r"[^\W_]+(?:'[^\W_]+)*")
_POSSESSIVE = re.compile(r"['’]s\b")
_BREAK_CHARS = ".!?;:•|()[]{}\"“”"
_APOSTROPHES = str.maketrans({"’": "'", "‘": "'", "`": "'"})
_EDGE = "()[]{}\"'“”‘’,.;:!?*"
# £31m, 6,500, 40%, 1.5bn, £1,200, 3.2: a figure is one word (a following "million" is joined to it)
_FIGURE = re.compile(r"^[£$€]?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?(?:%|mm?|bn|k|p)?$", re.IGNORECASE)
_FRAGMENT = re.compile(r"^(?:[£$€]|\d{1,2}|[.,]|%|mm?|bn|k)$", re.IGNORECASE)  # a piece of a figure read apart
_OPEN_FIGURE = re.compile(r"^[£$€]?[\d.,]*$")  # a figure so far that a following piece may continue
_SCALES = {"million": "million", "billion": "billion", "thousand": "thousand", "%": "%", "percent": "%"}


@dataclass(frozen=True)
class Word:
    text: str
    image_id: int | None = None
    box: Box | None = None
    line_start: bool = False
    trusted: bool = True
    paragraph_start: bool = False  # a new OCR block or paragraph, or after a blank line: a sentence may end


@dataclass(frozen=True)
class Token:
    lower: str
    original: str
    word: int           # index of the Word it came from
    initial: bool       # first on its line or in its sentence: its capital says nothing
    figure: bool = False

    @property
    def capitalised(self) -> bool:
        """Written Capitalised (not ALL CAPS, not a figure)."""
        return not self.figure and self.original[:1].isupper() and not self.original.isupper()

    @property
    def titled(self) -> bool:
        """Capitalised where a capital is not just the start of a line or sentence."""
        return self.capitalised and not self.initial


def from_ocr(image_id: int, ocr_words: Sequence[dict[str, Any]]) -> list[Word]:
    """Words of an OCR result in reading order, a new line starting at each change of block/paragraph/line."""
    out: list[Word] = []
    for _paragraph, words in groupby(ocr_words, key=lambda w: (int(w.get("block", 0)), int(w.get("paragraph", 0)))):
        line = None
        for number, word in enumerate(_joined_figures([w for w in words if str(w.get("text", "")).strip()])):
            box = (word["left"], word["top"], word["width"], word["height"])
            out.append(Word(word["text"], image_id, box, word["line"] != line,
                            float(word.get("confidence", 0)) >= TRUSTED_CONFIDENCE, number == 0))
            line = word["line"]
    return out


def _box(word: dict[str, Any]) -> dict[str, Any]:
    return {**word, "text": str(word.get("text", "")).strip(),
            **{key: int(word.get(key, 0)) for key in ("left", "top", "width", "height", "line")}}


def _joinable(last: dict[str, Any], word: dict[str, Any]) -> bool:
    """Pieces of one figure: side by side (Tesseract may put pieces of one big line on two of its lines)."""
    gap = word["left"] - (last["left"] + last["width"])
    overlap = min(last["top"] + last["height"], word["top"] + word["height"]) - max(last["top"], word["top"])
    return bool(_FRAGMENT.match(word["text"]) and _OPEN_FIGURE.match(last["text"])
                and -0.2 * word["width"] <= gap < 0.8 * max(word["height"], last["height"], 1)
                and overlap >= 0.5 * min(word["height"], last["height"])
                and any(char.isdigit() for char in last["text"] + word["text"]))


def _joined_figures(line: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Big print is often read a character at a time ("£ 2 7 m"): runs of such pieces, close together on
    one line, become one word ("£27m") with the union of their boxes and the lowest confidence."""
    out: list[dict[str, Any]] = []
    for word in map(_box, line):
        last = out[-1] if out else None
        if last is None or not _joinable(last, word):
            out.append(word)
            continue
        right = max(last["left"] + last["width"], word["left"] + word["width"])
        top = min(last["top"], word["top"])
        bottom = max(last["top"] + last["height"], word["top"] + word["height"])
        out[-1] = {**last, "text": last["text"] + word["text"], "top": top, "width": right - last["left"],
                   "height": bottom - top,
                   "confidence": min(float(last.get("confidence", 0)), float(word.get("confidence", 0)))}
    return out


def from_text(text: str, image_id: int | None = None, trusted: bool = True) -> list[Word]:
    """Words of plain text (typed, corrected, or OCR text without word boxes)."""
    out: list[Word] = []
    blank = True
    for line in text.splitlines():
        for number, word in enumerate(line.split()):
            out.append(Word(word, image_id, None, number == 0, trusted, blank and number == 0))
        blank = not line.strip()
    return out


def is_figure(text: str) -> bool:
    return bool(_FIGURE.match(text.strip(_EDGE)))


def _parts(text: str) -> list[str]:
    """Split a word at sentence breaks inside it ("end.Next"), keeping the breaks as their own parts."""
    return [part for part in re.split(f"([{re.escape(_BREAK_CHARS)}]+)", text) if part]


def tokenise(words: Sequence[Word]) -> list[list[Token]]:
    """The tokens of the words in sentence-ish runs; a figure (with a following "million") is one token."""
    sentences: list[list[Token]] = []
    current: list[Token] = []

    def close() -> None:
        nonlocal current
        if current:
            sentences.append(current)
        current = []

    skip = -1
    for index, word in enumerate(words):
        if index == skip:
            continue
        if word.paragraph_start and not word.text[:1].islower():  # a sentence can run on into a new block
            close()
        if is_figure(word.text):
            figure, skip = _figure_text(words, index)
            current.append(Token(figure.lower(), figure, index, word.line_start or not current, figure=True))
            if word.text.rstrip()[-1:] in ".!?;:":
                close()
            continue
        for part in _parts(_POSSESSIVE.sub("", word.text.translate(_APOSTROPHES))):
            if part[0] in _BREAK_CHARS:
                close()
                continue
            for number, found in enumerate(_WORD.findall(part)):
                initial = not current or (word.line_start and number == 0)
                current.append(Token(found.casefold(), found, index, initial))
    close()
    return sentences


def _figure_text(words: Sequence[Word], index: int) -> tuple[str, int]:
    """The figure at words[index] as printed, joined with a following scale word; and the index it used up."""
    figure = words[index].text.strip(_EDGE)
    following = words[index + 1].text.strip(_EDGE).lower() if index + 1 < len(words) else ""
    if following in _SCALES and not words[index].text.rstrip()[-1:] in ".,;:!?":
        return f"{figure} {following}" if _SCALES[following] != "%" else f"{figure}%", index + 1
    return figure, -1


def lowered(sentences: Iterable[Sequence[Token]]) -> list[list[str]]:
    """The sentences as lowercased strings, figures included (text_stats counts terms from these)."""
    return [[token.lower for token in sentence] for sentence in sentences]

