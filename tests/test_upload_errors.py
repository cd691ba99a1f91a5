"""Every problem at once: beside each field and in the summary on the form, as a list in the API."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import func, select

from leaflets.extensions import db
from leaflets.models import Leaflet
from tests.support import both_databases, leaflet_image, multipart, upload_fields

NOTHING_RIGHT = {"party": "", "postcode": "not a postcode", "area": ""}


def leaflet_count() -> int:
    return db.session.scalar(select(func.count(Leaflet.id)))


def attributes(page: str, element_id: str) -> str:
    return re.search(rf'<(?:input|select|textarea)[^>]*\bid="{element_id}"[^>]*>', page, re.S).group(0)


@both_databases
def test_form_shows_every_error_beside_its_field_and_in_the_summary(app, client):
    response = client.post("/upload", data=upload_fields(**NOTHING_RIGHT), content_type="multipart/form-data")
    assert response.status_code == 422 and leaflet_count() == 0
    page = response.get_data(as_text=True)
    assert "<title>Error: Upload a leaflet" in page and "There are 3 problems" in page
    summary = re.search(r'<ul class="error-summary-list">(.*?)</ul>', page, re.S).group(1)
    links = re.findall(r'<a href="#([a-z_]+)">([^<]+)</a>', summary)
    assert [field for field, _ in links] == ["images", "party", "postcode"]  # in the order of the form
    assert "Add at least one photo" in links[0][1] and "Choose the party" in links[1][1]
    assert "is not a UK postcode" in links[2][1]
    for field in ("images", "party", "postcode"):
        tag = attributes(page, field)
        assert 'aria-invalid="true"' in tag and f"{field}-error" in tag, tag
        beside = re.search(rf'<div class="error-message" id="{field}-error">(.*?)</div>', page, re.S).group(1)
        assert "Error: " in beside
    assert "aria-invalid" not in attributes(page, "election") + attributes(page, "title")


@both_databases
def test_api_lists_every_error_and_keeps_the_first_as_error(app, client):
    response = client.post(
        "/api/v1/leaflets", data=upload_fields(**NOTHING_RIGHT), content_type="multipart/form-data"
    )
    assert response.status_code == 422
    body = response.get_json()
    assert [(e["field"], e["code"]) for e in body["errors"]] == [
        ("images", "no_images"),
        ("party", "invalid"),
        ("postcode", "postcode_malformed"),
    ]
    assert all(e["message"] for e in body["errors"])
    assert body["error"] == {"code": "no_images", "field": "images", "message": body["errors"][0]["message"]}
    assert leaflet_count() == 0


def test_api_error_list_holds_every_bad_photo_and_field_with_one_status(app, client):
    photos = [(leaflet_image(["GOOD"]), "good.jpg"), (b"%PDF-1.4", "one.jpg"), (b"", "two.jpg")]
    data = multipart(upload_fields(delivered_on="2999-01-01"), photos)
    response = client.post("/api/v1/leaflets", data=data, content_type="multipart/form-data")
    assert response.status_code == 422  # 415 and 422 problems together: the general one
    errors = response.get_json()["errors"]
    assert [e["field"] for e in errors] == ["images", "images", "delivered_on"]
    assert errors[0]["message"].startswith("Photo 2 (one.jpg) looks like a PDF document")
    assert errors[1]["message"].startswith("Photo 3 is empty")
    assert leaflet_count() == 0


def test_a_single_error_keeps_its_own_status(client):
    response = client.post(
        "/api/v1/leaflets",
        data=multipart(upload_fields(), [(b"%PDF-1.4", "a.jpg")]),
        content_type="multipart/form-data",
    )
    assert response.status_code == 415 and len(response.get_json()["errors"]) == 1


def test_every_domain_error_carries_the_list_too(client):
    body = client.get("/api/v1/postcodes/ZZ99%209ZZ").get_json()
    message = body["error"]["message"]
    assert body["errors"] == [{"field": "postcode", "code": "postcode_not_found", "message": message}]


def test_photos_are_kept_and_shown_while_other_fields_are_fixed(client):
    photos = [(leaflet_image(["FRONT"]), "front.jpg"), (leaflet_image(["BACK"]), "back.jpg")]
    response = client.post(
        "/upload",
        data=multipart(upload_fields(party="", title="x" * 301), photos),
        content_type="multipart/form-data",
    )
    page = response.get_data(as_text=True)
    assert response.status_code == 422 and "There are 2 problems" in page
    assert "We kept your 2 photos" in page and len(re.findall(r'src="/upload/staged/\d\?token=', page)) == 2
    assert 'id="images-error"' not in page and 'id="title-error"' in page
    token = re.search(r'name="staged" value="([^"]+)"', page).group(1)
    fixed = client.post("/upload", data={**upload_fields(), "staged": token})
    assert fixed.status_code == 302
    leaflet = db.session.scalar(select(Leaflet))
    assert [image.role for image in leaflet.images] == ["front", "back"]


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"delivered_on": "yesterday"}, "delivered_on"),
        ({"election": "ge-1066"}, "election"),
        ({"description": "x" * 5001}, "description"),
    ],
)
def test_each_field_error_is_beside_its_field(client, fields, field):
    page = client.post(
        "/upload",
        data=multipart(upload_fields(**fields), [(leaflet_image(), "a.jpg")]),
        content_type="multipart/form-data",
    ).get_data(as_text=True)
    assert f'id="{field}-error"' in page and 'aria-invalid="true"' in attributes(page, field)
    assert f'<a href="#{field}">' in page
