"""A full or read-only disk is a readable 503 that keeps the voter's form and photos; nothing half-written.

Issue 13: a full or read-only upload folder gave a generic 500 and the web voter lost the form. The disks here
are real: a tmpfs filled to its last byte (ENOSPC), a read-only bind mount (EROFS) or chmod (EACCES), and for
the database a SQLite file on a full tmpfs or a PostgreSQL database that refuses writes.
"""

from __future__ import annotations

import re
import shutil
from contextlib import ExitStack, contextmanager
from pathlib import Path
from typing import Any, Callable, Iterator

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select
from sqlalchemy.engine import make_url

from leaflets.extensions import db
from leaflets.models import Leaflet, LeafletImage
from leaflets.services import upload_staging
from tests import mounts
from tests.support import both_databases, leaflet_image, multipart, pg_admin, upload_fields
from tests.support import upload_through_api as upload_api

STAGED = re.compile(r'name="staged" value="([^"]+)"')
FAILURES = ["read-only", "full"]


@contextmanager
def unwritable(folder: Path, failure: str) -> Iterator[None]:
    """Make the upload folder refuse writes the way a real disk does."""
    if failure == "read-only":
        with mounts.read_only(folder):
            yield
        return
    with mounts.tiny_tmpfs(folder, 256):
        mounts.fill(folder)
        yield


def counts() -> tuple[int, int]:
    db.session.rollback()
    return (
        db.session.scalar(select(func.count(Leaflet.id))) or 0,
        db.session.scalar(select(func.count(LeafletImage.id))) or 0,
    )


def post_form(client: FlaskClient, photos: list[bytes], **fields: Any) -> Any:
    data = multipart(upload_fields(**fields), [(photo, f"photo{n}.jpg") for n, photo in enumerate(photos)])
    return client.post("/upload", data=data, content_type="multipart/form-data")


@both_databases
@pytest.mark.parametrize("failure", FAILURES)
def test_the_upload_page_answers_503_and_keeps_what_the_voter_typed(
    app: Flask, client: FlaskClient, failure: str
) -> None:
    with unwritable(Path(app.config["UPLOAD_DIR"]), failure):
        response = post_form(
            client,
            [leaflet_image()],
            title="Potholes on Mill Lane",
            party="green",
            description="Came on Tuesday",
        )
    assert response.status_code == 503
    page = response.get_data(as_text=True)
    cause = "read-only" if failure == "read-only" else "full"
    assert f"storage is {cause} just now" in page and "please try again" in page
    assert 'value="Potholes on Mill Lane"' in page and '<option value="green" selected>' in page
    assert "Came on Tuesday</textarea>" in page
    assert counts() == (0, 0)


@both_databases
@pytest.mark.parametrize("failure", FAILURES)
def test_the_api_answers_a_json_503(app: Flask, client: FlaskClient, failure: str) -> None:
    with unwritable(Path(app.config["UPLOAD_DIR"]), failure):
        response = upload_api(client)
    assert response.status_code == 503
    error = response.get_json()["error"]
    assert error["code"] == "storage_unavailable" and "try again" in error["message"]
    assert counts() == (0, 0)


def test_photos_kept_from_an_earlier_attempt_survive_a_full_disk(app: Flask, client: FlaskClient) -> None:
    with mounts.tiny_tmpfs(Path(app.config["UPLOAD_DIR"]), 2048) as folder:
        first = post_form(client, [leaflet_image(["FRONT PAGE"])], party="")  # forgot the party
        assert first.status_code == 422
        token = STAGED.search(first.get_data(as_text=True)).group(1)
        filler = mounts.fill(folder)
        new_photo = leaflet_image(["A NEW BACK PAGE"])
        data = multipart({**upload_fields(), "staged": token}, [(new_photo, "b.jpg")])
        second = client.post("/upload", data=data, content_type="multipart/form-data")
        assert second.status_code == 503
        page = second.get_data(as_text=True)
        kept = STAGED.search(page).group(1)
        assert "We kept your 1 photo" in page and upload_staging.verify(kept) == upload_staging.verify(token)
        assert counts() == (0, 0)
        filler.unlink()  # the operator makes room; the voter sends the form again
        third = client.post("/upload", data={**upload_fields(), "staged": kept})
        assert third.status_code == 302
        assert counts() == (1, 1)


def fresh_connections() -> None:
    """Requests here share the test's app context and so its session: let go of its connection too."""
    db.session.remove()
    db.engine.dispose()


