"""Run in a fresh process by run.py: export every match of one query from an index, report time and peak RSS.

`python -m bench.search.export_probe INDEX_DIR TEXT` prints one JSON line. Rows are written as JSON lines to
/dev/null from the stored payloads, 100 ids at a time, as the app's export streams them.
"""

from __future__ import annotations

import json
import sys
import time

from search import SearchQuery, WhooshBackend

CHUNK = 100


def main(index_dir: str, text: str) -> dict:
    backend = WhooshBackend(index_dir)
    docnums = _docnums(backend)
    rss_open = _peak_rss_kb()
    start = time.perf_counter()
    rows = 0
    with open("/dev/null", "w") as sink:
        ids = backend.ids(SearchQuery(text=text, sort="newest"))
        chunk = []
        for leaflet_id in ids:
            chunk.append(leaflet_id)
            if len(chunk) == CHUNK:
                rows += _write(backend, docnums, chunk, sink)
                chunk = []
        rows += _write(backend, docnums, chunk, sink)
    seconds = time.perf_counter() - start
    backend.close()
    peak = _peak_rss_kb()
    return {
        "query": text,
        "rows": rows,
        "export_s": round(seconds, 2),
        "peak_rss_mb": round(peak / 1024, 1),
        "rss_after_open_mb": round(rss_open / 1024, 1),
    }


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


def _write(backend: WhooshBackend, docnums: dict[int, int], chunk: list[int], sink) -> int:
    with backend._read_lock:
        searcher = backend._current_view().searcher
        for leaflet_id in chunk:
            sink.write(json.dumps(searcher.stored_fields(docnums[leaflet_id])["payload"], default=str) + "\n")
    return len(chunk)


if __name__ == "__main__":
    print(json.dumps(main(sys.argv[1], sys.argv[2])))
