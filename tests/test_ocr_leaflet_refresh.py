"""A leaflet's photos read one by one: each text searchable at once, compare's rows (and near-duplicate
links) refreshed once, when the leaflet's last photo is read or fails for good."""

from __future__ import annotations

import zlib
from typing import Callable

from flask import Flask

from leaflets import runtime
from leaflets.extensions import db
from leaflets.models import CompareText
from leaflets.ocr_queue.worker import Worker
from search.types import SearchQuery
from tests.factories import image_row, pending_leaflet
from tests.support import FAST, PAGE, SIZE, both_databases, flush, leaflet_image, settings_of

BACK = ["Bring back the night bus", "Save our swimming pool", "Vote for a greener town", "on Thursday 4 July"]


def found(word: str) -> set[int]:
    flush()
    return {hit.leaflet_id for hit in runtime.search_backend().search(SearchQuery(text=word)).hits}


def compare_words(leaflet_id: int) -> str | None:
    """The leaflet's text as compare analysed it (None: no row yet)."""
    db.session.expire_all()
    row = db.session.get(CompareText, leaflet_id)
    return None if row is None else zlib.decompress(row.tokens).decode()


@both_databases
def test_each_photo_searchable_at_once_and_compare_after_the_last(make_app: Callable[..., Flask]) -> None:
    app = make_app(**FAST)
    with app.app_context():
        leaflet_id, _ids = pending_leaflet([leaflet_image(PAGE, size=SIZE), leaflet_image(BACK, size=SIZE)])
        worker = Worker(app, settings_of(app), "w")
        assert worker.step() is True  # the front
        assert leaflet_id in found("potholes")
        assert compare_words(leaflet_id) is None  # the back still waits: no analysis of half a leaflet
        assert worker.step() is True  # the back, the leaflet's last photo
        assert leaflet_id in found("swimming")
        words = compare_words(leaflet_id)
    assert words is not None and "pothol" in words and "swim" in words


def test_a_last_photo_failing_for_good_still_refreshes_compare(make_app: Callable[..., Flask]) -> None:
    app = make_app(**FAST, OCR_MAX_ATTEMPTS=1)
    with app.app_context():
        leaflet_id, [_front, back] = pending_leaflet(
            [leaflet_image(PAGE, size=SIZE), leaflet_image(["x"], size=(64, 64))]
        )
        path, _mime = runtime.storage().find(image_row(back).sha256, "master")
        path.write_bytes(b"\xff\xd8\xff not really a jpeg")
        assert Worker(app, settings_of(app), "w").run(stop_when_idle=True) == 2
        assert image_row(back).ocr_status == "failed"
        words = compare_words(leaflet_id)
    assert words is not None and "pothol" in words