@contextmanager
def app_on_a_database_that_refuses_writes(
    make_app: Callable[..., Flask], database_url: str, tmp_path: Path
) -> Iterator[tuple[Flask, Callable[[], None]]]:
    """An app whose database cannot write: SQLite on a full tmpfs, or PostgreSQL set read-only. Yields the app
    (with its context pushed) and a function that makes the database writable again."""
    url = make_url(database_url)
    with ExitStack() as stack:
        if url.get_backend_name() == "postgresql":
            app = make_app()
            stack.enter_context(app.app_context())
            pg_admin(f'ALTER DATABASE "{url.database}" SET default_transaction_read_only = on')
            stack.callback(pg_admin, f'ALTER DATABASE "{url.database}" RESET default_transaction_read_only')
            fresh_connections()  # new connections take the setting
            yield (
                app,
                lambda: pg_admin(f'ALTER DATABASE "{url.database}" RESET default_transaction_read_only'),
            )
            return
        source = Path(url.database or "")
        size_kb = source.stat().st_size // 1024 + 2048
        disk = stack.enter_context(mounts.tiny_tmpfs(tmp_path / "database-disk", size_kb))
        shutil.copy(source, disk / source.name)
        app = make_app(SQLALCHEMY_DATABASE_URI=f"sqlite:///{disk / source.name}")
        stack.enter_context(app.app_context())
        stack.callback(db.engine.dispose)
        assert app.test_client().get("/upload").status_code == 200  # opened: WAL and shared memory exist
        yield app, mounts.fill(disk).unlink


@both_databases
def test_a_database_that_cannot_write_keeps_the_stored_photos_for_the_retry(
    make_app: Callable[..., Flask], database_url: str, tmp_path: Path
) -> None:
    with app_on_a_database_that_refuses_writes(make_app, database_url, tmp_path) as (app, make_room):
        client = app.test_client()
        response = post_form(client, [leaflet_image(["FRONT PAGE"])], title="Kept title")
        assert response.status_code == 503
        page = response.get_data(as_text=True)
        assert "We could not save your leaflet" in page and "We kept your 1 photo" in page
        assert 'value="Kept title"' in page
        token = STAGED.search(page).group(1)
        make_room()
        fresh_connections()
        again = client.post("/upload", data={**upload_fields(), "staged": token})
        assert again.status_code == 302
        assert counts() == (1, 1)


def test_a_database_too_busy_to_take_the_write_is_a_readable_503(tmp_path: Path) -> None:
    """Issue 13's burst on main: an upload waited out SQLite's busy_timeout behind other writers and got a
    500. Here a real second connection holds the write lock and ours gives up at once."""
    import sqlite3

    from sqlalchemy import create_engine, text
    from sqlalchemy.exc import OperationalError

    from leaflets.services.storage_errors import as_storage_unavailable

    path = tmp_path / "busy.sqlite3"
    holder = sqlite3.connect(path, isolation_level=None)
    holder.execute("PRAGMA journal_mode=WAL")  # as the app's databases are
    holder.execute("CREATE TABLE t (x INTEGER)")
    holder.execute("BEGIN IMMEDIATE")  # another writer's transaction, still open
    engine = create_engine(f"sqlite:///{path}")
    try:
        with engine.connect() as connection:
            connection.execute(text("PRAGMA busy_timeout=0"))
            with pytest.raises(OperationalError) as raised:
                connection.execute(text("INSERT INTO t VALUES (1)"))
        unavailable = as_storage_unavailable(raised.value, "your photos")
        assert unavailable is not None and unavailable.status == 503
        assert "storage is busy just now" in unavailable.message and "try again" in unavailable.message
    finally:
        holder.execute("ROLLBACK")
        holder.close()
        engine.dispose()


def test_no_free_database_connection_is_a_readable_503_not_a_500(make_app: Callable[..., Flask]) -> None:
    """load6's profile: when every pooled connection is taken for pool_timeout, SQLAlchemy raises its pool
    TimeoutError, which was a 500. Here the pool's one connection is held by this test."""
    from sqlalchemy import text

    app = make_app(SQLALCHEMY_ENGINE_OPTIONS={"pool_size": 1, "max_overflow": 0, "pool_timeout": 0.2})
    client = app.test_client()
    with app.app_context():
        with db.engine.connect() as held:  # the pool's only connection
            held.execute(text("SELECT 1"))
            api = client.get("/api/v1/leaflets")
            page = client.get("/leaflets")
    assert api.status_code == 503, api.get_data(as_text=True)
    assert api.get_json()["error"]["code"] == "busy" and api.headers["Retry-After"] == "30"
    assert page.status_code == 503 and "very busy just now" in page.get_data(as_text=True)
    assert client.get("/api/v1/leaflets").status_code == 200  # the connection is back
