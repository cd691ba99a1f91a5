"""One storage change of the search table, judged on two copies of the kept template at the same load.

A change of how `search.document` stores its rows (a column's compression or storage) cannot be switched per
query as ab_probe switches a constant, so the probe makes two copies of the kept template, runs `--sql` on
the second, rewrites the tsvectors of both alike (existing values keep their compression and storage until
rewritten) and runs each query on both in turn, the order swapped on each repeat, kept counts dropped
before every search. Prints the rewrite's time, each copy's size and compression, and p50/p95/mean per type.

    python -m bench.search.storage_probe \
        --sql "ALTER TABLE search.document ALTER COLUMN tsv SET COMPRESSION lz4"
"""

from __future__ import annotations

import argparse
import os
import statistics
import time

import psycopg

from search import PostgresBackend

from .pg import filler, search_database
from .run import CORPUS_FORMAT, QUERY_TYPES, _pct, corpus, make_queries, whoosh_query

REWRITE = ("UPDATE search.document SET tsv = tsv || ''::tsvector", "VACUUM (FULL, ANALYZE) search.document")
DESCRIBE = (
    "SELECT coalesce(pg_column_compression(tsv), 'none'), count(*), round(avg(pg_column_size(tsv))), "
    "pg_size_pretty(pg_relation_size('search.document')), "
    "pg_size_pretty(pg_total_relation_size('search.document')) "
    "FROM search.document GROUP BY 1 ORDER BY 1"
)


def _prepare(dsn: str, sql: list[str]) -> None:
    with psycopg.connect(dsn, autocommit=True) as conn:
        for statement in sql + list(REWRITE):
            start = time.perf_counter()
            conn.execute(statement)
            print(f"  {time.perf_counter() - start:6.1f} s  {statement}")
        for compression, rows, size, heap, total in conn.execute(DESCRIBE).fetchall():
            print(f"  tsv {compression}: {rows} rows, {size} bytes on average; heap {heap}, all {total}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.search.storage_probe", description=__doc__)
    parser.add_argument("--size", type=int, default=100_000)
    parser.add_argument("--iterations", type=int, default=100, help="queries per type")
    parser.add_argument("--types", default="word_party,word_area,three_words_newest")
    parser.add_argument("--sql", action="append", required=True, help="run on the second copy (repeatable)")
    parser.add_argument("--repeats", type=int, default=2)
    args = parser.parse_args(argv)
    kinds = args.types.split(",")
    if not set(kinds) <= set(QUERY_TYPES):
        parser.error(f"--types: of {', '.join(QUERY_TYPES)}")
    docs = corpus(args.size, cache=True)
    queries = [(k, p) for k, p in make_queries(docs, args.iterations, seed=args.size) if k in kinds]
    key = f"{args.size}-{CORPUS_FORMAT}"
    times: dict[str, tuple[list[float], list[float]]] = {k: ([], []) for k in kinds}
    with search_database(filler(docs), key) as (before, _), search_database(filler(docs), key) as (after, _):
        for label, dsn, sql in (("as kept", before, []), ("changed", after, args.sql)):
            print(label)
            _prepare(dsn, sql)
        backends = [PostgresBackend(before), PostgresBackend(after)]
        try:
            for backend in backends:  # untimed: both copies start with a cold buffer cache
                for _, params in queries:
                    backend.search(whoosh_query(params))
            start_load = os.getloadavg()
            for repeat in range(args.repeats):
                for kind, params in queries:
                    query = whoosh_query(params)
                    for which in (0, 1) if repeat % 2 == 0 else (1, 0):
                        backends[which]._written()  # kept facet, word and filter counts dropped
                        start = time.perf_counter()
                        backends[which].search(query)
                        times[kind][which].append((time.perf_counter() - start) * 1000)
        finally:
            for backend in backends:
                backend.close()
    print(f"load average {start_load} -> {os.getloadavg()}; ms, as kept / changed")
    for kind, (kept, changed) in times.items():
        print(
            f"{kind:20} p50 {statistics.median(kept):6.1f} / {statistics.median(changed):6.1f}  "
            f"p95 {_pct(kept, 0.95):6.1f} / {_pct(changed, 0.95):6.1f}  "
            f"mean {statistics.mean(kept):6.1f} / {statistics.mean(changed):6.1f}"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
