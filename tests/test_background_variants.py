"""Uploads answered before their photo variants exist (IMAGE_VARIANTS=background, `make run`'s setting).

The request checks the photo and keeps its bytes in storage (its row names them); a variant worker makes
master, display and thumbnail later. Until then pages show a placeholder and OCR waits; a new app (a
restart) finds the work; a photo that cannot be decoded after all ends as a readable OCR failure, never a
page error.
"""

from __future__ import annotations

import io
import re
from typing import Callable

import numpy as np
from flask import Flask
from PIL import Image, ImageFilter
from sqlalchemy import delete, func, select
from werkzeug.test import TestResponse

from leaflets import runtime
from leaflets.extensions import db
from leaflets.models import Leaflet, PendingPhoto
from leaflets.ocr_queue import jobs
from leaflets.ocr_queue.worker import Worker
from leaflets.services import photo_variants
from leaflets.storage import HELD
from tests.support import (
    BACKGROUND,
    both_databases,
    image_of,
    jpeg_with_gps,
    leaflet_image,
    log_in_as,
    make_variants,
    multipart,
    settings_of,
    undecodable_jpeg,
    upload_fields,
)
from tests.support import upload_photos as upload


@both_databases
def test_an_upload_is_answered_before_its_variants_and_they_land_later(
    make_app: Callable[..., Flask],
) -> None:
    app = make_app(**BACKGROUND)
    with app.app_context():
        leaflet = upload(app, jpeg_with_gps(orientation=6))
        image = image_of(leaflet)
        assert not image.variants_ready and not runtime.storage().has(image.stored_sha256)
        assert (image.width, image.height) == (1200, 900)  # upright already, from the header's orientation
        held = db.session.get(PendingPhoto, image.sha256)
        assert held is not None and held.format == "JPEG"
        # pages show a placeholder, never a broken image or a 500; OCR waits for the master
        client = app.test_client()
        page = client.get(f"/leaflets/{leaflet['id']}")
        assert page.status_code == 200 and "photo-pending.svg" in page.get_data(as_text=True)
        assert client.get("/").status_code == 200
        status = client.get(f"/leaflets/{leaflet['id']}/ocr.json").get_json()
        assert status["images"][0]["photo"]["display"].endswith("/static/img/photo-pending.svg")
        assert not status["complete"]
        assert jobs.claim_next("ocr", settings_of(app)) is None

        assert make_variants(app) == 1
        image = image_of(leaflet)
        assert image.variants_ready and runtime.storage().has(image.stored_sha256)
        assert db.session.scalar(select(func.count()).select_from(PendingPhoto)) == 0  # the original is gone
        master_path, _mime = runtime.storage().find(image.stored_sha256, "master")
        with Image.open(master_path) as master:
            assert master.size == (image.width, image.height) == (1200, 900)
            assert not master.getexif()  # no GPS, no serial number: the variants carry no metadata
        status = client.get(f"/leaflets/{leaflet['id']}/ocr.json").get_json()
        display = status["images"][0]["photo"]["display"]
        assert "/images/" in display
        with client.get(display) as served:
            assert served.status_code == 200 and served.mimetype == "image/jpeg"
        job = jobs.claim_next("ocr", settings_of(app))
        assert job is not None and job.image_id == image.id


def test_a_restart_loses_no_photo(make_app: Callable[..., Flask]) -> None:
    first = make_app(**BACKGROUND)
    with first.app_context():
        leaflet = upload(first, leaflet_image(), leaflet_image(["SECOND PAGE"]))
    from leaflets.services_setup import shutdown

    shutdown(first)
    second = make_app(**BACKGROUND)  # a new process: only the database knows about the photos
    with second.app_context():
        assert photo_variants.waiting_count() == 2
        assert make_variants(second) == 2
        assert all(image_of(leaflet, n).variants_ready for n in (0, 1))


def test_two_variant_workers_never_take_the_same_photo(app: Flask) -> None:
    app.config["IMAGE_VARIANTS"] = "background"
    upload(app, leaflet_image())
    first = photo_variants.claim_next("one")
    assert first is not None
    assert photo_variants.claim_next("two") is None


def test_the_same_photo_uploaded_twice_before_its_variants_is_made_once(app: Flask) -> None:
    app.config["IMAGE_VARIANTS"] = "background"
    photo = leaflet_image()
    first, second = upload(app, photo), upload(app, photo)
    assert photo_variants.waiting_count() == 1
    assert make_variants(app) == 1
    assert image_of(first).variants_ready and image_of(second).variants_ready
    assert second["duplicate_of"] == first["id"] or image_of(second).sha256 == image_of(first).sha256


