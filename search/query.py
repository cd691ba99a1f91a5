"""Parse and validate the search box language into a small AST that each backend translates.

Query language (what users may type)::

    pothole                    a word; stemmed, so it also finds "potholes"
    bins recycling             several words: all must match (implicit AND)
    "cost of living"           a phrase: the words in this order
    bins OR recycling          either word;  AND is implied but may be written
    NOT parking   -parking     exclude a word or phrase
    (bins OR waste) AND council    parentheses group
    pot*                       prefix (at least 3 letters before the * and only at the end)
    title:bins  title:"bin collection"     prose fields: title, description, text, claims
    party:labour  area:E14001063  region:"South West"  nation:Wales  election:ge-2024
    tag:nhs  verdict:false  bias:attacks-opponents
                               exact facet values (case-sensitive, quote values with spaces)
    delivered:2024-06-01..2024-07-04   date range (inclusive); either end may be left out
    delivered:2024  delivered:2024-06  a whole year or month

Anything else (unbalanced quotes or brackets, dangling operators, leading or inner wildcards,
unknown fields, empty field values, control characters, angle brackets, more than 500 characters,
more than 30 clauses) raises QueryError with a message a user can read.
"""

from __future__ import annotations

import re

from . import analysis
from .query_ast import And, Match, Not, Or, Phrase, Prefix, Term
from .query_dates import parse_date_range
from .types import QueryError

MAX_LENGTH = 500
MAX_CLAUSES = 30
MAX_DEPTH = 8
MIN_PREFIX = 3
PROSE_FIELDS = ("title", "description", "text", "claims")
EXACT_FIELDS = ("party", "area", "region", "nation", "election", "tag", "verdict", "bias")
DATE_FIELDS = ("delivered",)
ALL_FIELDS = PROSE_FIELDS + EXACT_FIELDS + DATE_FIELDS


_TOKEN_RE = re.compile(r'\s+|(?P<lp>\()|(?P<rp>\))|(?P<q>"[^"]*"?)|(?P<w>[^\s()"]+)')
_FIELD_RE = re.compile(r"^([A-Za-z_]+):(.*)$", re.S)
_VALUE_RE = re.compile(r"^[\w\-.&' ]+$", re.UNICODE)
_OPERATORS = ("AND", "OR", "NOT")


def _lex(text: str) -> list[tuple[str, str]]:
    """Split into (kind, value) tokens: ( ) OP PHRASE WORD FIELD."""
    tokens: list[tuple[str, str]] = []
    pos = 0
    while pos < len(text):
        m = _TOKEN_RE.match(text, pos)
        assert m is not None  # its alternatives cover every character
        pos = m.end()
        if m.group("lp"):
            tokens.append(("(", "("))
        elif m.group("rp"):
            tokens.append((")", ")"))
        elif m.group("q") is not None:
            quoted = m.group("q")
            if len(quoted) < 2 or not quoted.endswith('"'):
                raise QueryError('A quotation mark is not closed: add the missing ".')
            if tokens and tokens[-1] == ("WORD", "-") and text[m.start() - 1] == "-":
                tokens[-1] = ("OP", "NOT")  # -"council tax" excludes the phrase, as -word excludes a word
            _attach_phrase(tokens, quoted[1:-1])
        elif m.group("w"):
            _lex_word(tokens, m.group("w"))
    return tokens


def _attach_phrase(tokens: list[tuple[str, str]], phrase: str) -> None:
    """A phrase right after 'field:' is that field's value; otherwise a phrase token."""
    if tokens and tokens[-1][0] == "FIELD" and tokens[-1][1].endswith(":"):
        tokens[-1] = ("FIELD", tokens[-1][1] + '"' + phrase + '"')
    else:
        tokens.append(("PHRASE", phrase))


def _lex_word(tokens: list[tuple[str, str]], word: str) -> None:
    if word in _OPERATORS:
        tokens.append(("OP", word))
        return
    negate = word.startswith("-") and len(word) > 1
    if negate:
        tokens.append(("OP", "NOT"))
        word = word[1:]
    if _FIELD_RE.match(word):
        tokens.append(("FIELD", word))
    else:
        tokens.append(("WORD", word))


