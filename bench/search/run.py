"""Measure WhooshBackend against SQLite FTS5 on generated leaflets; print a table and write JSON."""

from __future__ import annotations

import argparse
import json
import logging
import os
import pickle
import random
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import replace
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from search import PostgresBackend, SearchQuery, WhooshBackend
from search.whoosh_backend import BUILD_PROCS

from .corpus import QUERY_PHRASES, QUERY_WORDS, Corpus
from .pg import search_database
from .sqlite_baseline import SqliteFts

log = logging.getLogger(__name__)
OUT = Path(__file__).resolve().parents[1] / "out"
DEEP_PAGE = 50
CORPUS_FORMAT = "v2"  # bump when SearchDocument gains fields: pickles of the old class lack them
QUERY_TYPES = ["word", "phrase", "word_party", "word_area", "facets", "three_words_newest"]
PARTS = ("build", "queries", "export", "postgres", "sqlite")  # --only picks some; the bulk build always runs


def corpus(size: int, cache: bool) -> list:
    path = OUT / f"corpus-{size}-{CORPUS_FORMAT}.pickle"
    if cache and path.exists():
        with open(path, "rb") as f:
            return pickle.load(f)
    docs = list(Corpus(seed=size).documents(size))
    if cache:
        OUT.mkdir(parents=True, exist_ok=True)
        with open(path, "wb") as f:
            pickle.dump(docs, f, protocol=pickle.HIGHEST_PROTOCOL)
    return docs


def dir_size(path: Path) -> int:
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file())


def make_queries(docs: list, count: int, seed: int) -> list[tuple[str, dict]]:
    """The same random parameters for both engines: (type, params)."""
    rng = random.Random(seed)
    sample = rng.sample(docs, min(len(docs), 2000))
    out = []
    for kind in QUERY_TYPES:
        for _ in range(count):
            doc = rng.choice(sample)  # filters follow the real skew of parties and areas
            params: dict[str, Any] = {"word": rng.choice(QUERY_WORDS)}
            if kind == "phrase":
                params = {"phrase": rng.choice(QUERY_PHRASES)}
            elif kind == "word_party":
                params["party"] = doc.party
            elif kind == "word_area":
                params["area"] = doc.area
            elif kind == "facets":
                params = {"election": doc.election}
            elif kind == "three_words_newest":
                params = {"words": rng.sample(QUERY_WORDS, 3)}
            out.append((kind, params))
    rng.shuffle(out)
    return out


def whoosh_query(params: dict) -> SearchQuery:
    if "phrase" in params:
        return SearchQuery(text=f'"{params["phrase"]}"')
    if "words" in params:
        return SearchQuery(text=" ".join(params["words"]), sort="newest")
    return SearchQuery(
        text=params.get("word", ""),
        party=[params["party"]] if "party" in params else [],
        area=[params["area"]] if "area" in params else [],
        election=[params["election"]] if "election" in params else [],
    )


def sqlite_query(db: SqliteFts, params: dict):
    if "phrase" in params:
        return db.search(_fts(params["phrase"]))
    if "words" in params:
        return db.search(" AND ".join(_fts(w) for w in params["words"]), newest=True)
    if "election" in params:
        return db.search(None, election=params["election"], facets=True)
    return db.search(_fts(params["word"]), party=params.get("party"), area=params.get("area"))


def _fts(text: str) -> str:
    """Quote for FTS5 (a quoted string is a phrase of its tokens)."""
    return '"' + text.replace('"', "") + '"'


def timed(queries, run) -> dict[str, list[tuple[float, float]]]:
    """(wall ms, CPU ms) per query: CPU time shows the cost when other jobs share the machine."""
    times: dict[str, list[tuple[float, float]]] = {k: [] for k in QUERY_TYPES}
    for kind, params in queries:
        start, cpu = time.perf_counter(), time.thread_time()
        run(params)
        times[kind].append(((time.perf_counter() - start) * 1000, (time.thread_time() - cpu) * 1000))
    return times