def test_a_photo_that_cannot_be_decoded_after_all_is_a_readable_failure(app: Flask) -> None:
    app.config["IMAGE_VARIANTS"] = "background"
    leaflet = upload(app, leaflet_image())
    image = image_of(leaflet)
    damaged = b"\xff\xd8\xff" + b"\x00" * 500  # damaged since
    runtime.storage().put(image.sha256, HELD, damaged, "application/octet-stream")
    assert make_variants(app) == 1
    image = image_of(leaflet)
    assert image.ocr_status == "failed" and "could not be decoded" in image.ocr_error
    assert "could not be decoded" in image.variants_error and not image.variants_ready
    assert photo_variants.waiting_count() == 0
    client = app.test_client()
    page = client.get(f"/leaflets/{leaflet['id']}")
    html = page.get_data(as_text=True)
    # the page says so instead of "being prepared" for ever; the reason is for moderators only
    assert page.status_code == 200 and "photo-failed.svg" in html and "photo-pending.svg" not in html
    assert "This photo could not be prepared." in html and "could not be decoded" not in html
    status = client.get(f"/leaflets/{leaflet['id']}/ocr.json").get_json()
    assert status["complete"] and status["images"][0]["photo"]["failed"] is True
    assert status["images"][0]["photo"]["display"].endswith("/static/img/photo-failed.svg")
    with client.get("/static/img/photo-failed.svg") as placeholder:
        assert placeholder.status_code == 200 and b"could not" in placeholder.get_data()
    log_in_as(app, client, "moderator")
    html = client.get(f"/leaflets/{leaflet['id']}").get_data(as_text=True)
    assert "This photo could not be prepared. The photo could not be decoded" in html
    moderation = client.get(f"/moderate/leaflets/{leaflet['id']}").get_data(as_text=True)
    assert "This photo could not be prepared:" in moderation and "could not be decoded" in moderation
    assert f"/moderate/images/{image.id}/rotate" not in moderation  # nothing to turn


def test_a_photo_whose_files_vanished_before_its_rows_is_a_readable_failure(app: Flask) -> None:
    """settle(): neither held nor stored when the leaflet's rows commit (swept, or given up on)."""
    app.config["IMAGE_VARIANTS"] = "background"
    leaflet = upload(app, leaflet_image(["Vanished"]))
    image = image_of(leaflet)
    image.variants_ready = False
    db.session.commit()
    db.session.execute(delete(PendingPhoto))
    db.session.commit()
    runtime.storage().delete(image.stored_sha256)
    photo_variants.settle([image_of(leaflet)])
    image = image_of(leaflet)
    assert image.ocr_status == "failed" and "files are missing" in image.variants_error
    html = app.test_client().get(f"/leaflets/{leaflet['id']}").get_data(as_text=True)
    assert "This photo could not be prepared." in html and "photo-pending.svg" not in html


@both_databases
def test_a_jpeg_whole_by_its_markers_that_no_decoder_reads_ends_visibly_failed(
    make_app: Callable[..., Flask],
) -> None:
    """Issue 13: the request walks a JPEG's markers instead of decoding it (a burst's first wave waited for
    about a hundred decodes). A photo damaged where the walk cannot see is accepted; the variant worker's
    decode finds it, and the page and the API then say which photo could not be prepared, never a 500."""
    app = make_app(**BACKGROUND)
    with app.app_context():
        leaflet = upload(app, leaflet_image(["GOOD FRONT"]), undecodable_jpeg())
        assert runtime.decode_slots().peak == 0  # nothing was decoded to answer
        assert db.session.get(PendingPhoto, image_of(leaflet, 1).sha256).look is None
        make_variants(app)  # the look-alike check first (photo 2's look cannot be decoded), then the copies
        good, damaged = image_of(leaflet, 0), image_of(leaflet, 1)
        assert good.variants_ready and not damaged.variants_ready
        assert damaged.ocr_status == "failed" and "could not be decoded" in damaged.variants_error
        assert photo_variants.waiting_count() == 0
        client = app.test_client()
        html = client.get(f"/leaflets/{leaflet['id']}").get_data(as_text=True)
        assert html.count("This photo could not be prepared.") == 1 and "(photo 2 of 2)" in html
        assert "photo-pending.svg" not in html
        photos = client.get(f"/api/v1/leaflets/{leaflet['id']}").get_json()["images"]
        assert photos[0]["ocr_status"] != "failed" and "/images/" in photos[0]["urls"]["display"]
        assert photos[1]["position"] == 1 and photos[1]["ocr_status"] == "failed"
        assert "could not be decoded" in photos[1]["ocr_error"]
        assert photos[1]["urls"]["display"].endswith("/static/img/photo-failed.svg")


