"""Near-duplicates through the app: an upload is published at once (201); when its photo looks like an earlier
leaflet's, its uploader alone is asked "is this the same leaflet?" (after the variant worker's check with
IMAGE_VARIANTS=background, at once with inline); "yes" turns it into a delivery and discards its photos, "no"
keeps it, linked for moderators; questions survive a restart and expire; text copies are linked after OCR; the
backfill fingerprints old photos."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import delete, func, select

from leaflets import runtime
from leaflets.extensions import db
from leaflets.models import (
    ImageFingerprint,
    Leaflet,
    LeafletImage,
    LeafletSimilarity,
    PendingPhoto,
    PendingUpload,
)
from leaflets.models._types import utcnow
from leaflets.services import live_counts, near_duplicates
from tests.compare_support import BANBURY, add, demo_template_leaflets
from tests.factories import make_user
from tests.near_duplicate_images import encode, rephotograph, template_leaflet
from tests.support import BACKGROUND, both_databases, log_in, make_variants, multipart, upload_fields

JANE = template_leaflet("Jane Smith", 1)


def api_upload(client, data: bytes, name: str = "photo.jpg", **fields):
    return client.post(
        "/api/v1/leaflets",
        data=multipart(upload_fields(**fields), [(data, name)]),
        content_type="multipart/form-data",
    )


def form_upload(client, data: bytes, name: str = "photo.jpg", **fields):
    return client.post(
        "/upload", data=multipart(upload_fields(**fields), [(data, name)]), content_type="multipart/form-data"
    )


def leaflet_count() -> int:
    return db.session.scalar(select(func.count(Leaflet.id))) or 0


def folders(app) -> set[str]:
    root = Path(app.config["UPLOAD_DIR"])
    return {path.name for path in root.glob("*/*") if path.is_dir()}


@pytest.fixture
def original(client) -> dict:
    response = api_upload(client, encode(JANE, quality=92), "original.jpg")
    assert response.status_code == 201, response.get_json()
    return response.get_json()


def question_path(body: dict) -> str:
    return body["same_question_url"].split("localhost", 1)[1]


def asked(client, body: dict) -> dict | None:
    """The question put to the uploader about this upload, or None when nothing alike was found."""
    response = client.get(question_path(body))
    if response.status_code == 404:
        return None
    assert response.status_code == 200 and response.headers["Cache-Control"] == "private, no-store"
    return response.get_json()


def page_question(client, leaflet_id: int) -> bool:
    page = client.get(f"/leaflets/{leaflet_id}")
    assert page.status_code == 200
    return "Is this the same leaflet as this one?" in page.get_data(as_text=True)


@both_databases
def test_api_heic_copy_is_published_asked_and_yes_makes_it_a_delivery_without_a_second_copy(
    app, client, original
):
    before = folders(app)
    response = api_upload(
        client, encode(JANE, "HEIF", quality=60), "copy.heic", area="E14001072", delivered_on="2024-06-25"
    )
    assert response.status_code == 201, response.get_json()
    body = response.get_json()
    assert leaflet_count() == 2 and body["duplicate_of"] is None  # published at once
    question = asked(client, body)
    assert question["status"] == "open" and question["leaflet_id"] == body["id"]
    assert question["candidate"]["id"] == original["id"] and question["candidate"]["score"] > 0.5
    assert set(question["answers"]) == {"same", "different"}
    own = folders(app) - before
    assert len(own) == 1

    answered = client.post(question_path(body), json={"answer": "same"})
    assert answered.status_code == 200, answered.get_json()
    delivery = answered.get_json()
    assert delivery["id"] == body["id"] and delivery["duplicate_of"] == original["id"]
    assert delivery["area"]["gss"] == "E14001072" and delivery["delivered_on"] == "2024-06-25"
    assert [i["urls"] for i in delivery["images"]] == [i["urls"] for i in original["images"]]
    assert folders(app) == before  # its own photo was deleted: no second copy
    assert (
        db.session.scalar(select(func.count(ImageFingerprint.key)).where(ImageFingerprint.key.in_(own))) == 0
    )
    assert db.session.scalar(select(func.count(PendingUpload.id))) == 0
    assert live_counts.kept() == live_counts.recount()  # counts follow the photos swapped
    page = client.get(f"/leaflets/{original['id']}").get_data(as_text=True)
    assert "Also delivered to" in page and "Banbury" in page
    again = client.post(question_path(body), data={"answer": "same"})
    assert again.status_code == 404 and again.get_json()["error"]["code"] == "not_found"
    assert "same_question" not in client.get(f"/api/v1/leaflets/{body['id']}").get_json()


@both_databases
def test_form_rephotographed_copy_is_asked_on_its_page_and_no_keeps_it_linked(app, client, original):
    response = form_upload(
        client,
        encode(rephotograph(JANE, 2), quality=80),
        "again.jpg",
        area=BANBURY,
        delivered_on="2024-06-25",
    )
    assert response.status_code == 302
    new_id = int(response.headers["Location"].rsplit("/", 1)[1])
    assert new_id != original["id"] and db.session.get(Leaflet, new_id).duplicate_of_id is None
    question = client.get(f"/leaflets/{new_id}")
    page = question.get_data(as_text=True)
    assert question.status_code == 200 and question.headers["Cache-Control"] == "private, no-store"
    assert "Is this the same leaflet as this one?" in page
    assert "Yes, it came through my door too" in page and "No, it is different" in page
    assert f"/leaflets/{original['id']}" in page
    assert 'Banbury · delivered <time datetime="2024-06-25">' in page  # the voter's own place and date
    assert original["images"][0]["urls"]["thumb"].split("localhost")[-1] in page
    ocr = client.get(f"/leaflets/{new_id}/ocr.json").get_json()
    assert "Is this the same leaflet as this one?" in ocr["same_question"]["html"]  # for the page's poll
    stranger = app.test_client()
    assert not page_question(stranger, new_id)  # nobody else is asked
    assert stranger.get(f"/leaflets/{new_id}/ocr.json").get_json()["same_question"] is None
    link = db.session.scalar(select(LeafletSimilarity))  # linked for moderators as soon as it was found
    assert (link.leaflet_id, link.other_id, link.kind) == (new_id, original["id"], "image")

    token = db.session.scalar(select(PendingUpload.token))
    assert stranger.post(f"/upload/same/{token}", data={"answer": "same"}).status_code == 403
    answered = client.post(f"/upload/same/{token}", data={"answer": "different"})
    assert answered.status_code == 303 and answered.headers["Location"].endswith(f"/leaflets/{new_id}")
    assert not page_question(client, new_id)
    assert db.session.get(Leaflet, new_id).duplicate_of_id is None
    found = near_duplicates.candidates_for(db.session.get(Leaflet, new_id))
    assert [(other.id, kind) for other, _score, kind in found] == [(original["id"], "image")]


def test_resized_png_and_jpeg_are_asked_about_but_the_same_template_is_not(app, client, original):
    for data, name in (
        (encode(JANE.resize((620, 877)), "PNG"), "small.png"),
        (encode(JANE, quality=60), "low.jpg"),
    ):
        response = api_upload(client, data, name)
        assert response.status_code == 201 and asked(client, response.get_json())["status"] == "open"
    for other in (template_leaflet("Tom Brown", 2), template_leaflet("Jane Smith", 5)):
        response = api_upload(client, encode(other, quality=85), "other.jpg")
        assert response.status_code == 201, response.get_json()  # same layout, other words: a new leaflet
        assert asked(client, response.get_json()) is None
    identical = api_upload(client, encode(JANE, quality=92), "original.jpg")
    assert identical.status_code == 201 and identical.get_json()["duplicate_of"] == original["id"]
    assert "same_question_url" not in identical.get_json()  # a delivery at once: nothing to ask


def test_a_bad_answer_is_a_clear_error_and_the_question_stays(app, client, original):
    body = api_upload(client, encode(rephotograph(JANE, 1)), "again.jpg").get_json()
    refused = client.post(question_path(body), data={"answer": "maybe"})
    assert refused.status_code == 422 and refused.get_json()["error"]["field"] == "answer"
    page = client.post(
        question_path(body).replace("/api/v1/uploads/held", "/upload/same"), data={"answer": ""}
    )
    assert page.status_code == 422 and "No, it is different" in page.get_data(as_text=True)
    assert db.session.scalar(select(func.count(PendingUpload.id))) == 1
    assert client.post("/upload/same/not-a-token", data={"answer": "same"}).status_code == 404
    assert client.get("/api/v1/uploads/held/not-a-token").status_code == 404


@both_databases
def test_a_question_survives_a_restart_and_expires(make_app, app, client, original):
    body = api_upload(client, encode(JANE, quality=50), "copy.jpg").get_json()
    restarted = make_app()
    with restarted.app_context():
        answered = restarted.test_client().post(question_path(body), data={"answer": "different"})
        assert answered.status_code == 200
    second = api_upload(client, encode(JANE, quality=40), "copy2.jpg").get_json()
    held = db.session.scalar(select(PendingUpload))
    held.expires_at = utcnow() - timedelta(minutes=1)
    db.session.commit()
    gone = client.post(question_path(second), data={"answer": "same"})
    assert gone.status_code == 410 and gone.get_json()["error"]["code"] == "pending_upload_expired"
    result = app.test_cli_runner().invoke(args=["sweep-uploads", "--min-age-hours", "0"])
    assert result.exit_code == 0, result.output
    assert db.session.scalar(select(func.count(PendingUpload.id))) == 0
    kept = db.session.get(Leaflet, second["id"])  # unanswered: it stays published, and linked
    assert kept.is_live and all(runtime.storage().has(image.stored_sha256) for image in kept.images)
    linked = db.session.scalars(select(LeafletSimilarity.leaflet_id).where(LeafletSimilarity.kind == "image"))
    assert second["id"] in set(linked)


def test_only_the_signed_in_uploader_may_see_and_answer(app, client, original):
    voter, other = make_user("volunteer"), make_user("volunteer")
    log_in(client, voter)
    body = api_upload(client, encode(JANE, quality=55), "copy.jpg").get_json()
    assert page_question(client, body["id"])
    shown = client.get(f"/api/v1/leaflets/{body['id']}")
    assert shown.get_json()["same_question"]["url"] == body["same_question_url"]  # found on the leaflet
    assert shown.headers["Cache-Control"] == "private, no-store"
    stranger = app.test_client()
    log_in(stranger, other)
    assert not page_question(stranger, body["id"])
    assert "same_question" not in stranger.get(f"/api/v1/leaflets/{body['id']}").get_json()
    assert stranger.get(question_path(body)).status_code == 403
    assert stranger.post(question_path(body), data={"answer": "same"}).status_code == 403
    assert app.test_client().post(question_path(body), data={"answer": "same"}).status_code == 403
    assert db.session.scalar(select(PendingUpload.uploader_id)) == voter.id
    assert client.post(question_path(body), data={"answer": "same"}).status_code == 200


def test_the_backfill_fingerprints_every_stored_photo_with_a_progress_bar(app, client, runner, original):
    api_upload(client, encode(template_leaflet("Tom Brown", 2)), "other.jpg")
    keys = set(db.session.scalars(select(LeafletImage.stored_sha256)))
    db.session.execute(delete(ImageFingerprint))
    db.session.commit()
    result = runner.invoke(args=["near-duplicates", "backfill"])
    assert result.exit_code == 0, result.output
    assert (
        "Fingerprinting photos" in result.output
        and f"Fingerprinted {len(keys)} of {len(keys)}" in result.output
    )
    assert set(db.session.scalars(select(ImageFingerprint.key))) == keys
    assert "Linking text copies" in result.output and "leaflet(s) have a likely text copy" in result.output
    again = runner.invoke(args=["near-duplicates", "backfill", "--no-text"])
    assert "Fingerprinted 0 of 0" in again.output and "Linking" not in again.output


def test_one_photo_identical_to_a_leaflets_and_one_new_is_asked_about(app, client, original):
    response = client.post(
        "/api/v1/leaflets",
        data=multipart(
            upload_fields(),
            [
                (encode(JANE, quality=92), "original.jpg"),
                (encode(template_leaflet("Back Page", 9)), "back.jpg"),
            ],
        ),
        content_type="multipart/form-data",
    )
    assert response.status_code == 201, response.get_json()
    question = asked(client, response.get_json())
    assert question["candidate"]["id"] == original["id"] and question["candidate"]["score"] > 0.99


@both_databases
def test_after_ocr_text_copies_are_linked_for_moderators(app, client):
    made = demo_template_leaflets(app, areas=("E14001063", BANBURY))
    other = add(
        "An entirely different leaflet about the village green and the bus timetable, with "
        "nothing at all in common with the national template. " * 3,
        area="E14001073",
    )
    near_duplicates.leaflet_changed(other.id)
    first, second = made
    links = db.session.execute(
        select(LeafletSimilarity.leaflet_id, LeafletSimilarity.other_id, LeafletSimilarity.kind)
    ).all()
    assert (max(first.id, second.id), min(first.id, second.id), "text") in links
    assert all(other.id not in pair[:2] for pair in links)
    found = near_duplicates.candidates_for(db.session.get(Leaflet, first.id))
    assert (second.id, "text") in [(leaflet.id, kind) for leaflet, _score, kind in found]
    log_in(client, make_user("moderator"))
    page = client.get(f"/moderate/leaflets/{first.id}").get_data(as_text=True)
    assert (
        "Possibly the same as" in page and f"/moderate/leaflets/{second.id}" in page and "same text" in page
    )


@both_databases
def test_background_check_asks_only_the_uploader_after_the_variant_worker_and_yes_discards(make_app):
    """`make run`: the upload answers 201 before any photo is decoded at full size; the variant worker runs
    the check (on the small pictures kept) before it makes the copies; the question appears on the leaflet
    page of the session that uploaded it only."""
    app = make_app(**BACKGROUND)
    with app.app_context():
        client, stranger = app.test_client(), app.test_client()
        first = api_upload(client, encode(JANE, quality=92), "original.jpg")
        assert first.status_code == 201, first.get_json()
        make_variants(app)
        response = form_upload(client, encode(rephotograph(JANE, 2), quality=80), "again.jpg", area=BANBURY)
        assert response.status_code == 302  # published at once, nothing compared yet
        new_id = int(response.headers["Location"].rsplit("/", 1)[1])
        assert db.session.scalar(select(PendingUpload.candidate_id)) is None  # the check waits for the worker
        page = client.get(f"/leaflets/{new_id}").get_data(as_text=True)
        assert "data-same-checking" in page and "Is this the same leaflet" not in page
        assert client.get(f"/leaflets/{new_id}/ocr.json").get_json()["same_question"] == {
            "checking": True,
            "html": None,
        }
        new_image = db.session.scalar(select(LeafletImage).where(LeafletImage.leaflet_id == new_id))
        own = new_image.stored_sha256

        assert make_variants(app) == 1  # the check (on the kept small picture), then the photo's copies
        assert page_question(client, new_id)
        assert not page_question(stranger, new_id) and "data-same-checking" not in stranger.get(
            f"/leaflets/{new_id}"
        ).get_data(as_text=True)
        token = db.session.scalar(select(PendingUpload.token))
        assert stranger.post(f"/upload/same/{token}", data={"answer": "same"}).status_code == 403

        answered = client.post(f"/upload/same/{token}", data={"answer": "same"})
        assert answered.status_code == 303
        assert answered.headers["Location"].endswith(f"/leaflets/{first.get_json()['id']}")
        db.session.expire_all()
        delivery = db.session.get(Leaflet, new_id)
        assert delivery.duplicate_of_id == first.get_json()["id"] and delivery.is_live
        shown = db.session.get(Leaflet, first.get_json()["id"]).images
        assert [i.stored_sha256 for i in delivery.images] == [i.stored_sha256 for i in shown]
        # its own image, and with it its OCR job, is gone
        assert db.session.scalar(select(func.count()).where(LeafletImage.stored_sha256 == own)) == 0
        assert not runtime.storage().has(own) and db.session.get(PendingPhoto, own) is None
        assert live_counts.kept() == live_counts.recount()


@both_databases
def test_a_copy_uploaded_while_the_original_still_waits_is_asked_about_the_earlier_only(make_app):
    """Two look-alikes sent before any copy exists: the later is asked about the earlier, never the reverse;
    an answer "same" to a question whose photos still wait deletes their waiting bytes too."""
    app = make_app(**BACKGROUND)
    with app.app_context():
        client = app.test_client()
        first = api_upload(client, encode(JANE, quality=92), "original.jpg").get_json()
        second = api_upload(client, encode(JANE.resize((620, 877)), "PNG"), "small.png").get_json()
        other = api_upload(
            client, encode(template_leaflet("Tom Brown", 2), quality=85), "other.jpg"
        ).get_json()
        assert asked(client, second)["status"] == "checking"
        make_variants(app)
        assert asked(client, first) is None and asked(client, other) is None
        question = asked(client, second)
        assert question["status"] == "open" and question["candidate"]["id"] == first["id"]


def test_a_waiting_photos_look_decoded_by_its_check_is_kept_for_later_checks(make_app):
    """Issue 13: a burst's checks compared with photos still waiting for their copies and decoded each one's
    small picture from its 3-4 MB bytes every time (a JPEG the request only walked keeps none). The upload's
    own check keeps the picture it decoded; a later check compares with that."""
    from leaflets.models import PendingPhoto
    from leaflets.services import pending_uploads, photo_variants

    app = make_app(**BACKGROUND)
    with app.app_context():
        client = app.test_client()
        first = api_upload(client, encode(JANE, quality=92), "original.jpg").get_json()
        key = db.session.scalar(select(PendingPhoto.sha256))
        assert photo_variants.held_look(key) is None  # walked, not decoded, on the request
        assert pending_uploads.check_next()
        kept = photo_variants.held_look(key)
        assert kept is not None and kept.mode == "L" and min(kept.size) >= 300
        second = api_upload(client, encode(JANE.resize((620, 877)), "PNG"), "small.png").get_json()
        assert pending_uploads.check_next()  # compared with the kept picture: still found alike
        assert asked(client, first) is None
        question = asked(client, second)
        assert question["status"] == "open" and question["candidate"]["id"] == first["id"]
