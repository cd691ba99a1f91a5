"""Issue 9's failure cases as a new user meets them: real leaflet photos uploaded through the API and read by
the OCR worker with real Tesseract (read in place from shared/data/real_leaflets, never copied)."""

from __future__ import annotations

import re
from typing import Callable

from flask import Flask
from flask.testing import FlaskClient

from leaflets.extensions import db
from leaflets.models import LeafletImage
from leaflets.ocr_queue.worker import Worker
from tests.support import ASK, FAST, multipart, real_leaflet, settings_of, upload_fields

SLOW = {**FAST, "OCR_TIMEOUT_S": 120.0}  # a 12-megapixel phone photo on a shared machine


def upload_and_read(app: Flask, client: FlaskClient, name: str) -> tuple[int, LeafletImage]:
    photo = real_leaflet(name).read_bytes()
    fields = multipart(upload_fields(title="A leaflet through my door"), [(photo, name)])
    response = client.post("/api/v1/leaflets", data=fields, content_type="multipart/form-data")
    assert response.status_code == 201, response.get_json()
    body = response.get_json()
    assert Worker(app, settings_of(app), "w").run(max_jobs=1, stop_when_idle=True) == 1
    db.session.expire_all()  # the worker wrote through its own session: do not read the upload's cached image
    return body["id"], db.session.get(LeafletImage, body["images"][0]["id"])


def words(text: str) -> set[str]:
    return set(re.findall(r"[a-z0-9']+", text.lower()))


def test_an_iphone_photo_is_uploaded_read_and_published_with_its_headline(
    make_app: Callable[..., Flask],
) -> None:
    app = make_app(**SLOW)
    with app.app_context():
        client = app.test_client()
        leaflet_id, image = upload_and_read(app, client, "el_libdem_fair_deal_2024_iphone.jpeg")
        assert (image.ocr_status, image.ocr_readable) == ("done", True)
        # the headline THIS IS OUR CHANCE FOR A FAIR DEAL, set too large for Tesseract's page analysis
        assert {"this", "our", "chance", "fair", "deal"} <= words(image.text)
        assert {"sewage", "rivers", "davey"} <= words(image.text)
        api_image = client.get(f"/api/v1/leaflets/{leaflet_id}").get_json()["images"][0]
        assert api_image["text_status"] == "read" and (api_image["width"], api_image["height"]) == (
            3024,
            4032,
        )
        assert "sewage" in client.get(f"/leaflets/{leaflet_id}").get_data(as_text=True).lower()


def test_the_green_paper_scan_is_read_upright(make_app: Callable[..., Flask]) -> None:
    app = make_app(**SLOW)
    with app.app_context():
        client = app.test_client()
        leaflet_id, image = upload_and_read(app, client, "el_api_1_green_view_liverpool_2011.jpg")
        assert (image.ocr_status, image.ocr_readable) == ("done", True)
        assert {"green", "view", "job", "done", "bus", "shelter", "aigburth"} <= words(image.text)
        api_image = client.get(f"/api/v1/leaflets/{leaflet_id}").get_json()["images"][0]
        assert (api_image["width"], api_image["height"]) == (1172, 1646)  # not turned


def test_a_low_resolution_leaflet_is_not_published_as_its_text(make_app: Callable[..., Flask]) -> None:
    app = make_app(**SLOW)
    with app.app_context():
        client = app.test_client()
        leaflet_id, image = upload_and_read(app, client, "el_small_inside_van_orden_edispatch.jpg")
        assert (image.ocr_status, image.ocr_readable, image.text) == ("done", False, "")
        assert image.needs_transcription
        page = client.get(f"/leaflets/{leaflet_id}").get_data(as_text=True)
        assert ASK in page
        # what was read is not shown (with nothing fit to publish, the pipeline may keep no text at all)
        assert not image.ocr_text or image.ocr_text[:30] not in page
        api_image = client.get(f"/api/v1/leaflets/{leaflet_id}").get_json()["images"][0]
        assert (api_image["text"], api_image["text_status"]) == (None, "unreadable")
