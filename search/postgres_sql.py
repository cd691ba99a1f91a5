"""Translate the shared query AST into PostgreSQL full-text SQL (parameterised, never interpolated)."""

from __future__ import annotations

from .query_ast import And, DateRange, Match, Not, Phrase, Prefix, Term
from .types import SearchQuery

CONFIG = "english"
PROSE_COLUMNS = {
    "title": "title",
    "description": "description",
    "text": "body",
    "claims": "array_to_string(claims, ' ')",
}
ARRAY_COLUMNS = {"tag": "tags", "verdict": "verdicts", "bias": "bias"}  # documents hold several values
ORDERED_COLUMNS = ("party", "area", "election", "region")  # indexed with the newest order (migration 0019)
EXACT_COLUMNS = {
    "party": "party",
    "area": "area",
    "region": "region",
    "nation": "nation",
    "election": "election",
}
# Each leaflet's exact columns as keys ('p:lab', 'a:E14001447', ...) in `filter_keys`, which the words' GIN
# index also holds (migration 0022): a word within a filter is one index scan, not two bitmaps ANDed.
KEY_PREFIXES = {"party": "p", "area": "a", "region": "r", "nation": "n", "election": "e"}


class Translation:
    """SQL condition plus the tsqueries that rank and highlight, with their parameters in order."""

    def __init__(self, words_indexed: bool = True, tsv: str = "tsv") -> None:
        # tsv: the tsvector the words are matched against (a detoasted copy, read once, see _counted_page)
        self.tsv = tsv
        # not words_indexed: words written so that the planner cannot read the GIN index for them (a facet
        # sample of a word most leaflets hold: its bitmap cost more than reading the sampled rows' tsvectors)
        self.words_indexed = words_indexed
        self.params: list = []
        self.positive: list[tuple[str, list]] = []  # (tsquery sql, params) of non-negated text leaves

    def condition(self, node, negated: bool = False) -> str:
        if isinstance(node, (Term, Prefix, Phrase)):
            tsq, args = _tsquery(node)
            if not negated:
                self.positive.append((tsq, args))
            self.params.extend(args)
            if node.field is None:
                matched = f"{self.tsv} @@ {tsq}"
                return matched if self.words_indexed or negated else f"({matched}) IS TRUE"
            self.params.extend(args)
            return f"({self.tsv} @@ {tsq} AND to_tsvector('{CONFIG}', {PROSE_COLUMNS[node.field]}) @@ {tsq})"
        if isinstance(node, Match):
            self.params.append([node.value] if node.field in ARRAY_COLUMNS else node.value)
            if node.field in ARRAY_COLUMNS:
                return f"{ARRAY_COLUMNS[node.field]} @> %s::text[]"
            return f"coalesce({EXACT_COLUMNS[node.field]} = %s, false)"
        if isinstance(node, DateRange):
            return self.dates(node.start, node.end)
        if isinstance(node, Not):
            return f"NOT ({self.condition(node.child, not negated)})"
        if isinstance(node, And) and sum(map(_plain_text, node.children)) > 1:
            return self._all_words(node, negated)
        joiner = " AND " if isinstance(node, And) else " OR "
        return "(" + joiner.join(self.condition(c, negated) for c in node.children) + ")"

    def _all_words(self, node: And, negated: bool) -> str:
        """Words (and phrases) that must all be in any prose field as one tsquery: each `tsv @@` reads and
        decompresses the row's TOASTed tsvector again (three words cost 1.5x one at 100,000 leaflets), and
        the GIN index answers the AND as well. The other children are tested first, as written."""
        others = [self.condition(c, negated) for c in node.children if not _plain_text(c)]
        queries = []
        for child in filter(_plain_text, node.children):
            tsq, args = _tsquery(child)
            if not negated:
                self.positive.append((tsq, args))
            self.params.extend(args)
            queries.append(tsq)
        words = f"{self.tsv} @@ ({' && '.join(queries)})"
        if not self.words_indexed and not negated:
            words = f"({words}) IS TRUE"
        return "(" + " AND ".join(others + [words]) + ")"

    def dates(self, start, end) -> str:
        parts = ["delivered_on IS NOT NULL"]
        if start:
            parts.append("delivered_on >= %s")
            self.params.append(start)
        if end:
            parts.append("delivered_on <= %s")
            self.params.append(end)
        return "(" + " AND ".join(parts) + ")"

    def filters(self, query: SearchQuery, indexed: bool = True, keyed: bool = False) -> list[str]:
        """The filters' conditions; not `indexed`: written so that the planner cannot read their indexes
        (for a sample of ids, whose rows are fewer than a common value's index entries). `IS TRUE` keeps
        them as cheap as an indexed `=` in the planner's eyes, so they are still checked before `tsv @@`
        (`party || ''` was priced above it, and each sampled row's tsvector was read first). `keyed`: each
        exact column's values also as `filter_keys`, for the words' GIN index (with words only: alone, the
        keys of a common value are a long posting list; not read where the words are not); the column's own
        condition stays, for a walk down its newest-order index."""
        out = []
        for field, values in query.filters().items():
            column = EXACT_COLUMNS.get(field, "")
            if field in ARRAY_COLUMNS:
                out.append(f"{ARRAY_COLUMNS[field]} && %s::text[]")
                self.params.append(list(values))
                continue
            if len(values) == 1:  # `=`, not `= ANY`, so a page can walk the value's newest-order index
                condition = f"{column} = %s"
                self.params.append(values[0])
            else:
                condition = f"{column} = ANY(%s)"
                self.params.append(list(values))
            out.append(condition if indexed else f"({condition}) IS TRUE")
            if keyed and field in KEY_PREFIXES:
                keys = [f"{KEY_PREFIXES[field]}:{value}" for value in values]
                keyed_sql = f"filter_keys {'@>' if len(keys) == 1 else '&&'} %s::text[]"
                out.append(keyed_sql if self.words_indexed else f"({keyed_sql}) IS TRUE")
                self.params.append(keys)
        if query.date_from or query.date_to:
            out.append(self.dates(query.date_from, query.date_to))
        return out

    def combined_tsquery(self) -> tuple[str, list]:
        """OR of every positive text leaf, for ts_rank and ts_headline."""
        if not self.positive:
            return "", []
        sql = "(" + " || ".join(t for t, _ in self.positive) + ")"
        return sql, [p for _, args in self.positive for p in args]


def _plain_text(node) -> bool:
    return isinstance(node, (Term, Prefix, Phrase)) and node.field is None


def _tsquery(node) -> tuple[str, list]:
    if isinstance(node, Term):
        return f"to_tsquery('{CONFIG}', %s)", [node.word]
    if isinstance(node, Prefix):
        return f"to_tsquery('{CONFIG}', %s)", [node.prefix + ":*"]
    return f"phraseto_tsquery('{CONFIG}', %s)", [" ".join(node.words)]