def _pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return round(ordered[min(len(ordered) - 1, int(len(ordered) * q))], 2)


def summary(times: list[tuple[float, float]]) -> dict[str, float]:
    wall, cpu = [t[0] for t in times], [t[1] for t in times]
    return {
        "p50_ms": round(statistics.median(wall), 2),
        "p95_ms": _pct(wall, 0.95),
        "max_ms": round(max(wall), 2),
        "cpu_p50_ms": round(statistics.median(cpu), 2),
        "cpu_p95_ms": _pct(cpu, 0.95),
    }


def incremental(backend: WhooshBackend, corpus_maker: Corpus, next_id: int, rounds: int) -> list[float]:
    """Seconds from index([doc]) until a search finds it."""
    out = []
    for i in range(rounds):
        doc = corpus_maker.document(next_id + i)
        marker = f"zqxmarker{i}{'abcdefghij'[i % 10]}"
        doc.text += f" {marker}"
        start = time.perf_counter()
        backend.index([doc])
        while backend.search(SearchQuery(text=marker, facets=False, suggest=False)).total < 1:
            if time.perf_counter() - start > 30:
                break
            time.sleep(0.005)
        out.append(round(time.perf_counter() - start, 3))
    return out


def export_phrases(backend: WhooshBackend, index_dir: Path, docs: list) -> list[dict]:
    """Export every match of the commonest phrase, and of it within the region nearest a tenth of those
    matches, each in a fresh process (its own peak RSS): the same words and postings, so the two peaks
    differ only by what grows with the rows."""

    def count(text: str) -> int:
        return sum(1 for _ in backend.ids(SearchQuery(text=text)))

    counts = {f'"{p}"': count(f'"{p}"') for p in QUERY_PHRASES[:6]}
    biggest = max(counts, key=counts.__getitem__)
    regions = sorted({d.region for d in docs if d.region})
    within = {f'{biggest} region:"{r}"': count(f'{biggest} region:"{r}"') for r in regions}
    smaller = min(within, key=lambda text: abs(within[text] - counts[biggest] / 10))
    backend.flush()
    return [_export_probe(str(index_dir), text) for text in (smaller, biggest)]


def _export_probe(*args: str) -> dict:
    """export_probe.py in a fresh process (its own peak RSS)."""
    done = subprocess.run(
        [sys.executable, "-m", "bench.search.export_probe", *args],
        capture_output=True,
        text=True,
        check=True,
        cwd=Path(__file__).resolve().parents[2],
    )
    return json.loads(done.stdout.strip().splitlines()[-1])


def build_timed(build) -> tuple[float, float]:
    """(wall s, CPU s of this process and its worker processes) of one build."""
    start, cpu = time.perf_counter(), _cpu_s()
    build()
    return time.perf_counter() - start, _cpu_s() - cpu


def _cpu_s() -> float:
    own, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def bench_postgres(docs: list, queries: list, exports: list[str], cache: bool = True) -> dict:
    """PostgresBackend on the same documents, queries and exports, in a throwaway database (a copy of the
    kept filled one when cached: the build rate is printed only when this run filled it)."""
    out: dict = {}

    def fill(dsn: str) -> None:
        filler = PostgresBackend(dsn)
        try:
            start = time.perf_counter()
            filler.rebuild(docs)
            out["build_docs_per_s"] = round(len(docs) / (time.perf_counter() - start), 1)
        finally:
            filler.close()

    key = f"{len(docs)}-{CORPUS_FORMAT}" if cache else None
    with search_database(fill, key) as (dsn, _):
        backend = PostgresBackend(dsn)
        try:
            backend.search(SearchQuery(text="council"))
            times = timed(queries, lambda p: backend.search(whoosh_query(p)))
            out["queries"] = {k: summary(v) for k, v in times.items()}
            deep = timed(queries, lambda p: backend.search(replace(whoosh_query(p), page=DEEP_PAGE)))
            out["deep_page"] = {k: summary(v) for k, v in deep.items()}
            out["export"] = [_export_probe("--postgres", dsn, text) for text in exports]
        finally:
            backend.close()
    return out


