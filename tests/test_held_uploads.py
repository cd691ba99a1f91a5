"""An upload's bytes wait for their variants in storage, not in the database (IMAGE_VARIANTS=background).

On files and on a real local S3 server (moto's server mode): the `pending_photo` row names the bytes, a
restart finds them, the variant worker makes the copies from them and removes them, a row from before 0018
(bytes in the row) still works, and `flask sweep-uploads` removes bytes nobody waits for. Compare's rows for
new uploads are made by the background worker (one catch-up for a burst), not on the upload's request.
"""

from __future__ import annotations

import os
import time
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Callable, Iterator

import pytest
from flask import Flask
from sqlalchemy import event, func, select

from leaflets import runtime
from leaflets.extensions import db
from leaflets.models import CompareText, PendingPhoto
from leaflets.ocr_queue.variants import VariantWorker
from leaflets.ocr_queue.worker import Wakeup
from leaflets.services import photo_variants, sweeping
from leaflets.storage import HELD
from tests.s3_support import s3_config, s3_server  # noqa: F401  (s3_server is a fixture)
from tests.support import BACKGROUND, image_of, leaflet_image, make_variants
from tests.support import upload_photos as upload


@pytest.fixture(params=["local", "s3"])
def background_app(request: pytest.FixtureRequest, make_app: Callable[..., Flask]) -> Any:
    extra = s3_config(request.getfixturevalue("s3_server")) if request.param == "s3" else {}
    application = make_app(**BACKGROUND, **extra)
    with application.app_context():
        if request.param == "s3":
            runtime.storage().ensure_bucket()  # type: ignore[attr-defined]
        yield application


def test_held_bytes_live_in_storage_and_go_once_the_variants_exist(background_app: Flask) -> None:
    photo = leaflet_image(["HELD IN STORAGE"])
    leaflet = upload(background_app, photo)
    image = image_of(leaflet)
    row = db.session.get(PendingPhoto, image.sha256)
    assert row is not None and row.data is None and row.held_key == image.sha256  # only the key in the row
    stored = runtime.storage().read(image.sha256, HELD)
    assert stored is not None and stored[0] == photo
    assert not runtime.storage().has(image.sha256)  # held bytes are not a stored photo
    assert photo_variants.held_bytes(image.sha256) == photo

    assert make_variants(background_app) == 1
    image = image_of(leaflet)
    assert image.variants_ready and runtime.storage().has(image.stored_sha256)
    assert runtime.storage().read(image.sha256, HELD) is None  # the original is not kept
    assert list(runtime.storage().held_shas()) == []
    assert db.session.scalar(select(func.count()).select_from(PendingPhoto)) == 0


def test_held_bytes_survive_a_restart(make_app: Callable[..., Flask]) -> None:
    first = make_app(**BACKGROUND)
    with first.app_context():
        leaflet = upload(first, leaflet_image(["AFTER A RESTART"]))
        sha = image_of(leaflet).sha256
    from leaflets.services_setup import shutdown

    shutdown(first)
    second = make_app(**BACKGROUND)  # a new process: the row and the bytes on disk are all there is
    with second.app_context():
        assert list(runtime.storage().held_shas()) == [sha]
        assert make_variants(second) == 1
        assert image_of(leaflet).variants_ready


def test_a_photo_held_in_the_row_before_0018_is_still_made(app: Flask) -> None:
    app.config["IMAGE_VARIANTS"] = "background"
    leaflet = upload(app, leaflet_image(["HELD THE OLD WAY"]))
    image = image_of(leaflet)
    row = db.session.get(PendingPhoto, image.sha256)
    assert row is not None
    photo = runtime.storage().read(image.sha256, HELD)
    assert photo is not None
    row.data, row.held_key = photo[0], None  # as 0014 held it: the bytes in the database
    db.session.commit()
    runtime.storage().remove(image.sha256, HELD)
    assert make_variants(app) == 1
    assert image_of(leaflet).variants_ready and runtime.storage().has(image.sha256)


def test_a_row_whose_held_bytes_vanished_is_a_readable_failure(app: Flask) -> None:
    app.config["IMAGE_VARIANTS"] = "background"
    leaflet = upload(app, leaflet_image(["VANISHED BYTES"]))
    runtime.storage().remove(image_of(leaflet).sha256, HELD)
    make_variants(app)
    image = image_of(leaflet)
    assert image.ocr_status == "failed" and "files are missing" in image.variants_error
    assert photo_variants.waiting_count() == 0


