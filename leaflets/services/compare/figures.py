"""Figures in a leaflet and the templates they sit in: "£31m for local services" has the key of
"# for local services" (the words around the figure, names and other figures masked), so the same sentence
with £18m in another constituency has the same key and a different figure."""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from typing import Callable, Sequence

from leaflets.services.compare.words import Box, Token, Word
from leaflets.services.text_stats import is_term

WINDOW = 4  # tokens either side that make the key
CONTEXT = 7  # words either side shown around the figure
MIN_CONTENT = 2  # a key needs this many real words (not "page 2")
NAME, FIGURE = "@", "#"
_MULTIPLIERS = {"m": 1e6, "bn": 1e9, "k": 1e3, "p": 0.01, "million": 1e6, "billion": 1e9, "thousand": 1e3}
_NUMBER = re.compile(r"\d+(?:\.\d+)?")


@dataclass(frozen=True)
class Mention:
    key: str
    figure: str
    value: float | None
    context: str  # the words around the figure, with "{}" where the figure is
    image_id: int | None
    box: Box | None


def value_of(figure: str) -> float | None:
    """The number a figure stands for (£1.5bn is 1.5e9), for ordering figures; None if unreadable."""
    text = figure.replace(",", "").lower()
    found = _NUMBER.search(text)
    if not found:
        return None
    suffix = text[found.end() :].strip()
    if suffix not in _MULTIPLIERS:
        suffix = re.sub(r"(.)\1+", r"\1", suffix)  # OCR doubles letters: "£9mM"
    return float(found.group()) * _MULTIPLIERS.get(suffix, 1.0)


def _debris(token: Token) -> bool:
    """A lone letter other than "a" or "I" is OCR debris ("£" read as "f"): keys skip it."""
    return len(token.lower) == 1 and token.lower not in ("a", "i") and not token.figure


def mask(token: Token, is_name: Callable[[Token], bool]) -> str:
    if token.figure:
        return FIGURE
    return NAME if is_name(token) else token.lower


def mentions(
    sentences: Sequence[Sequence[Token]], words: Sequence[Word], is_name: Callable[[Token], bool]
) -> list[Mention]:
    """Every figure with a usable key, in reading order."""
    found = []
    for sentence in sentences:
        sentence = [token for token in sentence if not _debris(token)]
        masked = [mask(token, is_name) for token in sentence]
        for position, token in enumerate(sentence):
            if not token.figure:
                continue
            before = masked[max(0, position - WINDOW) : position]
            after = masked[position + 1 : position + 1 + WINDOW]
            if sum(1 for part in before + after if is_term(part)) < MIN_CONTENT:
                continue
            key = " ".join(before + [FIGURE] + after)
            word = words[token.word]
            found.append(
                Mention(
                    hashlib.blake2b(key.encode("utf-8"), digest_size=8).hexdigest(),
                    token.original,
                    value_of(token.original),
                    _context(sentence, position, words),
                    word.image_id,
                    word.box,
                )
            )
    return found


def _context(sentence: Sequence[Token], position: int, words: Sequence[Word]) -> str:
    """The printed words around the figure within its sentence, the figure's own word(s) as "{}"."""
    token = sentence[position]
    first = sentence[max(0, position - CONTEXT)].word
    last = sentence[min(len(sentence) - 1, position + CONTEXT)].word
    figure_words = {token.word, token.word + 1} if " " in token.original else {token.word}
    shown = [
        "{}" if index == token.word else words[index].text.replace("{", "(").replace("}", ")")
        for index in range(first, last + 1)
        if index == token.word or index not in figure_words
    ]
    return " ".join(shown)[:600]