def test_a_jpeg_cut_short_is_refused_before_anything_is_held(make_app: Callable[..., Flask]) -> None:
    app = make_app(**BACKGROUND)
    photo = leaflet_image(["CUT SHORT"])
    with app.app_context():
        response = app.test_client().post(
            "/api/v1/leaflets",
            content_type="multipart/form-data",
            data=multipart(upload_fields(), [(photo, "a.jpg"), (photo[: len(photo) - 1000], "b.jpg")]),
        )
        assert response.status_code == 422
        error = response.get_json()["error"]
        assert error["code"] == "damaged_image" and error["message"].startswith("Photo 2 is damaged: ")
        assert photo_variants.waiting_count() == 0 and runtime.decode_slots().peak == 0


def blurred_noise_photo() -> bytes:
    """Camera-sized grain, blurred: ~1.5 MB of JPEG with no text at all. Specks of it chain into chance
    "lines", which is why a darkness test alone let it through to Tesseract for its whole time budget."""
    pixels = np.clip(np.random.default_rng(1).normal(128, 60, (3024, 4032)), 0, 255).astype(np.uint8)
    picture = Image.fromarray(pixels).filter(ImageFilter.GaussianBlur(0.8)).convert("RGB")
    buffer = io.BytesIO()
    picture.save(buffer, "JPEG", quality=60)
    return buffer.getvalue()


def test_a_noise_photo_is_found_blank_without_running_tesseract(make_app: Callable[..., Flask]) -> None:
    photo = blurred_noise_photo()
    assert 1_000_000 < len(photo) < 2_500_000
    app = make_app(**BACKGROUND, OCR_MAX_ATTEMPTS=3)
    with app.app_context():
        leaflet = upload(app, photo)
        make_variants(app)
        assert Worker(app, settings_of(app), "w").run(max_jobs=1, stop_when_idle=True) == 1
        image = image_of(leaflet)
        assert (image.ocr_status, image.ocr_attempts, image.ocr_readable) == ("done", 1, False)
        assert image.ocr_quality["text_found"] == 0.0
        assert "recognition" not in image.ocr_timings  # Tesseract was never started on it
        assert image.needs_transcription


@both_databases
def test_a_held_photo_no_decoder_reads_is_named_when_the_form_comes_back(
    make_app: Callable[..., Flask],
) -> None:
    """A form sent back for a field holds the voter's photos; when the variant worker then finds one of them
    unreadable, the next submission names that photo (not "your photos expired") and keeps the others and
    the fields."""
    app = make_app(**BACKGROUND)
    with app.app_context():
        client = app.test_client()
        photos = [(leaflet_image(["GOOD FRONT"]), "front.jpg"), (undecodable_jpeg(), "IMG_0042.jpg")]
        sent = client.post(
            "/upload", data=multipart(upload_fields(party=""), photos), content_type="multipart/form-data"
        )
        assert sent.status_code == 422 and "We kept your 2 photos" in sent.get_data(as_text=True)
        make_variants(app)  # photo 2 is given up: its row and bytes go
        assert photo_variants.waiting_count() == 0
        thumbs = [client.get(f"/upload/staged/{n}?token={_staged(sent)}").status_code for n in (0, 1)]
        assert thumbs == [200, 404]  # the page still open shows the photo that is fine
        again = client.post(
            "/upload", data={**upload_fields(party="", title="Buses first"), "staged": _staged(sent)}
        )
        page = again.get_data(as_text=True)
        assert again.status_code == 422 and "Your photos expired" not in page
        named = "Photo 2 (IMG_0042.jpg) could not be read: the file is damaged."
        assert f"{named} Choose it again or another photo." in page and "Choose the party" in page
        assert "We kept your 1 photo:" in page and 'value="Buses first"' in page
        done = client.post("/upload", data={**upload_fields(), "staged": _staged(again)})
        assert done.status_code == 302
        leaflet = db.session.scalar(select(Leaflet))
        assert [image.role for image in leaflet.images] == ["front"]


def _staged(response: TestResponse) -> str:
    found = re.search(r'name="staged" value="([^"]+)"', response.get_data(as_text=True))
    assert found is not None
    return found.group(1)