class _Parser:
    def __init__(self, tokens: list[tuple[str, str]]):
        self.tokens = tokens
        self.pos = 0
        self.depth = 0
        self.clauses = 0

    def peek(self) -> tuple[str, str] | None:
        return self.tokens[self.pos] if self.pos < len(self.tokens) else None

    def parse(self):
        node = self.parse_or()
        if self.peek() is not None:
            raise QueryError("There is a closing bracket ')' without an opening one.")
        return node

    def parse_or(self):
        children = [self.parse_and()]
        while self.peek() == ("OP", "OR"):
            self.pos += 1
            children.append(self.parse_and())
        return children[0] if len(children) == 1 else ("OR", children)

    def parse_and(self):
        children = [self.parse_unary()]
        while True:
            tok = self.peek()
            if tok is None or tok[0] == ")" or tok == ("OP", "OR"):
                break
            if tok == ("OP", "AND"):
                self.pos += 1
            children.append(self.parse_unary())
        return children[0] if len(children) == 1 else ("AND", children)

    def parse_unary(self):
        tok = self.peek()
        if tok == ("OP", "NOT"):
            self.pos += 1
            return ("NOT", self.parse_unary())
        return self.parse_primary()

    def parse_primary(self):
        tok = self.peek()
        if tok is None and self.depth:
            raise QueryError("A bracket '(' is not closed: add the missing ')'.")
        if tok is None:
            raise QueryError("The search ends with an operator (AND, OR, NOT): add a word after it.")
        kind, value = tok
        if kind == "OP":
            raise QueryError(f"'{value}' needs a word on each side, for example: bins {value} recycling.")
        if kind == ")":
            raise QueryError("Brackets are empty or unbalanced: remove the ')' or add a word inside.")
        self.pos += 1
        if kind == "(":
            self.depth += 1
            if self.depth > MAX_DEPTH:
                raise QueryError("Too many nested brackets.")
            node = self.parse_or()
            if self.peek() != (")", ")"):
                raise QueryError("A bracket '(' is not closed: add the missing ')'.")
            self.pos += 1
            self.depth -= 1
            return node
        self.clauses += 1
        if self.clauses > MAX_CLAUSES:
            raise QueryError(f"The search has more than {MAX_CLAUSES} words or clauses; shorten it.")
        if kind == "FIELD":
            return _field_clause(value)
        if kind == "PHRASE":
            return _text_clause(None, value, quoted=True)
        return _text_clause(None, value, quoted=False)


def _field_clause(token: str):
    found = _FIELD_RE.match(token)
    assert found is not None  # only tokens of the FIELD kind (name:value) come here
    name, value = found.groups()
    if name not in ALL_FIELDS:
        raise QueryError(f"Unknown field '{name}:'. Fields you can use: {', '.join(ALL_FIELDS)}.")
    quoted = value.startswith('"')
    if quoted:
        value = value[1:-1]
    if not value.strip():
        raise QueryError(f"'{name}:' needs a value after the colon, for example {name}:{_example(name)}.")
    if name in PROSE_FIELDS:
        return _text_clause(name, value, quoted=quoted)
    if name in DATE_FIELDS:
        return ("LEAF", parse_date_range(value))
    if not _VALUE_RE.match(value):
        raise QueryError(f"'{name}:' values may only contain letters, digits, spaces and - . & '")
    return ("LEAF", Match(name, value.strip()))


def _example(name: str) -> str:
    return {"delivered": "2024-06-01..2024-07-04", "party": "labour", "area": "E14001063"}.get(name, "bins")


