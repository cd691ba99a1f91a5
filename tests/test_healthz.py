"""/healthz: 200 with every check when all is well; 503 naming the failing check otherwise, never a 500."""

from __future__ import annotations

from pathlib import Path
from typing import Callable

from flask import Flask

from leaflets.extensions import db
from leaflets.models import LeafletImage
from tests.factories import make_leaflet
from tests.s3_support import s3_config, s3_server, s3_storage  # noqa: F401  (s3_server is a fixture)
from tests.support import both_databases


def waiting_leaflet(images: int) -> None:
    """A leaflet whose photos wait for OCR."""
    for image in make_leaflet(images=images).images:
        image.ocr_status = "pending"
    db.session.commit()


CHECKS = {"database", "index", "queue", "storage"}


def health(app: Flask) -> tuple[int, dict]:
    response = app.test_client().get("/healthz")
    assert response.headers["Cache-Control"] == "no-store"
    return response.status_code, response.get_json()


@both_databases
def test_a_healthy_archive_answers_200_with_each_check(app: Flask) -> None:
    waiting_leaflet(2)
    make_leaflet(images=1)  # read already: not waiting
    status, body = health(app)
    assert status == 200 and body["status"] == "ok", body
    assert set(body["checks"]) == CHECKS and all(check["ok"] for check in body["checks"].values())
    pending = db.session.query(LeafletImage).filter(LeafletImage.ocr_status == "pending").count()
    assert body["checks"]["queue"]["depth"] == pending == 2
    assert body["checks"]["database"]["engine"] == db.engine.dialect.name


def test_an_ocr_backlog_beyond_the_limit_is_503(make_app: Callable[..., Flask]) -> None:
    app = make_app(HEALTH_MAX_QUEUE=1)
    with app.app_context():
        waiting_leaflet(2)
        status, body = health(app)
    assert status == 503 and body["status"] == "failing"
    assert not body["checks"]["queue"]["ok"] and "HEALTH_MAX_QUEUE=1" in body["checks"]["queue"]["error"]
    assert body["checks"]["database"]["ok"] and body["checks"]["storage"]["ok"]


def test_an_unusable_upload_folder_is_503(make_app: Callable[..., Flask], tmp_path: Path) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    app = make_app(UPLOAD_DIR=str(blocker / "uploads"))
    with app.app_context():
        status, body = health(app)
    assert status == 503 and not body["checks"]["storage"]["ok"] and body["checks"]["database"]["ok"]


def test_object_storage_is_checked(make_app: Callable[..., Flask], s3_server: str) -> None:  # noqa: F811
    missing = make_app(**s3_config(s3_server))  # its bucket was never made
    with missing.app_context():
        status, body = health(missing)
    assert status == 503 and "unreachable" in body["checks"]["storage"]["error"]
    bucket = s3_storage(s3_server).bucket
    present = make_app(**s3_config(s3_server, bucket))
    with present.app_context():
        status, body = health(present)
    assert status == 200 and body["checks"]["storage"] == {
        "ok": True,
        "kind": "s3",
        "ms": body["checks"]["storage"]["ms"],
    }


def test_an_index_that_cannot_be_opened_is_503(make_app: Callable[..., Flask]) -> None:
    app = make_app(SEARCH_BACKEND="postgres")  # on SQLite: the PostgreSQL index cannot exist
    with app.app_context():
        status, body = health(app)
    assert status == 503 and not body["checks"]["index"]["ok"] and body["checks"]["database"]["ok"]


def test_an_unreachable_database_is_503_not_500(make_app: Callable[..., Flask], tmp_path: Path) -> None:
    app = make_app(SQLALCHEMY_DATABASE_URI="postgresql://postgres@127.0.0.1:1/none")
    with app.app_context():
        status, body = health(app)
    assert status == 503 and not body["checks"]["database"]["ok"] and not body["checks"]["queue"]["ok"]
