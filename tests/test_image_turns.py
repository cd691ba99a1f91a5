"""Turned photos: new files under new URLs, the API's upright size, duplicates found by the uploaded bytes,
no orphaned folders, a turn racing an OCR run, and rows from before migration 0006."""

from __future__ import annotations

import io
from datetime import date, datetime
from pathlib import Path
from typing import Any, Callable, Iterator

import pytest
from flask import Flask
from flask.testing import FlaskClient
from flask_migrate import upgrade
from PIL import Image
from sqlalchemy import select, text

from leaflets import create_app, runtime
from leaflets.extensions import db
from leaflets.models import Leaflet, LeafletImage
from leaflets.ocr_queue import jobs, runner
from leaflets.ocr_queue.worker import Worker
from leaflets.services import moderation, sweeping
from tests import support
from tests.factories import make_user
from tests.support import (
    FAST,
    PAGE,
    both_databases,
    leaflet_image,
    log_in,
    served,
    settings_of,
    sideways,
    upload,
)

SPREAD = ["VOTE FOR BETTER BUSES", "Fix our potholes now", "Save the library"]


def folders(app: Flask) -> set[str]:
    return set(runtime.storage().all_shas())


@both_databases
def test_a_moderators_turn_changes_the_served_bytes_urls_and_size(app: Flask, client: FlaskClient) -> None:
    body = upload(client, leaflet_image(SPREAD, size=(300, 420)))
    before = body["images"][0]
    old_bytes = {variant: served(client, url)[1] for variant, url in before["urls"].items()}
    moderator = app.test_client()
    log_in(moderator, make_user("moderator"))
    assert moderator.post(f"/moderate/images/{before['id']}/rotate").status_code == 302

    after = client.get(f"/api/v1/leaflets/{body['id']}").get_json()["images"][0]
    assert (after["width"], after["height"]) == (420, 300) and after["sha256"] == before["sha256"]
    assert after["ocr_status"] == "pending"  # read again
    for variant, url in after["urls"].items():
        assert url != before["urls"][variant]
        status, data = served(client, url)
        assert status == 200 and data != old_bytes[variant]
        with Image.open(io.BytesIO(data)) as picture:
            assert picture.width > picture.height  # landscape now
        assert served(client, before["urls"][variant])[0] == 404  # the old files are gone
    with client.get(after["urls"]["display"]) as response:
        # New bytes under a new URL, so no cache can show the old picture; still revalidated (hiding recalls
        # it).
        assert response.headers["Cache-Control"].startswith("public, max-age=") and response.headers["ETag"]
    assert folders(app) == {after["urls"]["master"].split("/")[-2]}


@both_databases
def test_the_same_photo_uploaded_after_its_turn_is_a_duplicate_with_the_turned_files(
    make_app: Callable[..., Flask],
) -> None:
    app = make_app(**FAST)
    with app.app_context():
        client = app.test_client()
        photo = sideways(leaflet_image(PAGE, size=(620, 877)))
        first = upload(client, photo)
        assert Worker(app, settings_of(app), "w").run(max_jobs=1) == 1  # OCR turns it upright
        again = upload(client, photo)
        original, copy = (db.session.get(LeafletImage, body["images"][0]["id"]) for body in (first, again))
        assert copy.sha256 == original.sha256 and copy.stored_sha256 == original.stored_sha256
        assert (copy.width, copy.height, copy.rotation) == (620, 877, 90)
        assert copy.ocr_status == "done" and "POTHOLES" in copy.text.upper()  # not read twice
        assert db.session.get(Leaflet, again["id"]).duplicate_of_id == first["id"]
        assert folders(app) == {original.stored_sha256}


@both_databases
def test_sweep_keeps_every_served_folder_and_removes_leftovers(app: Flask, client: FlaskClient) -> None:
    body = upload(client, leaflet_image(SPREAD, size=(300, 420)))
    moderator = app.test_client()
    log_in(moderator, make_user("moderator"))
    moderator.post(f"/moderate/images/{body['images'][0]['id']}/rotate")
    served_key = db.session.scalar(select(LeafletImage.stored_sha256))
    leftover = "ab" * 32  # as a crash between writing turned files and storing the row would leave
    for variant in ("master", "display", "thumb"):
        runtime.storage().put(leftover, variant, leaflet_image(size=(64, 64)), "image/jpeg")
    assert sweeping.sweep_orphans(min_age_s=0) == [leftover]
    assert folders(app) == {served_key}


