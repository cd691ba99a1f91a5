"""Run in a fresh process by run.py: export every match of one query from an index, report time and peak RSS.

`python -m bench.search.export_probe INDEX_DIR TEXT` prints one JSON line. Rows are written as JSON lines to
/dev/null from the stored payloads, 100 ids at a time, as the app's export streams them.
"""
from __future__ import annotations

import json
import resource
import sys
import time

from search import SearchQuery, WhooshBackend

CHUNK = 100


def main(index_dir: str, text: str) -> dict:
    backend = WhooshBackend(index_dir)
    rss_open = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    start = time.perf_counter()
    rows = 0
    with open("/dev/null", "w") as sink:
        ids = backend.ids(SearchQuery(text=text, sort="newest"))
        chunk = []
        for leaflet_id in ids:
            chunk.append(leaflet_id)
            if len(chunk) == CHUNK:
                rows += _write(backend, chunk, sink)
                chunk = []
        rows += _write(backend, chunk, sink)
    seconds = time.perf_counter() - start
    backend.close()
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return {"query": text, "rows": rows, "export_s": round(seconds, 2), "peak_rss_mb": round(peak / 1024, 1),
            "rss_after_open_mb": round(rss_open / 1024, 1)}


def _write(backend: WhooshBackend, chunk: list[int], sink) -> int:
    for res in _payloads(backend, chunk):
        sink.write(json.dumps(res, default=str) + "\n")
    return len(chunk)


def _payloads(backend: WhooshBackend, chunk: list[int]):
    """The stored document of each id (what a row is made from)."""
    with backend._read_lock:
        view = backend._current_view()
        searcher = view.searcher
        for leaflet_id in chunk:
            docnum = searcher.document_number(lid=str(leaflet_id))
            yield searcher.stored_fields(docnum)["payload"]


if __name__ == "__main__":
    print(json.dumps(main(sys.argv[1], sys.argv[2])))
