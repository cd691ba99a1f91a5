"""PostgresBackend against WhooshBackend, each query run on both in turn: the p95 ratio of each query type.

`make bench-search` measures Whoosh's queries, then PostgreSQL's minutes later; on a shared machine whose
load moves between the two, the ratio moves with it. Here each query runs on Whoosh and at once on
PostgreSQL, so both see the same load. It reuses what the benchmark keeps: the corpus pickle, the Whoosh
index of `--workdir` (built there when missing) and a copy of the kept PostgreSQL template (filled when
missing, as `python -m bench.search` does).

    python -m bench.search.ratio_probe --workdir /tmp/bench-search [--types word_party,word_area] [--page 50]

With `--slowest N`, the N slowest PostgreSQL searches are printed with each statement's time.
"""

from __future__ import annotations

import argparse
import os
import statistics
import time
from dataclasses import replace
from pathlib import Path

import search.postgres_backend as pg
from search import PostgresBackend, SearchQuery, WhooshBackend

from .pg import filler, search_database
from .run import CORPUS_FORMAT, QUERY_TYPES, _pct, corpus, make_queries, whoosh_query


def _statements(log: list[tuple[str, float]]):
    """PostgresBackend._execute, timing each statement into `log`."""
    execute = pg.PostgresBackend._execute

    def timed(self, sql, params, off=()):
        start = time.perf_counter()
        try:
            return execute(self, sql, params, off)
        finally:
            log.append((" ".join(sql.split())[:70], (time.perf_counter() - start) * 1000))

    return timed


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.search.ratio_probe", description=__doc__)
    parser.add_argument("--size", type=int, default=100_000)
    parser.add_argument("--iterations", type=int, default=100, help="queries per type")
    parser.add_argument("--types", default=",".join(QUERY_TYPES))
    parser.add_argument("--page", type=int, default=1)
    parser.add_argument("--workdir", required=True, help="where the Whoosh index is kept (bench --workdir)")
    parser.add_argument("--slowest", type=int, default=0)
    parser.add_argument(
        "--warm",
        action="store_true",
        help="run every query once on both, untimed, first (the template copy starts with a cold cache)",
    )
    args = parser.parse_args(argv)
    kinds = args.types.split(",")
    docs = corpus(args.size, cache=True)
    queries = [(k, p) for k, p in make_queries(docs, args.iterations, seed=args.size) if k in kinds]
    index_dir = Path(args.workdir) / f"whoosh-{args.size}"
    whoosh = WhooshBackend(index_dir)
    if not whoosh.versions():
        whoosh.rebuild(docs)

    with search_database(filler(docs), f"{args.size}-{CORPUS_FORMAT}") as (dsn, _):
        backend = PostgresBackend(dsn)
        log: list[tuple[str, float]] = []
        pg.PostgresBackend._execute = _statements(log)  # type: ignore[method-assign]
        times: dict[str, tuple[list[float], list[float]]] = {k: ([], []) for k in kinds}
        slow = []
        try:
            for backend_ in (whoosh, backend):
                backend_.search(SearchQuery(text="council"))
                for _, params in queries if args.warm else []:
                    backend_.search(replace(whoosh_query(params), page=args.page))
            backend._facet_cache.clear()  # kept facets would make the timed run a cache's
            backend._kept_counts.clear()  # and so would word counts kept from the untimed pass
            start_load = os.getloadavg()
            for kind, params in queries:
                query = replace(whoosh_query(params), page=args.page)
                for engine, out in ((whoosh, times[kind][0]), (backend, times[kind][1])):
                    log.clear()  # PostgreSQL runs last: its statements are what the log keeps
                    start = time.perf_counter()
                    results = engine.search(query)
                    out.append((time.perf_counter() - start) * 1000)
                took = times[kind][1][-1]
                slow.append((took, kind, params, results.total, results.total_is_estimate, list(log)))
        finally:
            backend.close()
            whoosh.close()
    print(f"{args.size:,} leaflets, page {args.page}, load average {start_load} -> {os.getloadavg()}")
    print(f"{'':20}{'Whoosh p50 / p95':>20}{'PostgreSQL p50 / p95':>24}{'p95 PG/W':>10}")
    for kind in kinds:
        w, p = times[kind]
        print(
            f"{kind:20}{statistics.median(w):>10.1f} / {_pct(w, 0.95):<8}"
            f"{statistics.median(p):>12.1f} / {_pct(p, 0.95):<10}{_pct(p, 0.95) / _pct(w, 0.95):>8.2f}"
        )
    for ms, kind, params, total, estimated, statements in sorted(slow, key=lambda s: -s[0])[: args.slowest]:
        print(f"{ms:7.1f} ms {kind} {params} total {total}{' (about)' if estimated else ''}")
        for sql, took in statements:
            print(f"{took:17.1f} ms {sql}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
