"""Work a web worker process does once, as it starts and before it takes a request, so that no reader pays
for it (scale: at 100,000 leaflets a worker's first search opened the index for 0.7 s of CPU, its first /stats
counted the archive for 0.2 s, and each template compiled on its first page; with two workers, one reader in
two met one of these after every restart).

Nothing here is needed for correctness: a failure (say the database is not up yet) is logged and the worker
starts anyway, paying on first use as before.
"""

from __future__ import annotations

import gc
import logging
from typing import Callable

from flask import Flask

from leaflets.extensions import db
from leaflets.services import archive_counts, search_service
from search import SearchQuery

log = logging.getLogger(__name__)
# Any word: the search opens the index (Whoosh: its arrays; PostgreSQL: the backend's statements).
WARMING_SEARCH = SearchQuery(text="leaflet", per_page=1, facets=True, suggest=False)


def compile_templates(app: Flask) -> int:
    """Compile every template into the environment's cache; returns how many."""
    names = app.jinja_env.list_templates()
    for name in names:
        app.jinja_env.get_template(name)
    return len(names)


def warm(app: Flask, beat: Callable[[], None] = lambda: None) -> list[str]:
    """Open the search index, count the archive for /stats and compile the templates; then freeze what the
    process holds so far out of the garbage collector's reach (it lives as long as the process, and a full
    collection walking it took 0.1 s of a request). `beat` is called after each step (gunicorn's heartbeat: a
    worker silent for --timeout is killed). Returns the steps that failed."""
    failed = []
    steps = (
        ("search", lambda: search_service.run(WARMING_SEARCH)),
        ("stats counts", archive_counts.cached_counts),
        ("templates", lambda: compile_templates(app)),
    )
    with app.app_context():
        for name, step in steps:
            try:
                step()
            except Exception as error:  # a cold cache is slower, never wrong: the worker still starts
                failed.append(name)
                log.warning("worker warm-up step failed", extra={"step": name, "error": repr(error)})
            beat()
        db.session.remove()
    gc.freeze()
    return failed
