"""Gibberish is not published: the page asks for help, the API says why there is no text, search does not
find it, and volunteers get the photo in a queue; a volunteer's transcription becomes the published text."""

from __future__ import annotations

import re
from typing import Callable

from flask import Flask
from flask.testing import FlaskClient

from leaflets.extensions import db
from leaflets.models import LeafletImage
from leaflets.ocr_queue.worker import Worker
from leaflets.services import indexing
from tests.factories import make_user
from tests.support import (
    ASK,
    FAST,
    GIBBERISH,
    both_databases,
    leaflet_image,
    log_in,
    multipart,
    settings_of,
    upload_fields,
    wait_until,
)

TRANSCRIPTION = "Save the harbour ferry\nVote on Thursday"


def upload_and_read(app: Flask, client: FlaskClient, lines: list[str]) -> tuple[int, int]:
    photo = leaflet_image(lines, size=(620, 877))
    fields = multipart(upload_fields(title="Harbour news"), [(photo, "a.jpg")])
    response = client.post("/api/v1/leaflets", data=fields, content_type="multipart/form-data")
    assert response.status_code == 201, response.get_json()
    body = response.get_json()
    assert Worker(app, settings_of(app), "w").run(max_jobs=1, stop_when_idle=True) == 1
    return body["id"], body["images"][0]["id"]


def search_total(client: FlaskClient, words: str) -> int:
    return client.get(f"/api/v1/search?q={words}").get_json()["total"]


@both_databases
def test_gibberish_waits_for_a_volunteer_whose_text_is_then_published(make_app: Callable[..., Flask]) -> None:
    app = make_app(**FAST)
    with app.app_context():
        client = app.test_client()
        leaflet_id, image_id = upload_and_read(app, client, GIBBERISH)
        image = db.session.get(LeafletImage, image_id)
        assert (image.ocr_status, image.ocr_readable, image.text) == ("done", False, "")
        assert "PLORQ" in image.ocr_text.upper()  # kept for the record, never published
        assert image.ocr_quality and image.needs_transcription

        page = client.get(f"/leaflets/{leaflet_id}").get_data(as_text=True)
        assert ASK in page and "PLORQ" not in page.upper()
        assert f"/login?next=/leaflets/{leaflet_id}%23ocr-{image_id}" in page and "transcribe-" not in page
        api_image = client.get(f"/api/v1/leaflets/{leaflet_id}").get_json()["images"][0]
        assert (api_image["text"], api_image["text_status"]) == (None, "unreadable")
        assert api_image["ocr_status"] == "done"
        assert indexing.build_document(leaflet_id).text == ""  # indexed as a leaflet without text
        wait_until(lambda: search_total(client, "harbour") == 1)  # found by its title ...
        assert search_total(client, "plorq") == 0  # ... never by the gibberish
        hit = client.get("/api/v1/search?q=harbour").get_json()["hits"][0]
        assert "PLORQ" not in str(hit["highlights"]).upper()

        volunteer = app.test_client()
        log_in(volunteer, make_user("volunteer", name="Typist"))
        queue = volunteer.get("/volunteer?queue=transcribe").get_data(as_text=True)
        assert "Harbour news" in queue and "(1 waiting)" in queue and f"#image-{image_id}" in queue
        page = volunteer.get(f"/leaflets/{leaflet_id}").get_data(as_text=True)
        action = re.search(r'<form method="post" action="([^"]*back=leaflet[^"]*)"', page).group(1)
        saved = volunteer.post(action.replace("&amp;", "&"), data={"text": TRANSCRIPTION})
        assert saved.status_code == 302
        assert saved.headers["Location"].endswith(f"/leaflets/{leaflet_id}#ocr-{image_id}")

        page = client.get(f"/leaflets/{leaflet_id}").get_data(as_text=True)
        assert ASK not in page and "Typed by a volunteer" in page and "ferry" in page
        api_image = client.get(f"/api/v1/leaflets/{leaflet_id}").get_json()["images"][0]
        assert (api_image["text"], api_image["text_status"]) == (TRANSCRIPTION, "corrected")
        wait_until(lambda: search_total(client, "ferry") == 1)  # the index shows updates within a moment
        assert search_total(client, "plorq") == 0
        queue = volunteer.get("/volunteer?queue=transcribe").get_data(as_text=True)
        assert "(0 waiting)" in queue and "No photo is waiting" in queue


def test_a_readable_leaflet_is_published_and_not_queued_for_typing(make_app: Callable[..., Flask]) -> None:
    app = make_app(**FAST)
    with app.app_context():
        client = app.test_client()
        leaflet_id, image_id = upload_and_read(
            app,
            client,
            ["VOTE FOR BETTER BUSES", "Fix our potholes now", "Our town deserves a council", "that listens"],
        )
        image = db.session.get(LeafletImage, image_id)
        assert image.ocr_readable is True and "POTHOLES" in image.text.upper()
        assert not image.needs_transcription
        api_image = client.get(f"/api/v1/leaflets/{leaflet_id}").get_json()["images"][0]
        assert api_image["text_status"] == "read" and "POTHOLES" in api_image["text"].upper()
        assert ASK not in client.get(f"/leaflets/{leaflet_id}").get_data(as_text=True)
        assert search_total(client, "potholes") == 1


def test_the_transcription_form_on_the_work_page_is_empty_and_the_photo_opens_larger(app: Flask) -> None:
    from tests.factories import make_leaflet

    leaflet = make_leaflet(text="XQZV PLORQ")
    image = leaflet.images[0]
    image.ocr_readable = False
    db.session.commit()
    volunteer = app.test_client()
    log_in(volunteer, make_user("volunteer"))
    page = volunteer.get(f"/volunteer/leaflets/{leaflet.id}").get_data(as_text=True)
    assert ASK in page and "PLORQ" not in page
    assert re.search(rf'<textarea id="correction-{image.id}" name="text" rows="10"></textarea>', page)
    assert (
        f'href="/images/{image.stored_sha256}/master"' in page
    )  # "open full size" beside the zoomable photo
