"""PostgresBackend's "did you mean" at scale: the vocabulary read from the kept lexeme table (migration 0020)
against the ts_stat scan of every tsvector it replaced, measured on the same database in this run; and what
keeping the table costs a write (index() of a batch, against the same write without the lexeme counts).

`python -m bench.search.suggest_probe --size 100000` prints a table and one JSON line. It uses the kept
PostgreSQL template of bench/search/pg.py (filled on the first run of a size: about 9 minutes at 100,000).
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import time
from dataclasses import replace

import search.postgres_backend as pg
from search import PostgresBackend, SearchQuery

from .corpus import QUERY_WORDS
from .pg import filler, search_database
from .run import CORPUS_FORMAT, corpus

ROUNDS = 5


def _typo(word: str, rng: random.Random) -> str:
    """Two neighbouring letters swapped inside the word: a common slip the index does not hold."""
    at = rng.randrange(1, len(word) - 2)
    return word[:at] + word[at + 1] + word[at] + word[at + 2 :]


def _ms(run) -> float:
    start = time.perf_counter()
    run()
    return round((time.perf_counter() - start) * 1000, 2)


def _writes(backend: PostgresBackend, docs: list, batch: int, rounds: int) -> list[float]:
    """index() of `batch` existing leaflets changed slightly, `rounds` times (the OCR queue's rewrites)."""
    times = []
    for n in range(rounds):
        chosen = docs[n * batch : (n + 1) * batch]
        changed = [replace(d, text=(d.text or "") + f" revised{n}", version=f"b{n}") for d in chosen]
        times.append(_ms(lambda: backend.index(changed)))
    return times


def main(size: int) -> dict:
    docs = corpus(size, cache=True)
    rng = random.Random(size)
    typos = [_typo(w, rng) for w in rng.sample([w for w in QUERY_WORDS if len(w) > 4], ROUNDS)]
    out: dict = {"size": size, "load_average_at_start": os.getloadavg(), "typos": typos}

    with search_database(filler(docs), f"{size}-{CORPUS_FORMAT}") as (dsn, _):
        backend = PostgresBackend(dsn)
        try:
            table = "SELECT word, ndoc FROM ts_stat('SELECT tsv FROM search.document')"
            out["ts_stat_read_ms"] = [_ms(lambda: backend._execute(table, [])) for _ in range(2)]
            out["lexeme_table_read_ms"] = [_ms(lambda: backend._execute(f"SELECT * FROM {pg.LEXEMES}", []))]
            suggestions: list = []
            for suggesting in (False, True):  # the search alone, then with its suggestion: the difference
                cold = []
                for typo in typos:  # each in a fresh process's backend: nothing cached
                    fresh = PostgresBackend(dsn)
                    try:
                        query = SearchQuery(text=typo, suggest=suggesting)
                        cold.append(_ms(lambda: suggestions.append(fresh.search(query).suggestion)))
                    finally:
                        fresh.close()
                warm = [_ms(lambda: backend.search(SearchQuery(text=t, suggest=suggesting))) for t in typos]
                out[f"cold_typo_search{'' if suggesting else '_no_suggest'}_ms"] = cold
                out[f"warm_typo_search{'' if suggesting else '_no_suggest'}_ms"] = warm
            out["suggestions"] = suggestions[len(typos) :]
            for batch in (1, 50):
                out[f"index_{batch}_ms"] = _writes(backend, docs, batch, ROUNDS)
                kept = pg._LexemeCounts
                pg._LexemeCounts = _NoCounts  # type: ignore[misc,assignment]
                try:
                    out[f"index_{batch}_without_counts_ms"] = _writes(
                        backend, docs[ROUNDS * batch :], batch, ROUNDS
                    )
                finally:
                    pg._LexemeCounts = kept  # type: ignore[misc]
        finally:
            backend.close()
    return out


class _NoCounts:
    """The write as it was before migration 0020: no lexeme counts kept (the baseline of the write cost)."""

    def __init__(self, cur, leaflet_ids) -> None:
        pass

    def write(self) -> None:
        pass


def _print(r: dict) -> None:
    med = statistics.median
    print(f"== {r['size']:,} leaflets, load at start {[round(x, 2) for x in r['load_average_at_start']]} ==")
    old, new = round(med(r["ts_stat_read_ms"]), 1), med(r["lexeme_table_read_ms"])
    print(
        f"vocabulary read ms      ts_stat {old:>9}   lexeme table {new:>7}"
        f"   ratio {old / max(new, 0.01):.0f}x"
    )
    for state in ("cold", "warm"):
        plain, full = r[f"{state}_typo_search_no_suggest_ms"], r[f"{state}_typo_search_ms"]
        print(
            f"typo search ms, {state}   p50 {med(full)} (without the suggestion {med(plain)}), "
            f"max {max(full)} ({max(plain)})"
        )
    print(f"suggestions             {dict(zip(r['typos'], r['suggestions']))}")
    for batch in (1, 50):
        kept, bare = med(r[f"index_{batch}_ms"]), med(r[f"index_{batch}_without_counts_ms"])
        print(
            f"index() of {batch:>2} ms p50     with counts {kept}   without {bare}"
            f"   ratio {kept / max(bare, 0.01):.2f}"
        )


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, default=10000)
    result = main(parser.parse_args().size)
    _print(result)
    print(json.dumps(result))