def test_a_turn_while_ocr_runs_drops_the_runs_result_and_files(
    make_app: Callable[..., Flask], monkeypatch: pytest.MonkeyPatch
) -> None:
    app = make_app(**FAST)
    with app.app_context():
        client = app.test_client()
        image_id = upload(client, sideways(leaflet_image(PAGE, size=(620, 877))))["images"][0]["id"]
        moderator = make_user("moderator")
        recognise = runner.ocr.recognise

        def read_then_a_moderator_turns(*args: Any, **kwargs: Any) -> Any:
            result = recognise(*args, **kwargs)
            with app.app_context():  # meanwhile a moderator turns it twice (upside down, as it happens)
                moderation.rotate_image(image_id, moderator)
                moderation.rotate_image(image_id, moderator)
            return result

        monkeypatch.setattr(runner.ocr, "recognise", read_then_a_moderator_turns)
        job = jobs.claim(image_id, "slow", settings_of(app))
        assert job is not None
        assert runner.run_job(job, settings_of(app)) is None  # its upright turn lost to the moderator's
        db.session.expire_all()
        image = db.session.get(LeafletImage, image_id)
        assert (image.rotation, image.rotation_manual, image.ocr_status) == (180, True, "pending")
        assert (image.width, image.height) == (877, 620)
        assert folders(app) == {image.stored_sha256}  # the dropped run's turned files are gone too


@pytest.fixture
def empty_database(database_url: str, tmp_path: Path) -> Iterator[str]:
    """A database with no tables, of the test's kind, to migrate step by step."""
    with support.empty_database(database_url, tmp_path) as url:
        yield url


OLD_ROWS = [
    "INSERT INTO area (id, gss, name, kind, nation, region) VALUES (1, 'E1', 'A', 'k', 'England', 'R')",
    "INSERT INTO election (id, slug, name, date, kind) VALUES (1, 'e', 'E', :day, 'general')",
    "INSERT INTO leaflet (id, title, description, area_id, election_id, delivered_on, uploaded_at, "
    "updated_at, status) VALUES (1, 't', '', 1, 1, :day, :now, :now, 'live')",
    "INSERT INTO leaflet_image (id, leaflet_id, position, role, sha256, width, height, mime, byte_size, "
    "rotation, ocr_status, ocr_attempts, created_at) "
    "VALUES (1, 1, 0, 'front', :sha, 300, 400, 'image/jpeg', 10, 90, 'done', 1, :now)",
]


@both_databases
def test_rows_from_before_0006_keep_their_files_and_reset_the_old_rotation(
    empty_database: str, tmp_path: Path
) -> None:
    app = create_app(
        {
            "SQLALCHEMY_DATABASE_URI": empty_database,
            "TESTING": True,
            "SECRET_KEY": "x",
            "UPLOAD_DIR": str(tmp_path / "u"),
            "INDEX_DIR": str(tmp_path / "i"),
            "OCR_START_WORKERS": False,
        }
    )
    with app.app_context():
        upgrade(revision="0004")
        values = {"day": date(2024, 6, 1), "now": datetime(2024, 6, 1), "sha": "cd" * 32}
        for statement in OLD_ROWS:
            db.session.execute(text(statement), {k: v for k, v in values.items() if f":{k}" in statement})
        db.session.commit()
        upgrade()
        image = db.session.get(LeafletImage, 1)
        # a turn recorded the old way never turned the files: they are served as they are, unturned
        assert (image.stored_sha256, image.rotation, image.rotation_manual) == (values["sha"], 0, False)
        assert (image.ocr_priority, image.ocr_submitter, image.ocr_readable) == (0, "", None)
        assert image.text_status == "read"
        db.session.remove()
        db.engine.dispose()