def _age(app: Flask, sha: str, seconds: float) -> None:
    """The photo's folder and its held bytes (held/<sha>.bin), whichever exist, last written `seconds` ago."""
    root = Path(app.config["UPLOAD_DIR"])
    past = time.time() - seconds
    for path in (root / sha[:2] / sha, root / "held" / f"{sha}.bin"):
        if path.exists():
            os.utime(path, (past, past))


def test_sweeping_keeps_waiting_bytes_and_removes_forgotten_ones(app: Flask) -> None:
    app.config["IMAGE_VARIANTS"] = "background"
    waiting = image_of(upload(app, leaflet_image(["STILL WAITING"]))).sha256
    done = image_of(upload(app, leaflet_image(["ALREADY MADE"])))
    photo_variants.make(done.sha256)
    # a crash between making the variants and removing the bytes: they stay, nobody waits for them
    runtime.storage().put(done.sha256, HELD, b"left behind", "application/octet-stream")
    # a crash between writing the bytes and committing the row: a folder of nothing but held bytes
    lost = "ab" * 32
    runtime.storage().put(lost, HELD, b"never committed", "application/octet-stream")
    for sha in (waiting, done.sha256, lost):
        _age(app, sha, 7200)

    assert sweeping.sweep_orphans(min_age_s=3600, dry_run=True)  # listed, nothing removed
    assert set(runtime.storage().held_shas()) == {waiting, done.sha256, lost}
    removed = sweeping.sweep_orphans(min_age_s=3600)
    assert sorted(removed) == sorted([lost, f"{done.sha256}/{HELD}"])
    assert list(runtime.storage().held_shas()) == [waiting]
    assert runtime.storage().has(done.sha256)  # its variants stay: a leaflet shows them
    assert make_variants(app) == 1 and runtime.storage().has(waiting)


def test_sweeping_removes_forgotten_held_bytes_on_s3(make_app: Callable[..., Flask], s3_server: str) -> None:  # noqa: F811
    app = make_app(**BACKGROUND, **s3_config(s3_server))
    with app.app_context():
        runtime.storage().ensure_bucket()  # type: ignore[attr-defined]
        waiting = image_of(upload(app, leaflet_image(["WAITING ON S3"]))).sha256
        lost = "cd" * 32
        runtime.storage().put(lost, HELD, b"never committed", "application/octet-stream")
        assert sweeping.sweep_orphans(min_age_s=3600) == []  # too new: an upload may be mid-way
        assert sweeping.sweep_orphans(min_age_s=0) == [lost]
        assert list(runtime.storage().held_shas()) == [waiting]


def test_compare_rows_of_new_uploads_are_made_by_the_worker_not_the_request(app: Flask) -> None:
    app.config["IMAGE_VARIANTS"] = "background"
    app.config["COMPARE_REFRESH_S"] = 3600.0
    first = upload(app, leaflet_image(["FIRST OF A BURST"]))
    second = upload(app, leaflet_image(["SECOND OF A BURST"]))
    ids = [first["id"], second["id"]]
    assert db.session.scalar(select(func.count()).where(CompareText.leaflet_id.in_(ids))) == 0
    worker = VariantWorker(app, "test", Wakeup())
    worker.step()  # the first step catches up at once, then not again for COMPARE_REFRESH_S
    db.session.expire_all()
    made = db.session.scalars(select(CompareText.leaflet_id).where(CompareText.leaflet_id.in_(ids)))
    assert set(made) == set(ids)
    third = upload(app, leaflet_image(["THIRD OF A BURST"]))
    worker.step()
    assert db.session.get(CompareText, third["id"]) is None  # coalesced: not before its time
    worker.compare_due = 0.0
    worker.step()
    db.session.expire_all()
    assert db.session.get(CompareText, third["id"]) is not None


def test_inline_uploads_still_refresh_compare_at_once(app: Flask) -> None:
    leaflet = upload(app, leaflet_image(["INLINE COMPARE"]))
    assert db.session.get(CompareText, leaflet["id"]) is not None


