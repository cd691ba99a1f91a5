"""Redaction and crop by a moderator: real upload, real OCR, real storage and index.

Redaction must take the covered pixels out of every served size of the photo (and of a byte-identical copy
that shares its files), delete the old files from storage, and take the covered words out of the text and
search; a crop keeps only its rectangle and the words inside it, moved onto the cropped photo."""

from __future__ import annotations

import io
from typing import Any, Callable

import pytest
from flask import Flask
from flask.testing import FlaskClient
from PIL import Image, ImageStat
from sqlalchemy import select

import ocr
from leaflets import runtime
from leaflets.extensions import db
from leaflets.models import AuditEntry, Claim, LeafletImage
from leaflets.ocr_queue.worker import Worker
from leaflets.services import photo_edits
from tests.factories import make_user
from tests.support import (
    ADDRESSED,
    FAST,
    PRIVATE,
    both_databases,
    leaflet_image,
    log_in,
    served,
    settings_of,
    upload,
)


def _read(app: Flask, client: FlaskClient, data: bytes) -> dict[str, Any]:
    body = upload(client, data)
    assert Worker(app, settings_of(app), "w").run(max_jobs=1) == 1
    return body


def _search(client: FlaskClient, word: str) -> list[int]:
    runtime.search_backend().flush()
    response = client.get(f"/api/v1/search?q={word}")
    assert response.status_code == 200
    return [hit["leaflet"]["id"] for hit in response.get_json()["hits"]]


def _rectangle_around(image: LeafletImage, words: tuple[str, ...]) -> list[int]:
    """One rectangle (with a margin) around the OCR boxes of these words."""
    boxes = [w for w in image.ocr_words if any(name in w["text"] for name in words)]
    assert len(boxes) >= 3, [w["text"] for w in image.ocr_words]
    left, top = min(w["left"] for w in boxes) - 6, min(w["top"] for w in boxes) - 6
    right = max(w["left"] + w["width"] for w in boxes) + 6
    bottom = max(w["top"] + w["height"] for w in boxes) + 6
    return [left, top, right - left, bottom - top]


def _moderator(app: Flask) -> FlaskClient:
    client = app.test_client()
    log_in(client, make_user("moderator"))
    return client


@both_databases
def test_redaction_removes_the_pixels_from_every_served_variant_and_the_words_from_search(
    make_app: Callable[..., Flask],
) -> None:
    app = make_app(**FAST)
    with app.app_context():
        client = app.test_client()
        photo = leaflet_image(ADDRESSED, size=(620, 877))
        first = _read(app, client, photo)
        copy = upload(client, photo)  # the same bytes again: a delivery sharing the files
        image = db.session.get(LeafletImage, first["images"][0]["id"])
        assert "Juniper" in image.text and set(_search(client, "Marigold")) == {first["id"], copy["id"]}
        db.session.add(
            Claim(
                leaflet_id=first["id"],
                image_id=image.id,
                text="Mrs Juniper Quayle 12 Marigold",
                origin="suggested",
                state="suggested",
            )
        )
        db.session.commit()
        rectangle = _rectangle_around(image, PRIVATE)
        old_key, old_urls = image.stored_sha256, first["images"][0]["urls"]
        old_bytes = {variant: served(client, url)[1] for variant, url in old_urls.items()}

        moderator = _moderator(app)
        page = moderator.get(f"/moderate/images/{image.id}/edit")
        assert page.status_code == 200 and 'name="boxes"' in page.get_data(as_text=True)
        response = moderator.post(
            f"/moderate/images/{image.id}/edit",
            data={
                "boxes": ",".join(map(str, rectangle)),
                "action": "black",
                "reason": "resident's name and address",
            },
        )
        assert response.status_code == 302

        db.session.expire_all()
        after = client.get(f"/api/v1/leaflets/{first['id']}").get_json()["images"][0]
        copy_after = client.get(f"/api/v1/leaflets/{copy['id']}").get_json()["images"][0]
        assert copy_after["urls"] == after["urls"]  # the copy shows the redacted files too
        assert not runtime.storage().folder(old_key).exists()  # the old bytes are gone, not only unlinked
        for variant, url in old_urls.items():
            assert served(client, url)[0] == 404
            status, data = served(client, after["urls"][variant])
            assert status == 200 and data != old_bytes[variant]
            with Image.open(io.BytesIO(data)) as picture:
                scale = picture.width / image.width
                inside = [round(v * scale) for v in rectangle]
                region = picture.convert("L").crop(
                    (inside[0] + 2, inside[1] + 2, inside[0] + inside[2] - 2, inside[1] + inside[3] - 2)
                )
                assert ImageStat.Stat(region).extrema[0][1] < 40, variant  # black all through: no ink left
        with Image.open(io.BytesIO(served(client, after["urls"]["master"])[1])) as master:
            reread = ocr.recognise(master.convert("RGB")).text
        assert "BUSES" in reread and not any(name in reread for name in PRIVATE)

        refreshed = db.session.get(LeafletImage, image.id)
        assert not any(name in refreshed.text for name in PRIVATE) and "potholes" in refreshed.text
        assert not any(name in w["text"] for w in refreshed.ocr_words for name in PRIVATE)
        assert db.session.scalar(select(Claim).where(Claim.text.contains("Juniper"))) is None
        assert _search(client, "Marigold") == [] and _search(client, "Quayle") == []
        assert set(_search(client, "potholes")) == {first["id"], copy["id"]}
        entry = db.session.scalars(select(AuditEntry).where(AuditEntry.action == "redact")).one()
        assert entry.details["words_removed"] >= 4 and entry.details["rectangles"] == [rectangle]
        assert entry.reason == "resident's name and address"
        assert not any(name in str(entry.details) for name in PRIVATE)  # the log never keeps what was hidden


