"""Racing uploads of the same photo end as one original and deliveries of it (a unique claim on the hash).

Issue 13: 10 parallel uploads of the same small image ended as up to 6 separate originals, each OCR'd.
"""

from __future__ import annotations

from collections import Counter
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import func, select

from leaflets.extensions import db
from leaflets.models import Leaflet, LeafletImage
from tests import upload_race
from tests.support import both_databases, leaflet_image, multipart, upload_fields

AREAS = ["E14001063", "E14001064", "E14001065"]


def _one_original_and_deliveries(results: list[tuple[int, dict[str, Any]]], sha256: str) -> None:
    assert [status for status, _ in results] == [201] * len(results), results
    originals = [body["id"] for _, body in results if body["duplicate_of"] is None]
    assert len(originals) == 1, Counter(body["duplicate_of"] for _, body in results)
    assert sorted(body["duplicate_of"] for _, body in results if body["duplicate_of"] is not None) == [
        originals[0]
    ] * (len(results) - 1)
    db.session.rollback()  # see the other connections' commits
    claims = db.session.scalars(select(LeafletImage.leaflet_id).where(LeafletImage.original_sha256 == sha256))
    assert list(claims) == originals
    assert db.session.scalar(select(func.count(Leaflet.id))) == len(results)


@both_databases
def test_ten_threads_uploading_the_same_photo_make_one_original(app: Flask) -> None:
    photo = leaflet_image(["THE SAME LEAFLET", "ten times at once"], size=(500, 700))
    results = upload_race.from_threads(app, photo, 10, AREAS[0])
    _one_original_and_deliveries(results, results[0][1]["images"][0]["sha256"])


@both_databases
def test_four_processes_uploading_the_same_photo_make_one_original(app: Flask) -> None:
    photo = leaflet_image(["THE SAME LEAFLET", "from four workers"], size=(500, 700))
    keys = (
        "TESTING",
        "SECRET_KEY",
        "SQLALCHEMY_DATABASE_URI",
        "UPLOAD_DIR",
        "INDEX_DIR",
        "OCR_START_WORKERS",
        "RATELIMIT_ENABLED",
        "WTF_CSRF_ENABLED",
        "SERVER_NAME",
    )
    config = {key: app.config[key] for key in keys}
    config["SQLALCHEMY_DATABASE_URI"] = app.config["SQLALCHEMY_DATABASE_URI"].replace("+psycopg", "")
    results = upload_race.from_processes(config, photo, 4, AREAS[1])
    _one_original_and_deliveries(results, results[0][1]["images"][0]["sha256"])


@pytest.mark.parametrize("copies", [2, 3])
def test_the_same_photo_twice_in_one_upload_is_one_original(app: Flask, copies: int) -> None:
    photo = leaflet_image(["FRONT AND BACK ALIKE"], size=(400, 560))
    response = app.test_client().post(
        "/api/v1/leaflets",
        data=multipart(upload_fields(), [(photo, "a.jpg")] * copies),
        content_type="multipart/form-data",
    )
    assert response.status_code == 201, response.get_json()
    body = response.get_json()
    assert body["duplicate_of"] is None and len(body["images"]) == copies
    assert db.session.scalar(select(func.count()).where(LeafletImage.original_sha256.is_not(None))) == 1


def test_a_later_upload_with_one_new_photo_claims_only_that_one(app: Flask) -> None:
    client = app.test_client()
    old, new = leaflet_image(["OLD FRONT"], size=(400, 560)), leaflet_image(["NEW BACK"], size=(400, 560))

    def post(photos: list[tuple[bytes, str]]) -> dict[str, Any]:
        return client.post(
            "/api/v1/leaflets", data=multipart(upload_fields(), photos), content_type="multipart/form-data"
        ).get_json()

    first = post([(old, "a.jpg")])
    second = post([(old, "a.jpg"), (new, "b.jpg")])
    assert second["duplicate_of"] is None  # not every photo was seen before: a leaflet of its own
    claims = dict(
        db.session.execute(
            select(LeafletImage.sha256, LeafletImage.leaflet_id).where(
                LeafletImage.original_sha256.is_not(None)
            )
        ).all()
    )
    assert claims == {first["images"][0]["sha256"]: first["id"], second["images"][1]["sha256"]: second["id"]}
