"""The /upload page without JavaScript: the form, its messages, kept photos, and the constituency choice."""

from __future__ import annotations

import re

from sqlalchemy import func, select

from leaflets.extensions import db
from leaflets.models import Leaflet
from tests.support import leaflet_image, multipart, upload_fields


def test_form_has_labelled_fields_and_sensible_defaults(client):
    page = client.get("/upload").get_data(as_text=True)
    for field in (
        "images",
        "camera",
        "party",
        "postcode",
        "area",
        "election",
        "delivered_on",
        "title",
        "description",
    ):
        assert f'for="{field}"' in page and f'id="{field}"' in page
    assert 'value="unknown"' in page and "Don't know" in page
    assert re.search(
        r'id="delivered_on" name="delivered_on" value="\d{4}-\d\d-\d\d" max="\d{4}-\d\d-\d\d"', page
    )
    assert 'enctype="multipart/form-data"' in page


def test_prefilled_from_the_query_string_for_batch_uploads(client):
    page = client.get("/upload?area=E14001063&election=ge-2024&party=green").get_data(as_text=True)
    assert '<option value="E14001063" selected>' in page
    assert '<option value="ge-2024" selected>' in page
    assert '<option value="green" selected>' in page


def test_successful_upload_redirects_to_the_leaflet_with_an_upload_another_link(client):
    response = client.post(
        "/upload",
        data=multipart(upload_fields(), [(leaflet_image(), "a.jpg")]),
        content_type="multipart/form-data",
    )
    assert response.status_code == 302
    leaflet_id = db.session.scalar(select(Leaflet.id))
    assert response.headers["Location"].endswith(f"/leaflets/{leaflet_id}")
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "your leaflet is online" in page
    assert "/upload?area=E14001063&amp;election=ge-2024" in page


def test_metadata_error_keeps_the_photos_and_a_second_post_needs_no_files(client):
    first = client.post(
        "/upload",
        data=multipart(upload_fields(party=""), [(leaflet_image(), "a.jpg")]),
        content_type="multipart/form-data",
    )
    assert first.status_code == 422
    page = first.get_data(as_text=True)
    assert "Choose the party" in page and "We kept your 1 photo" in page
    token = re.search(r'name="staged" value="([^"]+)"', page).group(1)
    second = client.post("/upload", data={**upload_fields(), "staged": token})
    assert second.status_code == 302
    assert db.session.scalar(select(func.count(Leaflet.id))) == 1


def test_forged_staged_token_is_refused(client):
    response = client.post("/upload", data={**upload_fields(), "staged": "forged.token.value"})
    assert response.status_code == 422
    assert "expired" in response.get_data(as_text=True)


def test_split_postcode_district_offers_the_constituencies(client):
    response = client.post(
        "/upload",
        data=multipart(upload_fields(area="", postcode="KT14"), [(leaflet_image(), "a.jpg")]),
        content_type="multipart/form-data",
    )
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "KT14 covers" in page
    assert 'type="radio" name="area"' in page and "Woking" in page and "Runnymede and Weybridge" in page
    token = re.search(r'name="staged" value="([^"]+)"', page).group(1)
    woking = re.search(r'value="(E\d+)">\s*<label for="area(?:-E\d+)?">Woking', page).group(1)
    chosen = client.post("/upload", data={**upload_fields(area=woking, postcode="KT14 6AB"), "staged": token})
    assert chosen.status_code == 302
    leaflet = db.session.scalar(select(Leaflet))
    assert leaflet.area.name == "Woking" and leaflet.postcode_district == "KT14"


def test_bad_image_is_explained_on_the_form(client):
    response = client.post(
        "/upload",
        data=multipart(upload_fields(), [(b"%PDF-1.4", "leaflet.jpg")]),
        content_type="multipart/form-data",
    )
    assert response.status_code == 415
    assert (
        "The photo you chose (leaflet.jpg) looks like a PDF document, not a photo; send a JPEG, PNG, WebP or "
        "HEIC image. It was not added: choose it again or another photo."
    ) in response.get_data(as_text=True)


def test_csrf_is_required_on_the_upload_form(make_app):
    app = make_app(WTF_CSRF_ENABLED=True)
    with app.app_context():
        response = app.test_client().post(
            "/upload",
            data=multipart(upload_fields(), [(leaflet_image(), "a.jpg")]),
            content_type="multipart/form-data",
        )
        assert response.status_code == 400
        assert db.session.scalar(select(func.count(Leaflet.id))) == 0


def test_script_in_title_is_shown_escaped(client):
    payload = "<script>alert('x')</script>"
    client.post(
        "/upload",
        data=multipart(upload_fields(title=payload), [(leaflet_image(), "a.jpg")]),
        content_type="multipart/form-data",
    )
    leaflet_id = db.session.scalar(select(Leaflet.id))
    page = client.get(f"/leaflets/{leaflet_id}").get_data(as_text=True)
    assert payload not in page and "&lt;script&gt;" in page


def test_script_driven_upload_gets_the_location_as_json(client):
    response = client.post(
        "/upload",
        data=multipart(upload_fields(), [(leaflet_image(), "a.jpg")]),
        content_type="multipart/form-data",
        headers={"X-Requested-With": "XMLHttpRequest"},
    )
    assert response.status_code == 201
    leaflet_id = db.session.scalar(select(Leaflet.id))
    assert response.get_json() == {"location": f"/leaflets/{leaflet_id}"}
