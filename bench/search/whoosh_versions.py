"""Compare Whoosh builds under WhooshBackend: run once per installed `whoosh` (PYTHONPATH picks it).

.venv/bin/python -m bench.search.whoosh_versions                      # whoosh-reloaded from .venv
PYTHONPATH=/tmp/w274only .venv/bin/python -m bench.search.whoosh_versions   # Whoosh 2.7.4 copied there
"""

from __future__ import annotations

import json
import tempfile
import time

import whoosh
from whoosh import index, qparser
from whoosh.analysis import StemmingAnalyzer
from whoosh.fields import ID, TEXT, Schema

from search import SearchQuery, WhooshBackend

from .corpus import Corpus
from .run import make_queries, summary, timed, whoosh_query


def main(size: int = 5000) -> None:
    docs = list(Corpus(seed=3).documents(size))
    out: dict = {"whoosh": whoosh.versionstring(), "size": size}
    with WhooshBackend(tempfile.mkdtemp() + "/ix") as backend:
        start = time.perf_counter()
        backend.rebuild(docs)
        out["backend_build_docs_per_s"] = round(size / (time.perf_counter() - start), 1)
        backend.search(SearchQuery(text="council"))
        times = timed(make_queries(docs, 40, seed=1), lambda p: backend.search(whoosh_query(p)))
        out["backend_queries"] = {k: summary(v)["p95_ms"] for k, v in times.items()}
    # plain Whoosh as the library ships it: stemming TEXT fields, QueryParser, exact totals
    ix = index.create_in(
        tempfile.mkdtemp(), Schema(id=ID(stored=True), text=TEXT(analyzer=StemmingAnalyzer()))
    )
    start = time.perf_counter()
    with ix.writer(limitmb=256) as writer:
        for d in docs:
            writer.add_document(id=str(d.leaflet_id), text=d.text)
    out["plain_build_docs_per_s"] = round(size / (time.perf_counter() - start), 1)
    with ix.searcher() as searcher:
        parser = qparser.QueryParser("text", ix.schema)
        lat = []
        for text in ["pothole", '"council tax"', "nurses hospital", "*ax", "(((", 'a "b']:
            start = time.perf_counter()
            results = searcher.search(parser.parse(text), limit=20)
            lat.append((text, len(results), round((time.perf_counter() - start) * 1000, 1)))
        out["plain_queries(text, hits, ms)"] = lat
    print(json.dumps(out, indent=1))


if __name__ == "__main__":
    main()
