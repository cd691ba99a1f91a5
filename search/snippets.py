"""Build safe HTML snippets: all document text is escaped, only matched words are wrapped in <mark>."""

from __future__ import annotations

import html
import re

from . import analysis

WINDOW_CHARS = 220
LEAD_CHARS = 40


_WORD_TAIL = re.compile(r"[^\W_]*")
MAX_MARKS = 60


def _starts(stems: frozenset[str], prefixes: tuple[str, ...]) -> list[str]:
    """Lower-case beginnings a matching word must have (Porter stems are prefixes of their word, less a
    final letter that may change: happi/happy); each hit is confirmed by stemming it."""
    starts = {s[: max(len(s) - 1, 2)] for s in stems} | set(prefixes)
    return [s for s in starts if not any(o != s and s.startswith(o) for o in starts)]


def _find(text: str, stems: frozenset[str], prefixes: tuple[str, ...]) -> list[tuple[int, int]]:
    lower = text.lower()
    spans: list[tuple[int, int]] = []
    for start in _starts(stems, prefixes):
        pos = lower.find(start)
        while pos != -1 and len(spans) < MAX_MARKS:
            if pos == 0 or not (lower[pos - 1].isalnum()):
                tail = _WORD_TAIL.match(lower, pos)
                assert tail is not None  # the pattern matches the empty string too
                end = tail.end()
                if _is_match(lower[pos:end], stems, prefixes):
                    spans.append((pos, end))
                pos = lower.find(start, end)
            else:
                pos = lower.find(start, pos + 1)
    return sorted(spans)


def _is_match(word: str, stems: frozenset[str], prefixes: tuple[str, ...]) -> bool:
    lower = word.lower()
    if lower in analysis.STOP_WORDS:
        return False
    return analysis.stem(lower) in stems or (bool(prefixes) and lower.startswith(prefixes))


def highlight(texts: list[str], stems: set[str], prefixes: tuple[str, ...] = ()) -> str:
    """Return an escaped excerpt of the first text that matches, with matches marked."""
    frozen = frozenset(stems)
    if frozen or prefixes:
        for text in texts:
            if text:
                spans = _find(text, frozen, tuple(prefixes))
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