def _text_clause(field: str | None, value: str, quoted: bool):
    if "*" in value or "?" in value:
        return ("LEAF", _wildcard(field, value, quoted))
    surface = analysis.words(value)
    kept = [(i, w) for i, w in enumerate(surface) if w not in analysis.STOP_WORDS and len(w) > 1]
    if not kept:
        return None  # only stop words or punctuation: ignored, like the index ignores them
    if len(kept) == 1:
        return ("LEAF", Term(field, kept[0][1], analysis.stem(kept[0][1])))
    first = kept[0][0]
    return (
        "LEAF",
        Phrase(
            field, tuple(surface), tuple(analysis.stem(w) for _, w in kept), tuple(i - first for i, _ in kept)
        ),
    )


def _wildcard(field: str | None, value: str, quoted: bool):
    if quoted:
        raise QueryError("Wildcards (*) cannot be used inside quotation marks.")
    if value.startswith("*") or value.startswith("?"):
        raise QueryError("A search cannot start with a wildcard: type at least 3 letters before the *.")
    if "?" in value or value.count("*") > 1 or not value.endswith("*"):
        raise QueryError("Only one * at the end of a word is supported, for example: pot*")
    stem_part = value[:-1].lower()
    if not analysis.WORD_RE.fullmatch(stem_part):
        raise QueryError("A wildcard must follow letters or digits, for example: pot*")
    if len(stem_part) < MIN_PREFIX:
        raise QueryError(f"Type at least {MIN_PREFIX} letters before the * wildcard.")
    return Prefix(field, stem_part)


def _build(raw):
    """Turn the parser's tuples into AST nodes, dropping clauses that held only stop words."""
    if raw is None:
        return None
    kind = raw[0]
    if kind == "LEAF":
        return raw[1]
    if kind == "NOT":
        child = _build(raw[1])
        return None if child is None else Not(child)
    children = tuple(c for c in (_build(r) for r in raw[1]) if c is not None)
    if not children:
        return None
    if len(children) == 1:
        return children[0]
    return And(children) if kind == "AND" else Or(children)


def check_text(text: str) -> str:
    """Reject input no search should carry: too long, control characters, markup."""
    if len(text) > MAX_LENGTH:
        raise QueryError(f"The search is too long: use at most {MAX_LENGTH} characters.")
    if any(ord(ch) < 32 and ch not in "\t\r\n" for ch in text) or "\x7f" in text:
        raise QueryError("The search contains control characters; type it again.")
    if "<" in text or ">" in text:
        raise QueryError("The search contains < or >, which are not allowed; search for the words instead.")
    return text.strip()


def parse(text: str, allow_negative_only: bool = False):
    """Parse a search box string into an AST, or None for an empty search (list everything).

    A query that only excludes (NOT bins) scans the whole index, so it is refused unless the caller
    narrows the search with filters (allow_negative_only=True).
    """
    text = check_text(text or "")
    if not text:
        return None
    tokens = _lex(text)
    if not tokens:
        return None
    tree = _build(_Parser(tokens).parse())
    if tree is None:
        raise QueryError("The search only contains very common words; add a more specific word.")
    if not allow_negative_only and _only_negative(tree):
        raise QueryError("A search cannot only exclude words: add a word to look for, or use the filters.")
    return tree


def _only_negative(node) -> bool:
    if isinstance(node, Not):
        return True
    if isinstance(node, And):
        return all(_only_negative(c) for c in node.children)
    if isinstance(node, Or):
        return any(_only_negative(c) for c in node.children)
    return False


def positive_words(node) -> list[str]:
    """Return the surface words a result is expected to contain (for highlighting)."""
    out: list[str] = []
    _collect(node, out, negated=False)
    return list(dict.fromkeys(out))


def _collect(node, out: list[str], negated: bool) -> None:
    if isinstance(node, Not):
        _collect(node.child, out, not negated)
    elif isinstance(node, (And, Or)):
        for child in node.children:
            _collect(child, out, negated)
    elif negated:
        return
    elif isinstance(node, Term):
        out.append(node.word)
    elif isinstance(node, Phrase):
        out.extend(w for w in node.words if w not in analysis.STOP_WORDS)
    elif isinstance(node, Prefix):
        out.append(node.prefix + "*")
