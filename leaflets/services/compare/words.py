"""A leaflet's text as words that remember where they are on a photo, and its tokens with their case.

OCR gives words with boxes and confidences; typed text (a title, a volunteer's correction) gives words without
boxes. Tokens are the lowercased words compare counts (text_stats rules), each pointing back to its word so a
term or a figure can be shown on the photo, and each knowing whether it was written Capitalised in
mid-sentence (a name, probably) and whether it was read with high confidence (a real word, not OCR noise).
"""

from __future__ import annotations

import re
from itertools import groupby
from typing import Any, Iterable, NamedTuple, Sequence

TRUSTED_CONFIDENCE = 80.0  # Tesseract's word confidence (0-100) from which a word counts as really read
Box = tuple[int, int, int, int]

_WORD = re.compile(r"[^\W_]+(?:'[^\W_]+)*")
_POSSESSIVE = re.compile(r"['’]s\b")
_BREAK_CHARS = '.!?;:•|()[]{}"“”'
_APOSTROPHES = str.maketrans({"’": "'", "‘": "'", "`": "'"})
_EDGE = "()[]{}\"'“”‘’,.;:!?*"
# £31m, 6,500, 40%, 1.5bn, £1,200, 3.2: a figure is one word (a following "million" is joined to it)
_FIGURE = re.compile(r"^[£$€]?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?(?:%|mm?|bn|k|p)?$", re.IGNORECASE)
_FRAGMENT = re.compile(
    r"^(?:[£$€]|\d{1,2}|[.,]|%|mm?|bn|k)$", re.IGNORECASE
)  # a piece of a figure read apart
_OPEN_FIGURE = re.compile(r"^[£$€]?[\d.,]*$")  # a figure so far that a following piece may continue
_SPLIT_BREAKS = re.compile(f"([{re.escape(_BREAK_CHARS)}]+)")
_PLAIN = re.compile(r"^[^\W_]+$")  # a word of letters or digits only: the common case, no splitting needed
_SCALES = {"million": "million", "billion": "billion", "thousand": "thousand", "%": "%", "percent": "%"}


class Word(NamedTuple):
    text: str
    image_id: int | None = None
    box: Box | None = None
    line_start: bool = False
    trusted: bool = True
    paragraph_start: bool = False  # a new OCR block or paragraph, or after a blank line: a sentence may end


class Token(NamedTuple):
    lower: str
    original: str
    word: int  # index of the Word it came from
    initial: bool  # first on its line or in its sentence: its capital says nothing
    figure: bool = False

    @property
    def capitalised(self) -> bool:
        """Written Capitalised (not ALL CAPS, not a figure)."""
        return not self.figure and self.original[:1].isupper() and not self.original.isupper()

    @property
    def titled(self) -> bool:
        """Capitalised where a capital is not just the start of a line or sentence."""
        return self.capitalised and not self.initial


class _Piece(NamedTuple):
    """An OCR word on its way to a Word: what joining the pieces of a figure needs."""

    text: str
    left: int
    top: int
    width: int
    height: int
    confidence: float
    line: int


def from_ocr(image_id: int, ocr_words: Sequence[dict[str, Any]]) -> list[Word]:
    """Words of an OCR result in reading order, a new line starting at each change of block/paragraph/line."""
    out: list[Word] = []
    for _paragraph, words in groupby(ocr_words, key=lambda w: (w.get("block", 0), w.get("paragraph", 0))):
        line = None
        for number, piece in enumerate(_joined_figures(words)):
            out.append(
                Word(
                    piece.text,
                    image_id,
                    (piece.left, piece.top, piece.width, piece.height),
                    piece.line != line,
                    piece.confidence >= TRUSTED_CONFIDENCE,
                    number == 0,
                )
            )
            line = piece.line
    return out


def _piece(word: dict[str, Any]) -> _Piece:
    return _Piece(
        str(word.get("text", "")).strip(),
        int(word.get("left", 0)),
        int(word.get("top", 0)),
        int(word.get("width", 0)),
        int(word.get("height", 0)),
        float(word.get("confidence", 0)),
        int(word.get("line", 0)),
    )


def _joinable(last: _Piece, piece: _Piece) -> bool:
    """Pieces of one figure: side by side (Tesseract may put pieces of one big line on two of its lines)."""
    if not (_FRAGMENT.match(piece.text) and _OPEN_FIGURE.match(last.text)):
        return False
    gap = piece.left - (last.left + last.width)
    overlap = min(last.top + last.height, piece.top + piece.height) - max(last.top, piece.top)
    return (
        -0.2 * piece.width <= gap < 0.8 * max(piece.height, last.height, 1)
        and overlap >= 0.5 * min(piece.height, last.height)
        and any(char.isdigit() for char in last.text + piece.text)
    )


def _joined_figures(words: Iterable[dict[str, Any]]) -> list[_Piece]:
    """Big print is often read a character at a time ("£ 2 7 m"): runs of such pieces, close together on
    one line, become one word ("£27m") with the union of their boxes and the lowest confidence."""
    out: list[_Piece] = []
    for piece in map(_piece, words):
        if not piece.text:
            continue
        last = out[-1] if out else None
        if last is None or len(piece.text) > 2 or not _joinable(last, piece):
            out.append(piece)
            continue
        top = min(last.top, piece.top)
        bottom = max(last.top + last.height, piece.top + piece.height)
        right = max(last.left + last.width, piece.left + piece.width)
        out[-1] = _Piece(
            last.text + piece.text,
            last.left,
            top,
            right - last.left,
            bottom - top,
            min(last.confidence, piece.confidence),
            last.line,
        )
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
    return [part for part in _SPLIT_BREAKS.split(text) if part]


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
        if _PLAIN.match(word.text) and not word.text.isdigit():
            current.append(Token(word.text.casefold(), word.text, index, not current or word.line_start))
            continue
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
    if following in _SCALES and words[index].text.rstrip()[-1:] not in ".,;:!?":
        return f"{figure} {following}" if _SCALES[following] != "%" else f"{figure}%", index + 1
    return figure, -1


def lowered(sentences: Iterable[Sequence[Token]]) -> list[list[str]]:
    """The sentences as lowercased strings, figures included (text_stats counts terms from these)."""
    return [[token.lower for token in sentence] for sentence in sentences]
