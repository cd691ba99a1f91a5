"""Build safe HTML snippets: all document text is escaped, only matched words are wrapped in <mark>."""

from __future__ import annotations

import html
import re
from functools import lru_cache

from . import analysis

WINDOW_CHARS = 220
LEAD_CHARS = 40


@lru_cache(maxsize=512)
def _finder(stems: frozenset[str], prefixes: tuple[str, ...]) -> re.Pattern:
    """A regex for words that may stem to one of the stems (checked exactly afterwards)."""
    starts = {s[: max(len(s) - 1, 2)] for s in stems} | set(prefixes)
    alternatives = "|".join(re.escape(s) for s in sorted(starts, key=len, reverse=True))
    return re.compile(rf"(?<![^\W_])(?:{alternatives})[^\W_]*", re.IGNORECASE)


def _is_match(word: str, stems: frozenset[str], prefixes: tuple[str, ...]) -> bool:
    lower = word.lower()
    if lower in analysis.STOP_WORDS:
        return False
    return analysis.stem(lower) in stems or (bool(prefixes) and lower.startswith(prefixes))


def highlight(texts: list[str], stems: set[str], prefixes: tuple[str, ...] = ()) -> str:
    """Return an escaped excerpt of the first text that matches, with matches marked."""
    frozen = frozenset(stems)
    if frozen or prefixes:
        finder = _finder(frozen, tuple(prefixes))
        for text in texts:
            if text:
                spans = [(m.start(), m.end()) for m in finder.finditer(text) if _is_match(m.group(), frozen, prefixes)]
                if spans:
                    return _render(text, spans)
    for text in texts:
        if text:
            return _render(text, [])
    return ""


def _render(text: str, spans: list[tuple[int, int]]) -> str:
    begin = 0
    if spans:
        best_i, best_count, j = 0, 0, 0
        for i, (start, _) in enumerate(spans):
            while j < len(spans) and spans[j][1] <= start + WINDOW_CHARS:
                j += 1
            if j - i > best_count:
                best_i, best_count = i, j - i
        begin = max(spans[best_i][0] - LEAD_CHARS, 0)
        while 0 < begin < len(text) and not text[begin - 1].isspace():
            begin -= 1  # start at a word boundary (bounded by LEAD_CHARS drift at worst)
    end = min(begin + WINDOW_CHARS + LEAD_CHARS, len(text))
    while end < len(text) and not text[end].isspace() and end - begin < WINDOW_CHARS + LEAD_CHARS + 30:
        end += 1
    out = ["… " if begin > 0 else ""]
    pos = begin
    for start, stop in spans:
        if start < begin or stop > end:
            continue
        out.append(html.escape(text[pos:start]))
        out.append("<mark>" + html.escape(text[start:stop]) + "</mark>")
        pos = stop
    out.append(html.escape(text[pos:end]))
    if end < len(text):
        out.append(" …")
    return " ".join("".join(out).split())


def mark_headline(headline: str, start: str, stop: str) -> str:
    """Escape a database-made headline whose matches are wrapped in private marker characters."""
    escaped = html.escape(headline)
    return " ".join(escaped.replace(start, "<mark>").replace(stop, "</mark>").split())
