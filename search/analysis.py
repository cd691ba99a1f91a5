"""Tokenising and stemming shared by indexing, querying and snippets, so all three agree."""

from __future__ import annotations

import re
from functools import lru_cache

from whoosh.lang.porter import stem as _porter_stem

# PostgreSQL's 'english' stop list (Snowball), so both backends drop the same words from queries.
STOP_WORDS = frozenset(
    """
i me my myself we our ours ourselves you your yours yourself yourselves he him his himself she her hers
herself it its itself they them their theirs themselves what which who whom this that these those am is are
was were be been being have has had having do does did doing a an the and but if or because as until while
of at by for with about against between into through during before after above below to from up down in out
on off over under again further then once here there when where why how all any both each few more most
other some such no nor not only own same so than too very s t can will just don should now
""".split()
)

WORD_RE = re.compile(r"[^\W_]+", re.UNICODE)
MAX_TOKEN = 40  # longer "words" are OCR noise or hashes


@lru_cache(maxsize=200_000)
def stem(word: str) -> str:
    """Return the Porter stem of a lower-case word (cached: leaflet vocabulary is small)."""
    return _porter_stem(word)


def words(text: str) -> list[str]:
    """Split text into lower-case words (letters and digits), stop words kept."""
    return [w for w in WORD_RE.findall(text.lower()) if len(w) <= MAX_TOKEN]


def terms(text: str) -> list[str]:
    """Return the indexed terms of prose: lower-cased, stop words dropped, stemmed."""
    return [stem(w) for w in words(text) if w not in STOP_WORDS and len(w) > 1]


def positioned_terms(text: str) -> list[tuple[int, str]]:
    """Return (position, stem) of indexed terms; stop words keep their position so phrases agree with
    PostgreSQL."""
    return [(i, s) for i, s in enumerate(position_stems(text)) if s]


# word -> its indexed stem, or "" for a word that takes a position without being indexed (a stop word, a
# single letter), or None for a token that is not a word at all (too long). Indexing looks every word up
# here once (a rebuild analyses about 600 words per leaflet); cleared when it grows past the bound.
_INDEX_FORMS: dict[str, str | None] = {}
_INDEX_FORMS_MAX = 500_000


def _index_form(word: str) -> str | None:
    if len(word) > MAX_TOKEN:
        return None
    return "" if word in STOP_WORDS or len(word) < 2 else stem(word)


def position_stems(text: str) -> list[str]:
    """Each word's indexed stem in order, "" where a stop word holds the position (as words() counts)."""
    forms = _INDEX_FORMS
    if len(forms) > _INDEX_FORMS_MAX:
        forms.clear()
    out: list[str] = []
    for word in WORD_RE.findall(text.lower()):
        if word in forms:
            form = forms[word]
        else:
            form = forms[word] = _index_form(word)
        if form is not None:
            out.append(form)
    return out
