"""An upload's rows are written in one transaction (issue 13: each SQLite commit queues for its one writer).

The commits are observed on the app's real engine (SQLite, and PostgreSQL where marked) with SQLAlchemy's own
events: each transaction that wrote a row is recorded with the tables it wrote, so the test sees what the
database saw during one request.
"""

from __future__ import annotations

import re
from contextlib import contextmanager
from typing import Any, Callable, Iterator

from flask import Flask
from sqlalchemy import event, func, select

from leaflets.extensions import db
from leaflets.models import Leaflet, LeafletImage, PendingPhoto, PendingUpload
from tests import upload_race
from tests.support import BACKGROUND, both_databases, leaflet_image, multipart, upload_fields, upload_photos

_WRITE = re.compile(r'^\s*(?:INSERT\s+INTO|UPDATE|DELETE\s+FROM)\s+"?(\w+)', re.I)


@contextmanager
def write_transactions() -> Iterator[list[set[str]]]:
    """The committed transactions that wrote anything, each as the set of tables it wrote."""
    engine = db.engine
    committed: list[set[str]] = []
    open_writes: dict[int, set[str]] = {}

    def written(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        match = _WRITE.match(statement)
        if match:
            open_writes.setdefault(id(conn), set()).add(match.group(1))

    def commit(conn: Any) -> None:
        tables = open_writes.pop(id(conn), None)
        if tables:
            committed.append(tables)

    def rollback(conn: Any) -> None:
        open_writes.pop(id(conn), None)

    event.listen(engine, "after_cursor_execute", written)
    event.listen(engine, "commit", commit)
    event.listen(engine, "rollback", rollback)
    try:
        yield committed
    finally:
        event.remove(engine, "after_cursor_execute", written)
        event.remove(engine, "commit", commit)
        event.remove(engine, "rollback", rollback)


def count(model: Any) -> int:
    db.session.rollback()
    return db.session.scalar(select(func.count()).select_from(model)) or 0


@both_databases
def test_an_api_upload_of_two_new_photos_commits_once(make_app: Callable[..., Flask]) -> None:
    app = make_app(**BACKGROUND)
    with app.app_context():
        with write_transactions() as committed:
            upload_photos(app, leaflet_image(["ONE TRANSACTION"]), leaflet_image(["SECOND PAGE"]))
        assert len(committed) == 1, committed
        assert {"pending_photo", "leaflet", "leaflet_image", "pending_upload"} <= committed[0]
        assert (count(PendingPhoto), count(Leaflet), count(PendingUpload)) == (2, 1, 1)


def test_a_web_upload_commits_once(make_app: Callable[..., Flask]) -> None:
    app = make_app(**BACKGROUND)
    with app.app_context():
        data = multipart(upload_fields(), [(leaflet_image(["FROM THE FORM"]), "a.jpg")])
        with write_transactions() as committed:
            response = app.test_client().post("/upload", data=data, content_type="multipart/form-data")
        assert response.status_code == 302
        assert len(committed) == 1, committed
        assert {"pending_photo", "leaflet", "leaflet_image", "pending_upload"} <= committed[0]


@both_databases
def test_a_photo_already_held_is_held_once_and_still_one_commit(make_app: Callable[..., Flask]) -> None:
    app = make_app(**BACKGROUND)
    with app.app_context():
        photo = leaflet_image(["SENT TWICE"])
        upload_photos(app, photo)
        with write_transactions() as committed:
            upload_photos(app, photo)  # before any worker made its copies: a delivery of the first
        assert len(committed) == 1, committed
        assert "pending_photo" not in committed[0]
        assert (count(PendingPhoto), count(Leaflet)) == (1, 2)


def test_a_form_sent_back_keeps_its_held_photo_for_the_retry(make_app: Callable[..., Flask]) -> None:
    """No leaflet yet (the party was left out): the photo's row commits on its own, so the form's token finds
    it and the retry publishes it."""
    app = make_app(**BACKGROUND)
    with app.app_context():
        client = app.test_client()
        data = multipart(upload_fields(party=""), [(leaflet_image(["KEPT FOR THE RETRY"]), "a.jpg")])
        first = client.post("/upload", data=data, content_type="multipart/form-data")
        assert first.status_code == 422
        assert (count(PendingPhoto), count(Leaflet)) == (1, 0)
        token = re.search(r'name="staged" value="([^"]+)"', first.get_data(as_text=True))
        assert token is not None
        with write_transactions() as committed:
            again = client.post("/upload", data={**upload_fields(), "staged": token.group(1)})
        assert again.status_code == 302
        assert len(committed) == 1 and "pending_photo" not in committed[0]
        assert (count(PendingPhoto), count(Leaflet)) == (1, 1)


@both_databases
def test_ten_racing_uploads_of_one_photo_hold_it_once_and_make_one_original(
    make_app: Callable[..., Flask],
) -> None:
    """The photo's row is inserted with the leaflet's; the racers that lose the unique claim on the original
    are rebuilt as deliveries, and the row another racer inserted first stays the only one."""
    app = make_app(**BACKGROUND)
    with app.app_context():
        photo = leaflet_image(["RACING", "ten at once"], size=(500, 700))
        results = upload_race.from_threads(app, photo, 10, "E14001063")
        assert [status for status, _ in results] == [201] * 10, results
        originals = [body["id"] for _, body in results if body["duplicate_of"] is None]
        assert len(originals) == 1
        assert (count(PendingPhoto), count(Leaflet)) == (1, 10)
        claims = db.session.scalars(
            select(LeafletImage.leaflet_id).where(LeafletImage.original_sha256.isnot(None))
        )
        assert list(claims) == originals
