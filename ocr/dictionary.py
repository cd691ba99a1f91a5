"""An English word list: evidence that a reading is text people can read, and hyphen rejoining.

The list is Debian's `wbritish` (pinned in the Makefile's system packages): 100,000 British English
words with inflections and common names. It is read once per process. Without it the pipeline still
works, but cannot tell words from gibberish: every share is reported as unknown (-1) and the choice
between readings falls back to Tesseract's confidences.
"""

from __future__ import annotations

import logging
import re
from functools import lru_cache
from pathlib import Path

logger = logging.getLogger(__name__)

WORD_LISTS = (Path("/usr/share/dict/british-english"), Path("/usr/share/dict/words"))
MIN_LETTERS = 3  # shorter tokens ("ec", "Ss") are too often in the list by chance to count as evidence
_STRIP = "\"'`.,;:!?()[]{}<>*_|/\\‘’“”«»-–—…"
_LETTERS = re.compile(r"[A-Za-z]+(?:'[A-Za-z]+)?")


@lru_cache(maxsize=1)
def words() -> frozenset[str]:
    """The word list, lower-cased; empty when no list is installed."""
    for path in WORD_LISTS:
        if path.is_file():
            text = path.read_text(encoding="utf-8", errors="ignore")
            return frozenset(line.strip().lower() for line in text.splitlines() if line.strip())
    logger.warning("no word list in %s: dictionary evidence is unavailable", [str(p) for p in WORD_LISTS])
    return frozenset()


def available() -> bool:
    """Whether a word list is installed."""
    return bool(words())


def core(token: str) -> str:
    """A token without surrounding punctuation and quotes."""
    return token.strip(_STRIP)


# A reading's tokens are judged again and again (each reading's evidence, its gibberish lines, the choice):
# the answers are remembered, for the process's one word list.
_REMEMBERED = 1 << 16


@lru_cache(maxsize=_REMEMBERED)
def is_wordlike(token: str) -> bool:
    """A token made of letters (an apostrophe or inner hyphen allowed), long enough to judge."""
    parts = core(token).split("-")
    return all(_LETTERS.fullmatch(p) for p in parts) and sum(len(p) for p in parts) >= MIN_LETTERS


@lru_cache(maxsize=_REMEMBERED)
def is_known(token: str) -> bool:
    """A word-like token whose every hyphen-separated part is in the list (case-insensitive)."""
    if not is_wordlike(token):
        return False
    known = words()
    for part in core(token).lower().split("-"):
        base = part[:-2] if part.endswith("'s") else part
        if part not in known and base not in known:
            return False
    return True


def share(tokens: list[str]) -> float:
    """Share of word-like tokens that are known words, by letters; -1 when unknown or nothing to judge."""
    if not available():
        return -1.0
    judged = [core(t) for t in tokens if is_wordlike(t)]
    total = sum(len(t) for t in judged)
    if not total:
        return -1.0
    return sum(len(t) for t in judged if is_known(t)) / total


def rejoin(head: str, tail: str) -> str | None:
    """A word hyphenated at a line end, rejoined; None when `head` does not end in a hyphen.

    `elec-` + `tion` -> `election` (a known word); `purple-` + `coloured` -> `purple-coloured` (both
    halves known, the joined form not: a compound); otherwise the halves are joined without the hyphen
    (a name split by hyphenation, "Lark-" + "field").
    """
    if len(head) < 2 or not head.endswith("-") or not head[-2].isalpha() or not tail[:1].isalpha():
        return None
    joined = head[:-1] + tail
    if available() and not is_known(joined) and is_known(head[:-1]) and is_known(tail):
        return head + tail
    return joined
