"""Issue 13: OCR does not wait for the variant workers. In a burst they run the uploads' look-alike checks
first and fall behind; once no check waits, an OCR worker with nothing claimable makes a waiting photo's
variants itself, from one decode, and reads the master it decoded (ocr_queue/preparing.py)."""

from __future__ import annotations

from typing import Callable

from flask import Flask
from PIL import Image
from sqlalchemy import func, select

from leaflets import runtime
from leaflets.extensions import db
from leaflets.models import ImageFingerprint, PendingPhoto
from leaflets.ocr_queue.worker import Worker
from leaflets.services import pending_uploads, photo_variants
from leaflets.storage import HELD
from tests.support import (
    BACKGROUND,
    PAGE,
    both_databases,
    image_of,
    leaflet_image,
    make_variants,
    settings_of,
    sideways,
)
from tests.support import upload_photos as upload


def _worker(app: Flask) -> Worker:
    return Worker(app, settings_of(app), "ocr-test")


def _checks_run() -> None:
    """The uploads' look-alike checks, which the variant loop runs first (none may be waiting)."""
    while pending_uploads.check_next():
        pass


@both_databases
def test_an_ocr_worker_makes_a_waiting_photos_variants_and_reads_it(make_app: Callable[..., Flask]) -> None:
    app = make_app(**BACKGROUND)
    with app.app_context():
        leaflet = upload(app, leaflet_image(PAGE, size=(900, 1200)))
        image = image_of(leaflet)
        assert not image.variants_ready and photo_variants.waiting_count() == 1
        _checks_run()
        assert _worker(app).step() is True  # no variant worker made the photo
        image = image_of(leaflet)
        assert image.variants_ready and image.ocr_status == "done" and "POTHOLES" in image.ocr_text.upper()
        assert (image.width, image.height) == (900, 1200)
        assert db.session.scalar(select(func.count()).select_from(PendingPhoto)) == 0
        assert runtime.storage().read(image.sha256, HELD) is None  # the original is not kept
        for variant in ("master", "display", "thumb"):
            assert runtime.storage().read(image.stored_sha256, variant) is not None
        # later uploads' look-alike checks find it, as when a variant worker makes it
        assert db.session.get(ImageFingerprint, image.stored_sha256) is not None
        assert make_variants(app) == 0  # nothing left for the variant worker


def test_a_photo_a_variant_worker_is_making_is_left_to_it(app: Flask) -> None:
    app.config["IMAGE_VARIANTS"] = "background"
    leaflet = upload(app, leaflet_image(PAGE, size=(900, 1200)))
    _checks_run()
    assert photo_variants.claim_next("variants-elsewhere") == image_of(leaflet).sha256
    assert _worker(app).step() is False  # nothing ready, and the one waiting photo is taken
    image = image_of(leaflet)
    assert image.ocr_status == "pending" and not image.variants_ready
    assert photo_variants.waiting_count() == 1


def test_ready_photos_are_read_before_a_waiting_one_is_made(app: Flask) -> None:
    app.config["IMAGE_VARIANTS"] = "background"
    ready = upload(app, leaflet_image(["READY FIRST"], size=(900, 1200)))
    assert make_variants(app) == 1
    waiting = upload(app, leaflet_image(["STILL WAITING"], size=(900, 1200)))
    assert _worker(app).run(max_jobs=1) == 1
    assert image_of(ready).ocr_status == "done"
    assert image_of(waiting).ocr_status == "pending" and not image_of(waiting).variants_ready


def test_a_sideways_photo_made_by_the_ocr_worker_is_stored_upright(make_app: Callable[..., Flask]) -> None:
    """The quarter turn after OCR starts from the master the worker decoded, and the held photo's own
    folder, made a moment before, goes once the turned one is used."""
    app = make_app(**BACKGROUND)
    with app.app_context():
        leaflet = upload(app, sideways(leaflet_image(PAGE, size=(900, 1200))))
        made_key = image_of(leaflet).stored_sha256
        _checks_run()
        assert _worker(app).step() is True
        image = image_of(leaflet)
        assert image.ocr_status == "done" and "POTHOLES" in image.ocr_text.upper()
        assert (image.ocr_rotation, image.rotation, image.width, image.height) == (90, 90, 900, 1200)
        assert image.stored_sha256 != made_key and not runtime.storage().has(made_key)
        with Image.open(runtime.storage().find(image.stored_sha256, "master")[0]) as master:
            assert master.size == (900, 1200)


def test_a_photo_the_ocr_worker_cannot_decode_ends_visibly_failed(app: Flask) -> None:
    app.config["IMAGE_VARIANTS"] = "background"
    leaflet = upload(app, leaflet_image(["DAMAGED SINCE"]))
    runtime.storage().put(image_of(leaflet).sha256, HELD, b"\xff\xd8\xff" + b"\x00" * 500, "image/jpeg")
    _checks_run()
    assert _worker(app).step() is True  # work was done: the photo was given up, with its reason
    image = image_of(leaflet)
    assert image.ocr_status == "failed" and "could not be decoded" in image.variants_error
    assert photo_variants.waiting_count() == 0
    assert _worker(app).step() is False


def test_while_a_look_alike_check_waits_the_photos_are_left_to_the_variant_loop(app: Flask) -> None:
    """The checks come first (an uploader is asked within seconds); in a burst the OCR processes' decodes
    and writes then stay out of the uploads' way."""
    app.config["IMAGE_VARIANTS"] = "background"
    leaflet = upload(app, leaflet_image(PAGE, size=(900, 1200)))
    assert pending_uploads.any_due()
    assert _worker(app).step() is False
    assert not image_of(leaflet).variants_ready and photo_variants.waiting_count() == 1
    _checks_run()
    assert not pending_uploads.any_due()
    assert _worker(app).step() is True
    assert image_of(leaflet).ocr_status == "done"
