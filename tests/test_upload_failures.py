"""A failure at any step leaves no half leaflet, and the files it stored are swept."""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest
from sqlalchemy import func, select, text

from leaflets.extensions import db
from leaflets.models import Leaflet, LeafletImage
from tests.support import both_databases, leaflet_image, multipart, upload_fields

FAIL_IMAGE_INSERTS = {
    "sqlite": [
        "CREATE TRIGGER fail_images BEFORE INSERT ON leaflet_image "
        "BEGIN SELECT RAISE(ABORT, 'disk said no'); END"
    ],
    "postgresql": [
        "CREATE FUNCTION fail_images() RETURNS trigger AS $$ BEGIN RAISE EXCEPTION 'disk said no'; END $$ "
        "LANGUAGE plpgsql",
        "CREATE TRIGGER fail_images BEFORE INSERT ON leaflet_image FOR EACH ROW "
        "EXECUTE FUNCTION fail_images()",
    ],
}


def _age(folder: Path, hours: float) -> None:
    past = time.time() - hours * 3600
    os.utime(folder, (past, past))


@both_databases
def test_failed_transaction_leaves_no_leaflet_and_the_orphans_are_swept(app, client, runner):
    for statement in FAIL_IMAGE_INSERTS[db.engine.dialect.name]:
        db.session.execute(text(statement))
    db.session.commit()
    response = client.post(
        "/api/v1/leaflets",
        data=multipart(upload_fields(), [(leaflet_image(), "a.jpg")]),
        content_type="multipart/form-data",
    )
    assert response.status_code == 500
    assert response.get_json()["error"]["code"] == "internal_error"
    db.session.rollback()
    assert db.session.scalar(select(func.count(Leaflet.id))) == 0
    assert db.session.scalar(select(func.count(LeafletImage.id))) == 0

    root = Path(app.config["UPLOAD_DIR"])
    orphans = [p for p in root.glob("*/*") if p.is_dir()]
    assert len(orphans) == 1
    fresh = runner.invoke(args=["sweep-uploads"])
    assert "Removed 0" in fresh.output and orphans[0].exists()  # too young: may be an upload in flight
    _age(orphans[0], 7)
    swept = runner.invoke(args=["sweep-uploads"])
    assert swept.exit_code == 0 and "Removed 1" in swept.output
    assert not orphans[0].exists()


def test_sweep_keeps_referenced_images(app, client, runner):
    ok = client.post(
        "/api/v1/leaflets",
        data=multipart(upload_fields(), [(leaflet_image(), "a.jpg")]),
        content_type="multipart/form-data",
    )
    assert ok.status_code == 201
    folder = next(p for p in Path(app.config["UPLOAD_DIR"]).glob("*/*") if p.is_dir())
    _age(folder, 48)
    result = runner.invoke(args=["sweep-uploads", "--min-age-hours", "1"])
    assert "Removed 0" in result.output and folder.exists()
    assert len(list(folder.iterdir())) == 3


@pytest.mark.parametrize("variant", ["master", "display", "thumb"])
def test_storage_write_is_atomic_under_its_final_name(app, variant):
    from leaflets import runtime

    storage = runtime.storage()
    sha = "ab" * 32
    storage.put(sha, variant, b"\xff\xd8\xff" + b"1" * 100, "image/jpeg")
    storage.put(sha, variant, b"\xff\xd8\xff" + b"2" * 100, "image/jpeg")
    path, mime = storage.find(sha, variant)
    assert path.read_bytes().endswith(b"2" * 100) and mime == "image/jpeg"
    assert [p.name for p in path.parent.iterdir()] == [path.name]
