"""Anonymous GETs of public pages set no cookie, so a cache in front of the site may keep them (issue 13)."""

from __future__ import annotations

from flask import Flask

from leaflets.extensions import db
from leaflets.models import LeafletImage
from tests.support import leaflet_image, multipart, upload_fields


def test_anonymous_page_views_set_no_cookie(app: Flask) -> None:
    uploader = app.test_client()
    response = uploader.post(
        "/api/v1/leaflets",
        content_type="multipart/form-data",
        data=multipart(upload_fields(), [(leaflet_image(), "a.jpg")]),
    )
    assert response.status_code == 201
    leaflet_id = response.get_json()["id"]
    image = db.session.get(LeafletImage, response.get_json()["images"][0]["id"])
    pages = [
        "/",
        "/search?q=potholes",
        "/api/v1/search?q=potholes",
        f"/leaflets/{leaflet_id}",
        f"/leaflets/{leaflet_id}/ocr.json",
        "/parties/labour",
        "/areas",
        "/stats",
        "/about",
        f"/images/{image.stored_sha256}/thumb",
        "/no-such-page",
    ]
    for path in pages:
        visitor = app.test_client()  # a fresh visitor each time: no cookie sent
        with visitor.get(path) as response:
            assert response.status_code in (200, 404), path
            assert response.headers.getlist("Set-Cookie") == [], path


def test_the_report_link_leads_to_the_form_which_may_start_a_session(app: Flask) -> None:
    response = app.test_client().post(
        "/api/v1/leaflets",
        content_type="multipart/form-data",
        data=multipart(upload_fields(), [(leaflet_image(), "a.jpg")]),
    )
    leaflet_id = response.get_json()["id"]
    page = app.test_client().get(f"/leaflets/{leaflet_id}").get_data(as_text=True)
    assert f'href="/leaflets/{leaflet_id}/flag"' in page
    form = app.test_client().get(f"/leaflets/{leaflet_id}/flag")
    assert form.status_code == 200 and 'name="reason"' in form.get_data(as_text=True)
