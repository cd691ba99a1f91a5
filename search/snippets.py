"""Build safe HTML snippets: all document text is escaped, only matched words are wrapped in <mark>."""

from __future__ import annotations

import html
import re

from . import analysis

WINDOW_WORDS = 32
LEAD_WORDS = 6
_WORD = re.compile(r"[^\W_]+", re.UNICODE)


def _is_match(word: str, stems: frozenset[str], prefixes: tuple[str, ...]) -> bool:
    lower = word.lower()
    if lower in analysis.STOP_WORDS:
        return False
    return analysis.stem(lower) in stems or (bool(prefixes) and lower.startswith(prefixes))


def highlight(texts: list[str], stems: set[str], prefixes: tuple[str, ...] = ()) -> str:
    """Return an escaped excerpt of the first text that matches, with matches marked."""
    frozen = frozenset(stems)
    for text in texts:
        if not text:
            continue
        spans = list(_WORD.finditer(text))
        hits = [i for i, m in enumerate(spans) if _is_match(m.group(), frozen, prefixes)]
        if hits:
            return _render(text, spans, set(hits), _best_start(hits))
    for text in texts:
        if text:
            return _render(text, list(_WORD.finditer(text)), set(), 0)
    return ""


def _best_start(hits: list[int]) -> int:
    best, best_count = hits[0], 0
    j = 0
    for i, start in enumerate(hits):
        while j < len(hits) and hits[j] < start + WINDOW_WORDS:
            j += 1
        if j - i > best_count:
            best, best_count = start, j - i
    return max(best - LEAD_WORDS, 0)


def _render(text: str, spans: list[re.Match], hits: set[int], first: int) -> str:
    if not spans:
        return html.escape(text[:200])
    last = min(first + WINDOW_WORDS, len(spans)) - 1
    begin = spans[first].start() if first > 0 else 0
    end = spans[last].end() if last < len(spans) - 1 else len(text)
    out = ["… " if begin > 0 else ""]
    pos = begin
    for i in range(first, last + 1):
        m = spans[i]
        if i in hits:
            out.append(html.escape(text[pos:m.start()]))
            out.append("<mark>" + html.escape(m.group()) + "</mark>")
            pos = m.end()
    out.append(html.escape(text[pos:end]))
    if end < len(text):
        out.append(" …")
    return " ".join("".join(out).split())


def mark_headline(headline: str, start: str, stop: str) -> str:
    """Escape a database-made headline whose matches are wrapped in private marker characters."""
    escaped = html.escape(headline)
    return " ".join(escaped.replace(start, "<mark>").replace(stop, "</mark>").split())
