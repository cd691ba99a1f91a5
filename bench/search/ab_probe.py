"""One PostgresBackend setting at two values, alternating per query on the same database and process.

The ratio probe compares two engines; a change to PostgresBackend is judged better by running the old and
new value of one of its module constants side by side: each query of one type runs with both values in
turn (the order swapped on each repeat), on a copy of the kept template, with kept facet counts dropped
before every search, so both see the same load and the same cache.

    python -m bench.search.ab_probe --type word_area --constant COUNTED_FILTER --values 0,4000
"""

from __future__ import annotations

import argparse
import os
import statistics
import time

import search.postgres_backend as pg
from search import PostgresBackend

from .pg import filler, search_database
from .run import CORPUS_FORMAT, QUERY_TYPES, _pct, corpus, make_queries, whoosh_query


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.search.ab_probe", description=__doc__)
    parser.add_argument("--size", type=int, default=100_000)
    parser.add_argument("--iterations", type=int, default=100, help="queries of the type")
    parser.add_argument("--type", default="word_area", choices=QUERY_TYPES)
    parser.add_argument("--constant", required=True, help="a module constant of search.postgres_backend")
    parser.add_argument("--values", required=True, help="two values, comma-separated")
    parser.add_argument("--repeats", type=int, default=2)
    args = parser.parse_args(argv)
    kind = type(getattr(pg, args.constant))
    values = [kind(float(v)) if kind is int else kind(v) for v in args.values.split(",")]
    if len(values) != 2:
        parser.error("--values takes two values")
    docs = corpus(args.size, cache=True)
    queries = [p for k, p in make_queries(docs, args.iterations, seed=args.size) if k == args.type]

    times: list[list[float]] = [[], []]
    with search_database(filler(docs), f"{args.size}-{CORPUS_FORMAT}") as (dsn, _):
        backend = PostgresBackend(dsn)
        try:
            backend.search(whoosh_query(queries[0]))
            start_load = os.getloadavg()
            for repeat in range(args.repeats):
                for params in queries:
                    query = whoosh_query(params)
                    for which in (0, 1) if repeat % 2 == 0 else (1, 0):
                        setattr(pg, args.constant, values[which])
                        backend._facet_cache.clear()
                        backend._kept_counts.clear()
                        start = time.perf_counter()
                        backend.search(query)
                        times[which].append((time.perf_counter() - start) * 1000)
        finally:
            backend.close()
    print(f"{args.type}, {args.constant}, load average {start_load} -> {os.getloadavg()}")
    for value, took in zip(values, times):
        print(
            f"{value!s:>12}  p50 {statistics.median(took):.1f}  p95 {_pct(took, 0.95)}  "
            f"mean {statistics.mean(took):.1f} ms  ({len(took)} searches)"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
