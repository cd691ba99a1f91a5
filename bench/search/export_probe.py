"""Run in a fresh process by run.py: export every match of one query, report time and peak RSS.

`python -m bench.search.export_probe INDEX_DIR TEXT` exports from a Whoosh index: rows are written as JSON
lines to /dev/null from the stored payloads, 100 ids at a time, as the app's export streams them.
`python -m bench.search.export_probe --postgres DSN TEXT` does the same from PostgresBackend, each chunk's
rows read from its search table in one query. Prints one JSON line.
"""

from __future__ import annotations

import json
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager

import psycopg

from search import PostgresBackend, SearchQuery, WhooshBackend
from search.postgres_backend import TABLE

CHUNK = 100
Writer = Callable[[list[int]], list[str]]


def main(source: str, text: str, postgres: bool = False) -> dict:
    opened = _postgres(source) if postgres else _whoosh(source)
    with opened as (backend, rows_of):
        rss_open = _peak_rss_kb()
        start = time.perf_counter()
        rows = 0
        with open("/dev/null", "w") as sink:
            for chunk in _chunks(backend.ids(SearchQuery(text=text, sort="newest"))):
                for line in rows_of(chunk):
                    sink.write(line)
                rows += len(chunk)
        seconds = time.perf_counter() - start
    peak = _peak_rss_kb()
    return {
        "backend": "postgres" if postgres else "whoosh",
        "query": text,
        "rows": rows,
        "export_s": round(seconds, 2),
        "peak_rss_mb": round(peak / 1024, 1),
        "rss_after_open_mb": round(rss_open / 1024, 1),
    }


def _chunks(ids: Iterator[int]) -> Iterator[list[int]]:
    chunk: list[int] = []
    for leaflet_id in ids:
        chunk.append(leaflet_id)
        if len(chunk) == CHUNK:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


@contextmanager
def _whoosh(index_dir: str) -> Iterator[tuple[WhooshBackend, Writer]]:
    backend = WhooshBackend(index_dir)
    docnums = _docnums(backend)

    def rows_of(chunk: list[int]) -> list[str]:
        with backend._read_lock:
            searcher = backend._current_view().searcher
            return [
                json.dumps(searcher.stored_fields(docnums[i])["payload"], default=str) + "\n" for i in chunk
            ]

    try:
        yield backend, rows_of
    finally:
        backend.close()


@contextmanager
def _postgres(dsn: str) -> Iterator[tuple[PostgresBackend, Writer]]:
    backend = PostgresBackend(dsn)
    conn = psycopg.connect(dsn)

    def rows_of(chunk: list[int]) -> list[str]:
        cur = conn.execute(
            f"SELECT to_jsonb(d) - 'tsv' FROM {TABLE} AS d WHERE leaflet_id = ANY(%s)", [chunk]
        )
        return [json.dumps(row[0], default=str) + "\n" for row in cur]

    try:
        yield backend, rows_of
    finally:
        conn.close()
        backend.close()


def _peak_rss_kb() -> int:
    """VmHWM: this program's own peak (ru_maxrss would include the parent's memory from before exec)."""
    for line in open("/proc/self/status"):
        if line.startswith("VmHWM:"):
            return int(line.split()[1])
    return 0


def _docnums(backend: WhooshBackend) -> dict[int, int]:
    """leaflet id -> docnum of live documents, read once (the stored copies are fetched by docnum)."""
    with backend._read_lock:
        view = backend._current_view()
        live = view.live.nonzero()[0]
        return dict(zip(view.leaflet_ids[live].tolist(), live.tolist()))


if __name__ == "__main__":
    args = sys.argv[1:]
    pg = args[0] == "--postgres"
    print(json.dumps(main(args[1 if pg else 0], args[-1], postgres=pg)))