def test_blur_from_the_numeric_fields_and_a_corrected_text_loses_the_covered_words(
    app: Flask, client: FlaskClient
) -> None:
    photo = leaflet_image(ADDRESSED, size=(620, 877))
    body = _read(app, client, photo)
    image = db.session.get(LeafletImage, body["images"][0]["id"])
    image.corrected_text = image.text.replace("potholes", "pot-holes")
    db.session.commit()
    rectangle = _rectangle_around(image, PRIVATE)
    moderator = _moderator(app)
    response = moderator.post(
        f"/moderate/images/{image.id}/edit",
        data=dict(zip(("left", "top", "width", "height"), map(str, rectangle)), action="blur"),
    )
    assert response.status_code == 302
    db.session.expire_all()
    image = db.session.get(LeafletImage, image.id)
    assert "pot-holes" in image.corrected_text and not any(n in image.corrected_text for n in PRIVATE)
    with Image.open(runtime.storage().find(image.stored_sha256, "master")[0]) as master:
        assert not any(name in ocr.recognise(master.convert("RGB")).text for name in PRIVATE)


def test_a_crop_keeps_the_rectangle_and_moves_the_words_onto_it(app: Flask, client: FlaskClient) -> None:
    body = _read(app, client, leaflet_image(ADDRESSED, size=(620, 877)))
    image = db.session.get(LeafletImage, body["images"][0]["id"])
    top_half = [0, 0, 620, 262]
    kept = [w for w in image.ocr_words if w["top"] + w["height"] <= 262]
    moderator = _moderator(app)
    assert (
        moderator.post(
            f"/moderate/images/{image.id}/edit", data={"boxes": "0,0,620,262", "action": "crop"}
        ).status_code
        == 302
    )
    db.session.expire_all()
    image = db.session.get(LeafletImage, image.id)
    assert (image.width, image.height) == (620, 262)
    assert [w["text"] for w in image.ocr_words] == [w["text"] for w in kept] and "BUSES" in image.text
    assert not any(name in image.text for name in PRIVATE)
    with Image.open(runtime.storage().find(image.stored_sha256, "master")[0]) as master:
        assert master.size == (620, 262)
    assert (
        top_half
        == db.session.scalars(select(AuditEntry).where(AuditEntry.action == "crop"))
        .one()
        .details["rectangle"]
    )