def bench_size(
    size: int, iterations: int, cache: bool, workdir: Path, baseline_build: bool = True, parts: tuple = PARTS
) -> dict:
    t0 = time.perf_counter()
    docs = corpus(size, cache)
    log.info("corpus of %d ready in %.1fs", size, time.perf_counter() - t0)
    queries = make_queries(docs, iterations, seed=size)
    result: dict = {"size": size, "iterations_per_type": iterations, "load_average_at_start": os.getloadavg()}

    baseline = {}
    # The old way, in this run, for the ratio: Whoosh's own writer in one process.
    if baseline_build and "build" in parts:
        single = WhooshBackend(workdir / f"whoosh-{size}-single")
        wall, cpu = build_timed(lambda: single.rebuild(docs, procs=1, bulk=False))
        baseline = {
            "build_docs_per_s_old_writer": round(size / wall, 1),
            "build_cpu_ms_per_doc_old_writer": round(cpu * 1000 / size, 2),
        }
        single.close()
        shutil.rmtree(workdir / f"whoosh-{size}-single", ignore_errors=True)
    index_dir = workdir / f"whoosh-{size}"
    backend = WhooshBackend(index_dir)
    build_s, build_cpu = build_timed(lambda: backend.rebuild(docs))
    start = time.perf_counter()
    backend.search(SearchQuery(text="council"))  # open the searcher and load column arrays once
    result["whoosh"] = {
        "build_docs_per_s": round(size / build_s, 1),
        "build_cpu_ms_per_doc": round(build_cpu * 1000 / size, 2),
        "build_s": round(build_s, 1),
        "build_procs": BUILD_PROCS,
        **baseline,
        "index_mb": round(dir_size(index_dir) / 1e6, 1),
        "first_search_after_build_s": round(time.perf_counter() - start, 3),
    }
    if "queries" in parts:
        w_times = timed(queries, lambda p: backend.search(whoosh_query(p)))
        result["whoosh"]["queries"] = {k: summary(v) for k, v in w_times.items()}
        deep = timed(queries, lambda p: backend.search(replace(whoosh_query(p), page=DEEP_PAGE)))
        result["whoosh"]["deep_page"] = {k: summary(v) for k, v in deep.items()}
    if "export" in parts:
        result["whoosh"]["export"] = export_phrases(backend, index_dir, docs)
    if "queries" in parts:
        result["whoosh"]["incremental_visible_s"] = incremental(backend, Corpus(seed=1), size + 1, 5)
    backend.close()
    if "postgres" in parts:
        exports = [e["query"] for e in result["whoosh"].get("export", [])]
        result["postgres"] = bench_postgres(docs, queries, exports, cache)
    if "sqlite" in parts:
        result["sqlite_fts5"] = bench_sqlite(docs, queries, workdir / f"fts-{size}.sqlite")
    result["load_average_at_end"] = os.getloadavg()
    return result


def bench_sqlite(docs: list, queries: list, path: Path) -> dict:
    """The SQLite FTS5 baseline on the same documents and queries."""
    db = SqliteFts(path)
    start = time.perf_counter()
    for i in range(0, len(docs), 1000):
        db.index(docs[i : i + 1000])
    build_s = time.perf_counter() - start
    out: dict = {
        "build_docs_per_s": round(len(docs) / build_s, 1),
        "build_s": round(build_s, 1),
        "index_mb": round(db.size() / 1e6, 1),
    }
    s_times = timed(queries, lambda p: sqlite_query(db, p))
    out["queries"] = {k: summary(v) for k, v in s_times.items()}
    db.close()
    return out


