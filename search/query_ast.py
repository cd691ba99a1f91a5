"""The small query AST both backends translate (see search/query.py for the language)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date


@dataclass(frozen=True)
class Term:
    field: str | None  # None: any prose field
    word: str  # lower-case surface word
    stem: str


@dataclass(frozen=True)
class Prefix:
    field: str | None
    prefix: str


@dataclass(frozen=True)
class Phrase:
    field: str | None
    words: tuple[str, ...]  # surface words, stop words kept (PostgreSQL counts their positions)
    stems: tuple[str, ...]  # stemmed words, stop words dropped
    offsets: tuple[int, ...] = ()  # position of each stem relative to the first


@dataclass(frozen=True)
class Match:
    field: str
    value: str


@dataclass(frozen=True)
class DateRange:
    start: date | None
    end: date | None


@dataclass(frozen=True)
class And:
    children: tuple


@dataclass(frozen=True)
class Or:
    children: tuple


@dataclass(frozen=True)
class Not:
    child: object


Node = Term | Prefix | Phrase | Match | DateRange | And | Or | Not
