"""POST /api/v1/leaflets: the contract, storage, deduplication, and every kind of bad input."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pytest
from PIL import Image
from sqlalchemy import func, select

from leaflets import runtime
from leaflets.extensions import db
from leaflets.models import Leaflet, LeafletImage
from tests.support import both_databases, leaflet_image, multipart, upload_fields


def post(client, images, **fields):
    return client.post(
        "/api/v1/leaflets",
        data=multipart(upload_fields(**fields), images),
        content_type="multipart/form-data",
    )


def counts():
    return (
        db.session.scalar(select(func.count(Leaflet.id))),
        db.session.scalar(select(func.count(LeafletImage.id))),
    )


def stored_files(app) -> list[Path]:
    root = Path(app.config["UPLOAD_DIR"])
    return sorted(p for p in root.rglob("*") if p.is_file()) if root.exists() else []


@both_databases
def test_upload_creates_leaflet_with_images_and_location(app, client):
    response = post(
        client, [(leaflet_image(), "front.jpg"), (leaflet_image(["BACK PAGE"], fmt="PNG"), "back.png")]
    )
    assert response.status_code == 201, response.get_json()
    body = response.get_json()
    assert response.headers["Location"].endswith(f"/api/v1/leaflets/{body['id']}")
    assert body["party"]["slug"] == "labour" and body["area"]["gss"] == "E14001063"
    assert [image["role"] for image in body["images"]] == ["front", "back"]
    assert {image["ocr_status"] for image in body["images"]} == {"pending"}
    assert body["images"][1]["mime"] == "image/png"
    for image in body["images"]:
        for variant in ("master", "display", "thumb"):
            assert runtime.storage().find(image["sha256"], variant) is not None
    assert counts() == (1, 2)


@both_databases
def test_postcode_resolves_to_constituency_and_only_district_is_kept(app, client):
    response = post(client, [(leaflet_image(), "a.jpg")], area="", postcode="ab11 5qn")
    assert response.status_code == 201, response.get_json()
    body = response.get_json()
    assert body["area"]["name"] == "Aberdeen South"
    assert body["postcode_district"] == "AB11"
    assert "5QN" not in response.get_data(as_text=True)


@both_databases
def test_split_postcode_district_asks_for_a_choice(app, client):
    response = post(client, [(leaflet_image(), "a.jpg")], area="", postcode="KT14")
    assert response.status_code == 422
    error = response.get_json()["error"]
    assert error["code"] == "area_choice_needed"
    assert error["kind"] == "district" and error["district"] == "KT14"
    assert {choice["name"] for choice in error["choices"]} >= {"Woking", "Runnymede and Weybridge"}
    assert counts() == (0, 0)
    assert stored_files(app) == []


@both_databases
def test_identical_bytes_reuse_the_stored_image_and_mark_the_duplicate(app, client):
    photo = leaflet_image(["SAME LEAFLET"])
    first = post(client, [(photo, "a.jpg")]).get_json()
    files_after_first = stored_files(app)
    second = post(client, [(photo, "copy.jpg")], area="E14001064").get_json()
    assert stored_files(app) == files_after_first
    assert second["images"][0]["sha256"] == first["images"][0]["sha256"]
    assert second["duplicate_of"] == first["id"]
    assert counts() == (2, 2)


@both_databases
def test_stored_files_are_content_addressed_and_written_atomically(app, client):
    post(client, [(leaflet_image(), "a.jpg")])
    files = stored_files(app)
    assert {f.name for f in files} == {"master.jpg", "display.jpg", "thumb.jpg"}
    assert not [f for f in files if f.name.endswith(".tmp")]
    sha = files[0].parent.name
    assert files[0].parent.parent.name == sha[:2]


def test_48_megapixel_phone_photo_is_accepted_and_master_capped(app, client):
    big = io.BytesIO()
    Image.new("RGB", (8000, 6000), "white").save(big, "JPEG", quality=70)
    response = post(client, [(big.getvalue(), "phone.jpg")])
    assert response.status_code == 201, response.get_json()
    image = response.get_json()["images"][0]
    assert max(image["width"], image["height"]) == app.config["MASTER_LONG_EDGE"]
    assert max(image["width"], image["height"]) >= 4000


def _png_bomb() -> bytes:
    buffer = io.BytesIO()
    Image.new("1", (40000, 40000)).save(buffer, "PNG")
    return buffer.getvalue()


def _jpeg_claiming(width: int, height: int) -> bytes:
    data = bytearray(leaflet_image(size=(64, 64)))
    sof = data.find(b"\xff\xc0")
    data[sof + 5 : sof + 9] = height.to_bytes(2, "big") + width.to_bytes(2, "big")
    return bytes(data)


def _zip() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("a.txt", "hello")
    return buffer.getvalue()


BAD_FILES = [
    pytest.param(b"", "empty.jpg", 422, "empty", id="zero-bytes"),
    pytest.param(leaflet_image()[:700], "cut.jpg", 422, "damaged", id="truncated-jpeg"),
    pytest.param(
        leaflet_image()[:300] + b"\x00garbage" * 400, "garbage.jpg", 422, "damaged", id="jpeg-then-garbage"
    ),
    pytest.param(_png_bomb(), "bomb.png", 413, "megapixels", id="png-bomb"),
    pytest.param(_jpeg_claiming(65500, 65500), "huge.jpg", 413, "megapixels", id="jpeg-65500"),
    pytest.param(
        b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>',
        "x.jpg",
        415,
        "(x.jpg) looks like an SVG drawing, not a photo",
        id="svg-renamed",
    ),
    pytest.param(
        b"<!doctype html><html><script>alert(1)</script></html>",
        "page.jpg",
        415,
        "(page.jpg) looks like a web page (HTML), not a photo",
        id="html-renamed",
    ),
    pytest.param(
        b"%PDF-1.7\n1 0 obj << >> endobj\n%%EOF",
        "doc.png",
        415,
        "(doc.png) looks like a PDF document, not a photo; send a JPEG, PNG, WebP or HEIC image",
        id="pdf-renamed",
    ),
    pytest.param(_zip(), "archive.png", 415, "(archive.png) looks like a ZIP archive", id="zip-renamed"),
]


@both_databases
@pytest.mark.parametrize(("content", "name", "status", "words"), BAD_FILES)
def test_bad_files_are_refused_and_nothing_is_stored(app, client, content, name, status, words):
    response = post(client, [(leaflet_image(["GOOD ONE"]), "good.jpg"), (content, name)])
    assert response.status_code == status
    error = response.get_json()["error"]
    assert words in error["message"] and "Photo 2" in error["message"]
    assert counts() == (0, 0)
    assert stored_files(app) == []


BAD_FIELDS = [
    pytest.param({"party": ""}, "party", id="missing-party"),
    pytest.param({"party": "monster-raving-loony-2"}, "party", id="unknown-party"),
    pytest.param({"area": "E99999999"}, "area", id="unknown-area"),
    pytest.param({"area": "", "postcode": ""}, "postcode", id="missing-area"),
    pytest.param({"election": ""}, "election", id="missing-election"),
    pytest.param({"election": "ge-1066"}, "election", id="unknown-election"),
    pytest.param({"delivered_on": "2999-01-01"}, "delivered_on", id="future-date"),
    pytest.param({"delivered_on": "yesterday"}, "delivered_on", id="bad-date"),
    pytest.param({"area": "", "postcode": "ZZ99 9ZZ"}, "postcode", id="unknown-postcode"),
    pytest.param({"area": "", "postcode": "not a postcode"}, "postcode", id="malformed-postcode"),
    pytest.param({"title": "x" * 301}, "title", id="long-title"),
]


@both_databases
@pytest.mark.parametrize(("fields", "field"), BAD_FIELDS)
def test_bad_metadata_is_refused_with_the_field_named(app, client, fields, field):
    response = post(client, [(leaflet_image(), "a.jpg")], **fields)
    assert response.status_code == 422
    assert response.get_json()["error"]["field"] == field
    assert counts() == (0, 0)
    assert stored_files(app) == []


def test_no_images_and_too_many_images(app, client):
    none = client.post("/api/v1/leaflets", data=upload_fields(), content_type="multipart/form-data")
    assert none.status_code == 422 and "at least one photo" in none.get_json()["error"]["message"]
    photo = leaflet_image(size=(200, 280))
    many = post(client, [(photo, f"{n}.jpg") for n in range(21)])
    assert many.status_code == 422 and "at most 20" in many.get_json()["error"]["message"]
    assert counts() == (0, 0)


def test_request_over_the_size_limit_is_413(make_app):
    app = make_app(MAX_UPLOAD_MB=1)
    with app.app_context():
        response = post(app.test_client(), [(b"\xff\xd8\xff" + b"\x00" * (2 * 1024 * 1024), "big.jpg")])
        assert response.status_code == 413
        assert "at most 1 MB" in response.get_json()["error"]["message"]
        assert counts() == (0, 0)


def test_five_thousand_form_fields_are_refused(app, client):
    data = multipart(upload_fields(), [(leaflet_image(), "a.jpg")])
    data.update({f"field{n}": "x" for n in range(5000)})
    response = client.post("/api/v1/leaflets", data=data, content_type="multipart/form-data")
    assert response.status_code == 413
    assert "too many" in response.get_json()["error"]["message"]
    assert counts() == (0, 0)


@pytest.mark.parametrize(
    "name",
    ["../../etc/passwd.jpg", "a\x00b.jpg", "a\r\nX-Evil: 1.jpg", "n" * 300 + ".jpg", "..\\..\\win.jpg"],
)
def test_hostile_file_names_are_never_used(app, client, name):
    """Names are ignored for storage: the photo is kept under its sha256 and nothing lands outside uploads/.

    A CR/LF in the name breaks the multipart part header itself, so that part arrives as no file at all:
    the voter is told to add a photo instead of the request failing."""
    response = post(client, [(leaflet_image(), name)])
    if "\r\n" in name:
        assert response.status_code == 422
        assert response.get_json()["error"]["message"] == "Add at least one photo of the leaflet."
        assert stored_files(app) == []
        return
    assert response.status_code == 201, response.get_json()
    root = Path(app.config["UPLOAD_DIR"])
    assert all(root in f.parents for f in stored_files(app))
    assert {f.name for f in stored_files(app)} == {"master.jpg", "display.jpg", "thumb.jpg"}
    assert "passwd" not in response.get_data(as_text=True)


def test_script_in_title_and_description_is_stored_as_text(app, client):
    payload = '<script>alert("x")</script><img src=x onerror=alert(1)>'
    response = post(client, [(leaflet_image(), "a.jpg")], title=payload, description=payload)
    assert response.status_code == 201
    leaflet = db.session.get(Leaflet, response.get_json()["id"])
    assert leaflet.title == payload and leaflet.description == payload
    assert response.get_json()["title"] == payload


def test_roles_are_taken_in_order_and_checked(app, client):
    data = multipart(upload_fields(), [(leaflet_image(["ONE"]), "1.jpg"), (leaflet_image(["TWO"]), "2.jpg")])
    data["roles"] = ["imprint", "inside"]
    ok = client.post("/api/v1/leaflets", data=data, content_type="multipart/form-data")
    assert [i["role"] for i in ok.get_json()["images"]] == ["imprint", "inside"]
    data = multipart(upload_fields(), [(leaflet_image(["THREE"]), "1.jpg")])
    data["roles"] = ["cover"]
    bad = client.post("/api/v1/leaflets", data=data, content_type="multipart/form-data")
    assert bad.status_code == 422 and "role" in bad.get_json()["error"]["message"]


def test_upload_rate_limit_answers_429(make_app):
    app = make_app(RATELIMIT_ENABLED=True, UPLOAD_RATE_LIMIT="2 per minute")
    with app.app_context():
        client = app.test_client()
        statuses = [post(client, [(leaflet_image([f"N{n}"]), "a.jpg")]).status_code for n in range(3)]
        assert statuses == [201, 201, 429]
