"""A web worker's warm-up (leaflets/warmup.py, run by gunicorn.conf.py before a worker's first request): the
index opened, /stats counted, every template compiled; a failing step is reported, never fatal."""

from __future__ import annotations

import gc
from pathlib import Path

import pytest

from leaflets.services import archive_counts
from leaflets.services_setup import shutdown
from leaflets.warmup import warm
from tests.factories import add_leaflet, uploaded_leaflet
from tests.support import each_backend, flush


@pytest.fixture(autouse=True)
def _unfreeze():
    yield
    gc.unfreeze()  # warm() freezes this test process's objects; give them back to the collector


def compiled(app) -> set[str]:
    return {name for _loader, name in app.jinja_env.cache.keys()}


@each_backend
def test_warm_opens_search_counts_the_archive_and_compiles_every_template(configured):
    configured.config["STATS_COUNTS_TTL_S"] = 3600
    uploaded_leaflet("Potholes on the high street", party="green")
    flush()
    assert compiled(configured) == set()

    beats = []
    assert warm(configured, lambda: beats.append(1)) == []
    assert len(beats) == 3  # gunicorn's heartbeat after each step

    assert compiled(configured) == set(configured.jinja_env.list_templates())
    assert gc.get_freeze_count() > 0
    add_leaflet("labour")
    # /stats reads the figures counted at warm-up (kept for STATS_COUNTS_TTL_S), not a count of its own
    assert archive_counts.stats().totals.leaflets == 1
    page = configured.test_client().get("/search?q=potholes")
    assert page.status_code == 200 and "1 leaflet matches" in page.get_data(as_text=True)


# Whoosh 2.7 leaves the table-of-contents file of a corrupt index open when it fails to read it.
@pytest.mark.filterwarnings("ignore::ResourceWarning", "ignore::pytest.PytestUnraisableExceptionWarning")
def test_a_failing_step_is_reported_and_the_others_still_run(make_app):
    first = make_app(SEARCH_BACKEND="whoosh")
    with first.app_context():
        uploaded_leaflet("Free school meals for every child")
        flush()
    shutdown(first)
    for path in Path(first.config["INDEX_DIR"]).rglob("*"):
        if path.is_file():
            path.write_bytes(b"not a whoosh segment")
    app = make_app(SEARCH_BACKEND="whoosh")

    assert warm(app) == ["search"]

    assert compiled(app) == set(app.jinja_env.list_templates())
    assert app.test_client().get("/search?q=meals").status_code == 503
    gc.collect()  # close the leaked file inside this test, where the warning is expected