def print_table(results: list[dict]) -> None:
    """The table of every part measured (--only leaves some out)."""
    for r in results:
        w, s = r["whoosh"], r.get("sqlite_fts5")
        print(f"\n== {r['size']:,} leaflets ({r['iterations_per_type']} queries per type) ==")
        print(
            f"load average at start {_load(r['load_average_at_start'])}, "
            f"at end {_load(r['load_average_at_end'])}"
        )
        print(f"{'':24}{'WhooshBackend':>22}{'SQLite FTS5':>22}{'ratio W/S':>12}")
        if s:
            print(
                f"{'build docs/s':24}{w['build_docs_per_s']:>22}{s['build_docs_per_s']:>22}"
                f"{w['build_docs_per_s'] / s['build_docs_per_s']:>12.2f}"
            )
            print(
                f"{'index MB':24}{w['index_mb']:>22}{s['index_mb']:>22}{w['index_mb'] / s['index_mb']:>12.2f}"
            )
        else:
            print(f"{'build docs/s':24}{w['build_docs_per_s']:>22}")
            print(f"{'index MB':24}{w['index_mb']:>22}")
        if "queries" in w:
            _print_queries(w, s)
        if "build_docs_per_s_old_writer" in w:
            one = w["build_docs_per_s_old_writer"]
            print(
                f"{'build docs/s old writer':24}{one:>22}{'':>34}"
                f"   (bulk, {w['build_procs']} processes: "
                f"{w['build_docs_per_s']}, x{w['build_docs_per_s'] / one:.2f}; CPU ms/doc "
                f"{w['build_cpu_ms_per_doc_old_writer']} -> {w['build_cpu_ms_per_doc']}, "
                f"x{w['build_cpu_ms_per_doc_old_writer'] / w['build_cpu_ms_per_doc']:.2f})"
            )
        if "deep_page" in w:
            for kind in QUERY_TYPES:
                dq = w["deep_page"][kind]
                print(
                    f"{kind + f' page {DEEP_PAGE} p50/p95':24}{dq['p50_ms']:>10} / {dq['p95_ms']:<9}"
                    f"   CPU p50/p95 {dq['cpu_p50_ms']} / {dq['cpu_p95_ms']}"
                )
        for e in w.get("export", []):
            print(
                f"{'export phrase':24}{e['query']} {e['rows']:,} rows in {e['export_s']} s, "
                f"peak RSS {e['peak_rss_mb']} MB (after opening the index {e['rss_after_open_mb']} MB)"
            )
        if "incremental_visible_s" in w:
            print(
                f"{'incremental visible s':24}{max(w['incremental_visible_s']):>22}"
                f"   (max of {w['incremental_visible_s']})"
            )
        if "postgres" in r:
            _print_postgres(r["postgres"], w)


def _load(load: tuple) -> str:
    return " ".join(f"{x:.2f}" for x in load)


def _print_queries(w: dict, s: dict | None) -> None:
    """Page 1 of each query type; beside the SQLite baseline's when it was measured (--only sqlite)."""
    for kind in QUERY_TYPES:
        wq = w["queries"][kind]
        row = f"{kind + ' p50/p95 ms':24}{wq['p50_ms']:>10} / {wq['p95_ms']:<9}"
        if s:
            sq = s["queries"][kind]
            row += f"{sq['p50_ms']:>10} / {sq['p95_ms']:<9}{wq['p95_ms'] / max(sq['p95_ms'], 0.01):>12.2f}"
        print(row)
    print(
        f"{'Whoosh CPU p50/p95 ms':24}"
        + "  ".join(
            f"{k}={w['queries'][k]['cpu_p50_ms']}/{w['queries'][k]['cpu_p95_ms']}" for k in QUERY_TYPES
        )
    )
    if not s:
        return
    print(
        f"{'SQLite CPU p50/p95 ms':24}"
        + "  ".join(
            f"{k}={s['queries'][k]['cpu_p50_ms']}/{s['queries'][k]['cpu_p95_ms']}" for k in QUERY_TYPES
        )
    )


