"""Which words are names (of people, places, parties) and which are OCR noise, so compare can leave them out.

Names come from three places: the reference data (constituencies, regions, parties, the MPs elected in 2024),
a leaflet's own metadata (its title and description), and how the archive writes a word: mostly Capitalised
next to another Capitalised word ("Chloe Lloyd", "Station Road") and rarely in lower case. A word from a place
name that the archive mostly writes in lower case ("green", "new") is a word, not a name. Noise is a word that
no leaflet has shown with high OCR confidence (nor typed, nor corrected by a volunteer).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Iterable, Mapping

from sqlalchemy import select

from leaflets.extensions import db
from leaflets.models import Area, AreaResult, Party
from leaflets.services.text_stats import STOP_WORDS, words

MOSTLY = 0.5  # a name is written in lower case less than this share of the time ...
PAIRED = 0.5  # ... and Capitalised beside another Capitalised word more than this share of its capitals


@dataclass(frozen=True)
class ReferenceNames:
    phrases: frozenset[str]  # whole names, lowercased: "brent east", "labour party"
    tokens: frozenset[str]  # their words, stop words left out

    def __or__(self, other: "ReferenceNames") -> "ReferenceNames":
        return ReferenceNames(self.phrases | other.phrases, self.tokens | other.tokens)


@dataclass(frozen=True)
class TokenStats:
    capitalised: int = 0
    paired: int = 0
    lowered: int = 0
    trusted: int = 0


def names_of(texts: Iterable[str]) -> ReferenceNames:
    phrases: set[str] = set()
    tokens: set[str] = set()
    for text in texts:
        found = words(text)
        if found:
            phrases.add(" ".join(found))
            tokens.update(word for word in found if word not in STOP_WORDS and len(word) > 1)
    return ReferenceNames(frozenset(phrases), frozenset(tokens))


_cache: dict[str, ReferenceNames] = {}


def reference_names() -> ReferenceNames:
    """Names from the reference data, read once per database (it changes only with load-reference-data)."""
    key = str(db.engine.url)
    if key not in _cache:
        texts: list[str] = []
        for name, alt, region, nation in db.session.execute(
            select(Area.name, Area.name_alt, Area.region, Area.nation)
        ):
            texts.extend(filter(None, (name, alt, region, nation)))
        for name, short in db.session.execute(select(Party.name, Party.short_name)):
            texts.extend(filter(None, (name, short)))
        texts.extend(filter(None, db.session.scalars(select(AreaResult.winner_name))))
        _cache[key] = names_of(texts)
    return _cache[key]


def metadata_names(texts: Iterable[str]) -> frozenset[str]:
    """The Capitalised words of typed metadata (a title, a description: "Sarah Hughes for Aldershot")."""
    found: set[str] = set()
    for text in texts:
        for word in text.replace("’", "'").split():
            bare = word.strip("()[]{}\"'“”‘’,.;:!?")
            if bare[:1].isupper() and not bare.isupper():
                found.update(part for part in words(bare) if part not in STOP_WORDS and len(part) > 1)
    return frozenset(found)


def is_name_token(
    token: str, stats: TokenStats, reference: ReferenceNames, metadata: frozenset[str] = frozenset()
) -> bool:
    written = stats.capitalised + stats.lowered
    mostly_capitalised = written > 0 and stats.lowered < MOSTLY * written
    if token in reference.tokens or token in metadata:
        return mostly_capitalised or written == 0
    return mostly_capitalised and stats.paired > PAIRED * stats.capitalised


def why_excluded(
    term: str,
    stats: Mapping[str, TokenStats],
    reference: ReferenceNames,
    metadata: frozenset[str] = frozenset(),
) -> str | None:
    """ "name" or "noise" when a term (a word or a pair of words) should not be shown; None to keep it."""
    if term in reference.phrases:
        return "name"
    parts = term.split()
    if any(stats.get(part, TokenStats()).trusted == 0 for part in parts):
        return "noise"
    if any(is_name_token(part, stats.get(part, TokenStats()), reference, metadata) for part in parts):
        return "name"
    return None