@pytest.mark.parametrize(
    "data, message",
    [
        ({"action": "blur"}, "Draw a rectangle"),
        ({"action": "blur", "left": "10", "top": "x", "width": "5", "height": "5"}, "four whole numbers"),
        ({"action": "black", "boxes": "5000,5000,10,10"}, "lie on the photo"),
        ({"action": "crop", "boxes": "0,0,20,20"}, "Keep at least"),
        ({"action": "crop", "boxes": "0,0,100,100;0,0,200,200"}, "exactly one rectangle"),
        ({"action": "smudge", "boxes": "0,0,100,100"}, "Choose blur or black out"),
    ],
)
def test_a_refused_edit_says_why_beside_the_fields_and_changes_nothing(
    app: Flask, data: dict[str, str], message: str
) -> None:
    from tests.factories import make_leaflet, store_files

    leaflet = make_leaflet()
    image = leaflet.images[0]
    store_files(image, (300, 200))
    key = image.stored_sha256
    response = _moderator(app).post(f"/moderate/images/{image.id}/edit", data=data)
    page = response.get_data(as_text=True)
    assert response.status_code == 422 and message in page and 'class="field-error"' in page
    assert db.session.get(LeafletImage, image.id).stored_sha256 == key
    assert db.session.scalar(select(AuditEntry).where(AuditEntry.target_type == "image")) is None


def test_only_moderators_edit_photos(app: Flask) -> None:
    from tests.factories import make_leaflet

    image_id = make_leaflet().images[0].id
    volunteer = app.test_client()
    log_in(volunteer, make_user("volunteer"))
    assert (
        volunteer.post(
            f"/moderate/images/{image_id}/edit", data={"boxes": "0,0,9,9", "action": "blur"}
        ).status_code
        == 403
    )
    assert app.test_client().get(f"/moderate/images/{image_id}/edit").status_code == 302


def test_words_a_rectangle_barely_touches_stay() -> None:
    boxes = [photo_edits.Box(100, 100, 50, 20)]
    assert photo_edits.covered((100, 100, 40, 20), boxes)
    assert not photo_edits.covered((140, 100, 100, 20), boxes)  # a tenth of the word under the rectangle
    assert not photo_edits.covered(None, boxes)


def test_a_redaction_while_ocr_reads_the_old_pixels_drops_that_reading(
    make_app: Callable[..., Flask], monkeypatch: pytest.MonkeyPatch
) -> None:
    """The run read the name before the moderator covered it: its text must never be stored."""
    from leaflets.ocr_queue import jobs, runner

    app = make_app(**FAST)
    with app.app_context():
        client = app.test_client()
        image_id = upload(client, leaflet_image(ADDRESSED, size=(620, 877)))["images"][0]["id"]
        moderator = make_user("moderator")
        recognise = runner.ocr.recognise

        def read_then_a_moderator_redacts(*args: Any, **kwargs: Any) -> Any:
            result = recognise(*args, **kwargs)
            with app.app_context():
                boxes = [photo_edits.Box(0, 250, 620, 140)]  # the two lines of name and address
                photo_edits.edit_photo(image_id, moderator, photo_edits.redaction(boxes, "black"))
            return result

        monkeypatch.setattr(runner.ocr, "recognise", read_then_a_moderator_redacts)
        job = jobs.claim(image_id, "slow", settings_of(app))
        assert job is not None
        runner.run_job(job, settings_of(app))
        db.session.expire_all()
        image = db.session.get(LeafletImage, image_id)
        assert image.ocr_status == "pending" and image.ocr_text is None  # the run's reading landed nowhere
        monkeypatch.setattr(runner.ocr, "recognise", recognise)
        assert Worker(app, settings_of(app), "w").run(max_jobs=1) == 1  # read again, from the redacted pixels
        db.session.expire_all()
        image = db.session.get(LeafletImage, image_id)
        assert "potholes" in image.text and not any(name in image.text for name in PRIVATE)
