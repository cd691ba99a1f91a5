"""Near-duplicates through the app: an upload whose photo is a leaflet we have is held and the voter asked;
"yes" records a delivery and discards the photos, "no" publishes and links the two; held uploads survive a
restart and expire; text copies are linked after OCR; the backfill fingerprints old photos."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import delete, func, select

from leaflets import runtime
from leaflets.extensions import db
from leaflets.models import ImageFingerprint, Leaflet, LeafletImage, LeafletSimilarity, PendingUpload
from leaflets.models._types import utcnow
from leaflets.services import near_duplicates
from tests.compare_support import BANBURY, add, demo_template_leaflets
from tests.factories import make_user
from tests.near_duplicate_images import encode, rephotograph, template_leaflet
from tests.support import both_databases, log_in, multipart, upload_fields

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


@both_databases
def test_api_heic_copy_is_held_and_yes_records_a_delivery_without_a_second_copy(app, client, original):
    before = folders(app)
    response = api_upload(
        client, encode(JANE, "HEIF", quality=60), "copy.heic", area="E14001072", delivered_on="2024-06-25"
    )
    assert response.status_code == 202, response.get_json()
    body = response.get_json()
    assert body["status"] == "possible_duplicate"
    assert body["candidate"]["id"] == original["id"] and body["candidate"]["score"] > 0.5
    assert set(body["pending"]["answers"]) == {"same", "different"}
    assert response.headers["Location"] == body["pending"]["answer_url"]
    held = folders(app) - before
    assert len(held) == 1 and leaflet_count() == 1  # the photo is kept for the answer; nothing published

    answered = client.post(body["pending"]["answer_url"], json={"answer": "same"})
    assert answered.status_code == 201, answered.get_json()
    delivery = answered.get_json()
    assert delivery["duplicate_of"] == original["id"]
    assert delivery["area"]["gss"] == "E14001072" and delivery["delivered_on"] == "2024-06-25"
    assert [i["urls"] for i in delivery["images"]] == [i["urls"] for i in original["images"]]
    assert folders(app) == before  # the held photo was deleted: no second copy
    assert db.session.scalar(select(func.count(PendingUpload.id))) == 0
    page = client.get(f"/leaflets/{original['id']}").get_data(as_text=True)
    assert "Also delivered to" in page and "Banbury" in page
    again = client.post(body["pending"]["answer_url"], data={"answer": "same"})
    assert again.status_code == 404 and again.get_json()["error"]["code"] == "not_found"


@both_databases
def test_form_rephotographed_copy_asks_and_no_publishes_a_linked_new_leaflet(app, client, original):
    response = form_upload(
        client,
        encode(rephotograph(JANE, 2), quality=80),
        "again.jpg",
        area=BANBURY,
        delivered_on="2024-06-25",
    )
    assert response.status_code == 303
    question = client.get(response.headers["Location"])
    page = question.get_data(as_text=True)
    assert question.status_code == 200 and question.headers["Cache-Control"] == "private, no-store"
    assert "Is this the same leaflet as this one?" in page
    assert "Yes, it came through my door too" in page and "No, it is different" in page
    assert f"/leaflets/{original['id']}" in page
    assert 'Banbury · delivered <time datetime="2024-06-25">' in page  # the voter's own place and date
    assert original["images"][0]["urls"]["thumb"].split("localhost")[-1] in page
    thumb = client.get(response.headers["Location"] + "/0")
    assert (
        thumb.status_code == 200
        and thumb.mimetype == "image/jpeg"
        and thumb.get_data()[:3] == b"\xff\xd8\xff"
    )
    thumb.close()

    answered = client.post(response.headers["Location"], data={"answer": "different"})
    assert answered.status_code == 303
    new_id = int(answered.headers["Location"].rsplit("/", 1)[1])
    assert new_id != original["id"] and db.session.get(Leaflet, new_id).duplicate_of_id is None
    link = db.session.scalar(select(LeafletSimilarity))
    assert (link.leaflet_id, link.other_id, link.kind) == (new_id, original["id"], "image")
    found = near_duplicates.candidates_for(db.session.get(Leaflet, new_id))
    assert [(other.id, kind) for other, _score, kind in found] == [(original["id"], "image")]


def test_resized_png_and_jpeg_are_asked_but_the_same_template_is_published(app, client, original):
    assert api_upload(client, encode(JANE.resize((620, 877)), "PNG"), "small.png").status_code == 202
    assert api_upload(client, encode(JANE, quality=60), "low.jpg").status_code == 202
    for other in (template_leaflet("Tom Brown", 2), template_leaflet("Jane Smith", 5)):
        response = api_upload(client, encode(other, quality=85), "other.jpg")
        assert response.status_code == 201, response.get_json()  # same layout, other words: a new leaflet
    identical = api_upload(client, encode(JANE, quality=92), "original.jpg")
    assert identical.status_code == 201 and identical.get_json()["duplicate_of"] == original["id"]


def test_a_bad_answer_is_a_clear_error_and_the_upload_stays_held(app, client, original):
    body = api_upload(client, encode(rephotograph(JANE, 1)), "again.jpg").get_json()
    refused = client.post(body["pending"]["answer_url"], data={"answer": "maybe"})
    assert refused.status_code == 422 and refused.get_json()["error"]["field"] == "answer"
    page = client.post(
        body["pending"]["answer_url"].replace("/api/v1/uploads/held", "/upload/same"), data={"answer": ""}
    )
    assert page.status_code == 422 and "No, it is different" in page.get_data(as_text=True)
    assert db.session.scalar(select(func.count(PendingUpload.id))) == 1
    assert client.get("/upload/same/not-a-token").status_code == 404


@both_databases
def test_a_held_upload_survives_a_restart_and_expires(make_app, app, client, original):
    body = api_upload(client, encode(JANE, quality=50), "copy.jpg").get_json()
    token = body["pending"]["answer_url"].rsplit("/", 1)[1]
    restarted = make_app()
    with restarted.app_context():
        answered = restarted.test_client().post(f"/api/v1/uploads/held/{token}", data={"answer": "different"})
        assert answered.status_code == 201
    second = api_upload(client, encode(JANE, quality=40), "copy2.jpg").get_json()
    held = db.session.scalar(select(PendingUpload))
    held.expires_at = utcnow() - timedelta(minutes=1)
    db.session.commit()
    gone = client.post(second["pending"]["answer_url"], data={"answer": "same"})
    assert gone.status_code == 410 and gone.get_json()["error"]["code"] == "pending_upload_expired"
    kept = [item["sha256"] for item in held.staged]
    result = app.test_cli_runner().invoke(args=["sweep-uploads", "--min-age-hours", "0"])
    assert result.exit_code == 0, result.output
    assert db.session.scalar(select(func.count(PendingUpload.id))) == 0
    assert not any(runtime.storage().has(sha) for sha in kept)
    assert (
        db.session.scalar(select(func.count(ImageFingerprint.key)).where(ImageFingerprint.key.in_(kept))) == 0
    )


def test_only_the_signed_in_uploader_may_answer(app, client, original):
    voter, other = make_user("volunteer"), make_user("volunteer")
    log_in(client, voter)
    body = api_upload(client, encode(JANE, quality=55), "copy.jpg").get_json()
    stranger = app.test_client()
    log_in(stranger, other)
    refused = stranger.post(body["pending"]["answer_url"], data={"answer": "same"})
    assert refused.status_code == 403
    assert app.test_client().post(body["pending"]["answer_url"], data={"answer": "same"}).status_code == 403
    assert db.session.scalar(select(PendingUpload.uploader_id)) == voter.id
    assert client.post(body["pending"]["answer_url"], data={"answer": "same"}).status_code == 201


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
    assert response.status_code == 202, response.get_json()
    assert response.get_json()["candidate"]["id"] == original["id"]
    assert response.get_json()["candidate"]["score"] > 0.99


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
def test_a_copy_is_asked_about_while_both_photos_still_wait_for_their_stored_copies(app, client):
    """`make run` answers uploads before a worker makes the display copies: the look-alike check then reads
    the held bytes of the photos (neither has a stored display copy yet)."""
    from leaflets.services import photo_variants

    app.config["IMAGE_VARIANTS"] = "background"
    first = api_upload(client, encode(JANE, quality=92), "original.jpg")
    assert first.status_code == 201, first.get_json()
    assert photo_variants.waiting_count() == 1  # no display copy of the original exists yet
    response = api_upload(client, encode(JANE.resize((620, 877)), "PNG"), "small.png")
    assert response.status_code == 202, response.get_json()
    assert response.get_json()["candidate"]["id"] == first.get_json()["id"]
    other = api_upload(client, encode(template_leaflet("Tom Brown", 2), quality=85), "other.jpg")
    assert other.status_code == 201, other.get_json()  # the same layout with other words is another leaflet
    assert photo_variants.waiting_count() == 3
    answer = client.post(response.get_json()["pending"]["answer_url"], json={"answer": "same"})
    assert answer.status_code == 201, answer.get_json()
    # the discarded photo's bytes go too: no worker makes copies nobody will show
    assert photo_variants.waiting_count() == 2
