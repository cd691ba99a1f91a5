"""Party term counts and archive-wide token counts, changed by deltas (a leaflet's terms added or taken away).

Upserts add to the stored counts in one statement per table (INSERT ... ON CONFLICT DO UPDATE SET count =
count + excluded.count, on SQLite and PostgreSQL alike), rows sorted by key so concurrent writers lock in one
order.
"""

from __future__ import annotations

import zlib
from collections import Counter, defaultdict
from typing import Any, Iterable, Sequence, cast

from sqlalchemy import Table

from leaflets.extensions import db, insert_of
from leaflets.models import CompareTermCount, CompareToken
from leaflets.models.compare import ALL_ELECTIONS
from leaflets.services.compare.names import TokenStats
from leaflets.services.text_stats import term_counts

TOTAL, LEAFLETS, TOPIC = "#total", "#leaflets", "#topic:"
MAX_TERM = 120


def pack(sentences: Sequence[Sequence[str]]) -> bytes:
    """Sentences of tokens as compressed text: one sentence a line (a figure's space becomes "_")."""
    text = "\n".join(" ".join(token.replace(" ", "_") for token in sentence) for sentence in sentences)
    return zlib.compress(text.encode("utf-8"))


def unpack(data: bytes | None) -> list[list[str]]:
    if not data:
        return []
    return [line.split() for line in zlib.decompress(data).decode("utf-8").split("\n") if line]


def leaflet_terms(sentences: Sequence[Sequence[str]], topics: Iterable[str]) -> Counter[str]:
    """What one leaflet adds to its party's counts: its terms, their total, itself, and its topics."""
    counts = Counter({term: n for term, n in term_counts(sentences).items() if len(term) <= MAX_TERM})
    counts[TOTAL] = sum(counts.values())
    counts[LEAFLETS] = 1
    counts.update(f"{TOPIC}{slug}" for slug in topics)
    return counts


class TermDeltas:
    """Changes to party term counts, gathered over many leaflets and written at once."""

    def __init__(self) -> None:
        self.buckets: dict[tuple[int, int], Counter[str]] = defaultdict(Counter)

    def add(self, party_id: int, election_id: int, counts: Counter[str], sign: int = 1) -> None:
        for bucket in ((party_id, election_id), (party_id, ALL_ELECTIONS)):
            target = self.buckets[bucket]
            for term, n in counts.items():
                target[term] += sign * n

    def write(self) -> None:
        rows = [
            {"party_id": party, "election_id": election, "term": term, "count": n}
            for (party, election), counts in sorted(self.buckets.items())
            for term, n in sorted(counts.items())
            if n
        ]
        upsert_add(
            cast(Table, CompareTermCount.__table__), rows, ["party_id", "election_id", "term"], ["count"]
        )
        self.buckets.clear()


def write_tokens(stats: dict[str, TokenStats]) -> None:
    rows = [
        {
            "token": token,
            "capitalised": s.capitalised,
            "paired": s.paired,
            "lowered": s.lowered,
            "trusted": s.trusted,
        }
        for token, s in sorted(stats.items())
        if len(token) <= 60
    ]
    upsert_add(
        cast(Table, CompareToken.__table__), rows, ["token"], ["capitalised", "paired", "lowered", "trusted"]
    )


def merge_tokens(into: dict[str, TokenStats], more: dict[str, TokenStats]) -> None:
    for token, stats in more.items():
        have = into.get(token)
        into[token] = (
            stats
            if have is None
            else TokenStats(
                have.capitalised + stats.capitalised,
                have.paired + stats.paired,
                have.lowered + stats.lowered,
                have.trusted + stats.trusted,
            )
        )


def upsert_add(
    table: Table, rows: list[dict[str, Any]], keys: list[str], columns: list[str], chunk: int = 2000
) -> None:
    """Insert rows, or add their columns to the rows already there."""
    if not rows:
        return
    statement = insert_of(table)
    statement = statement.on_conflict_do_update(
        index_elements=keys, set_={column: table.c[column] + statement.excluded[column] for column in columns}
    )
    for start in range(0, len(rows), chunk):
        db.session.execute(statement, rows[start : start + chunk])