def test_a_backup_taken_mid_burst_keeps_the_waiting_photos(app: Flask, tmp_path: Path) -> None:
    """`flask storage export` (deploy's backup): the database's pending_photo row is backed up by pg_dump,
    so its held bytes must be in the image backup too, or a restore would lose the photo."""
    from leaflets.services import storage_sync
    from leaflets.storage import LocalStorage

    app.config["IMAGE_VARIANTS"] = "background"
    photo = leaflet_image(["BACKED UP WHILE WAITING"])
    sha = image_of(upload(app, photo)).sha256
    backup = LocalStorage(tmp_path / "backup")
    report = storage_sync.copy_all(runtime.storage(), backup)
    assert (report.held, report.incomplete, report.copied) == (1, 0, 0)
    assert backup.read(sha, HELD) == (photo, "application/octet-stream")
    runtime.storage().delete(sha)  # the disk is lost; the backup is restored
    assert storage_sync.copy_all(backup, runtime.storage()).held == 1
    assert make_variants(app) == 1
    assert runtime.storage().has(sha) and list(runtime.storage().held_shas()) == []


@contextmanager
def _syncs_renames_and_commits(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[tuple[str, str]]]:
    """Record (what, path) for every real fsync and rename, and each row written to pending_photo, in order;
    each still runs."""
    events: list[tuple[str, str]] = []
    real_fsync, real_replace = os.fsync, os.replace

    def fsync(fd: int) -> None:
        events.append(("fsync", os.readlink(f"/proc/self/fd/{fd}")))
        real_fsync(fd)

    def replace(source: Any, target: Any) -> None:
        real_replace(source, target)
        events.append(("rename", os.path.realpath(target)))

    def executed(_connection: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        if statement.startswith("INSERT INTO pending_photo"):
            events.append(("row", "pending_photo"))

    monkeypatch.setattr(os, "fsync", fsync)
    monkeypatch.setattr(os, "replace", replace)
    event.listen(db.engine, "before_cursor_execute", executed)
    try:
        yield events
    finally:
        event.remove(db.engine, "before_cursor_execute", executed)


def test_an_uploads_photos_are_durable_before_their_rows_with_one_sync_of_the_held_folder(
    app: Flask, monkeypatch: pytest.MonkeyPatch
) -> None:
    """What a 201 promises: each photo's bytes synced, renamed into held/, and held/ synced (the renames
    durable) before the row naming them is even written; one sync of held/ for all of an upload's photos."""
    app.config["IMAGE_VARIANTS"] = "background"
    upload(app, leaflet_image(["WARM THE HELD FOLDER"]))  # held/ made (and its entry synced) once a process
    with _syncs_renames_and_commits(monkeypatch) as events:
        leaflet = upload(app, leaflet_image(["FRONT PAGE"]), leaflet_image(["BACK PAGE"]))

    held = os.path.realpath(Path(app.config["UPLOAD_DIR"]) / "held")
    names = {os.path.join(held, f"{image_of(leaflet, n).sha256}.bin") for n in (0, 1)}
    renamed = [n for n, (what, path) in enumerate(events) if what == "rename" and path in names]
    folder_synced = [n for n, event in enumerate(events) if event == ("fsync", held)]
    rows = [n for n, (what, _path) in enumerate(events) if what == "row"]
    assert len(renamed) == 2 and len(folder_synced) == 1  # one sync of the folder for both photos
    assert len(rows) == 1 and max(renamed) < folder_synced[0] < rows[0]
    files_synced = [n for n, (what, path) in enumerate(events) if what == "fsync" and path.startswith(held)]
    assert len(files_synced) == 3 and max(files_synced[:2]) < min(renamed)  # each file's data before its name


def test_a_held_write_cut_short_is_swept_and_bytes_held_before_the_held_folder_are_still_found(
    app: Flask,
) -> None:
    app.config["IMAGE_VARIANTS"] = "background"
    root = Path(app.config["UPLOAD_DIR"])
    waiting = image_of(upload(app, leaflet_image(["HELD IN ITS OWN FOLDER"]))).sha256
    # as written before the held/ folder: <sha[:2]>/<sha>/upload.bin
    bytes_now = root / "held" / f"{waiting}.bin"
    before = root / waiting[:2] / waiting / "upload.bin"
    before.parent.mkdir(parents=True)
    bytes_now.rename(before)
    partial = root / "held" / f".{HELD}.cut-short.tmp"  # a crash between writing and renaming
    partial.write_bytes(b"half a photo")
    past = time.time() - 7200
    os.utime(partial, (past, past))

    assert list(runtime.storage().held_shas()) == [waiting] == list(runtime.storage().all_shas())
    sweeping.sweep_orphans(min_age_s=3600)
    assert not partial.exists() and before.exists()  # the photo is still waited for
    assert make_variants(app) == 1 and runtime.storage().has(waiting)
    assert not before.exists() and list(runtime.storage().held_shas()) == []