def _print_postgres(p: dict, w: dict) -> None:
    print(
        f"\n{'PostgresBackend':24}{'page 1 p50/p95 ms':>22}{'page 50 p50/p95':>22}{'p95 PG/Whoosh 1, 50':>20}"
    )
    print(f"{'build docs/s':24}{p.get('build_docs_per_s', 'kept copy'):>22}")
    for kind in QUERY_TYPES:
        pq, dq = p["queries"][kind], p["deep_page"][kind]
        ratios = ""
        if "queries" in w:
            ratios = (
                f"{pq['p95_ms'] / max(w['queries'][kind]['p95_ms'], 0.01):>8.2f}"
                f"{dq['p95_ms'] / max(w['deep_page'][kind]['p95_ms'], 0.01):>8.2f}"
            )
        print(
            f"{kind:24}{pq['p50_ms']:>10} / {pq['p95_ms']:<9}{dq['p50_ms']:>10} / {dq['p95_ms']:<9}{ratios}"
        )
    for e in p.get("export", []):
        print(
            f"{'export phrase':24}{e['query']} {e['rows']:,} rows in {e['export_s']} s, "
            f"peak RSS {e['peak_rss_mb']} MB (after opening {e['rss_after_open_mb']} MB)"
        )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.search", description=__doc__)
    parser.add_argument("--sizes", default="10000,100000", help="comma-separated corpus sizes")
    parser.add_argument("--quick", action="store_true", help="2,000 leaflets and 20 queries per type")
    parser.add_argument("--iterations", type=int, default=100, help="queries per type and size")
    parser.add_argument(
        "--no-cache", action="store_true", help="regenerate corpora instead of reusing bench/out"
    )
    parser.add_argument(
        "--no-baseline-build",
        action="store_true",
        help="skip the one-process build measured for the build-speed ratio",
    )
    parser.add_argument(
        "--no-postgres", action="store_true", help="skip PostgresBackend (it needs the PostgreSQL server)"
    )
    parser.add_argument(
        "--only",
        help=f"comma-separated parts to measure, of {','.join(PARTS)} (default all; the bulk build always "
        "runs)",
    )
    parser.add_argument("--workdir", help="where indexes are built (default: a temporary directory)")
    args = parser.parse_args(argv)
    parts = tuple(
        p for p in (args.only.split(",") if args.only else PARTS) if p != "postgres" or not args.no_postgres
    )
    unknown = set(parts) - set(PARTS)
    if unknown:
        parser.error(f"--only: unknown part(s) {', '.join(sorted(unknown))}; choose from {', '.join(PARTS)}")
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(message)s")
    logging.getLogger("alembic").setLevel(logging.WARNING)
    sizes = [2000] if args.quick else [int(s) for s in args.sizes.split(",")]
    iterations = 20 if args.quick else args.iterations
    workdir = Path(args.workdir or tempfile.mkdtemp(prefix="bench-search-"))
    workdir.mkdir(parents=True, exist_ok=True)
    try:
        results = [
            bench_size(
                size,
                iterations,
                not args.no_cache and not args.quick,
                workdir,
                baseline_build=not args.no_baseline_build,
                parts=parts,
            )
            for size in sizes
        ]
    finally:
        if not args.workdir:
            shutil.rmtree(workdir, ignore_errors=True)
    print_table(results)
    OUT.mkdir(parents=True, exist_ok=True)
    stamp = datetime.now(timezone.utc).strftime("%Y%m%dT%H%M%SZ")
    out = OUT / f"search-{stamp}.json"
    meta = {"when": stamp, "cpus": os.cpu_count(), "load_average_at_end": os.getloadavg(), "results": results}
    out.write_text(json.dumps(meta, indent=2, default=str))
    print(f"\nwrote {out}")
    return 0
