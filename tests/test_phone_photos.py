"""Phone JPEGs that Pillow reads as MPO (a primary picture plus a second one) are accepted as JPEG, keep only
the primary picture and no metadata; a file that is no photo at all is refused by name and by its look."""

from __future__ import annotations

import io
import re

import pytest
from flask import Flask
from flask.testing import FlaskClient
from PIL import Image
from sqlalchemy import select

from leaflets import runtime
from leaflets.extensions import db
from leaflets.models import LeafletImage
from leaflets.services import file_kinds
from tests.support import both_databases, leaflet_image, multipart, upload_fields

GPS = {1: "N", 2: (51.0, 30.0, 12.5), 3: "W", 4: (0.0, 7.0, 39.0)}
SECRETS = [b"Exif", b"PhoneMaker", b"SERIAL-12345", b"MPF"]


def phone_mpo(size: tuple[int, int] = (900, 1200), orientation: int = 1) -> bytes:
    """What many phones write: a JPEG with EXIF (GPS, maker, serial) and a second, smaller picture after."""
    primary = Image.open(io.BytesIO(leaflet_image(["PRIMARY PICTURE", "Vote for buses"], size=size)))
    second = Image.new("RGB", (320, 240), "red")  # a depth map or preview: must never be served
    exif = Image.Exif()
    exif[0x010F], exif[0xA431], exif[0x0112], exif[0x8825] = "PhoneMaker", "SERIAL-12345", orientation, GPS
    buffer = io.BytesIO()
    primary.save(buffer, format="MPO", save_all=True, append_images=[second], exif=exif.tobytes())
    return buffer.getvalue()


def assert_clean_single_frame(data: bytes, size: tuple[int, int]) -> None:
    for secret in SECRETS:
        assert secret not in data, secret
    with Image.open(io.BytesIO(data)) as served:
        assert served.format == "JPEG" and getattr(served, "n_frames", 1) == 1
        assert dict(served.getexif()) == {} and "mp" not in served.info
        assert served.size == size
        # the primary (white page with black text), not the red second picture
        red, green, blue = served.convert("RGB").resize((1, 1), Image.Resampling.BOX).getpixel((0, 0))
        assert red > 200 and green > 200 and blue > 200


def test_the_fixture_really_is_a_two_frame_mpo_with_gps() -> None:
    with Image.open(io.BytesIO(phone_mpo())) as opened:
        assert opened.format == "MPO" and opened.n_frames == 2
        assert opened.getexif().get_ifd(0x8825)[2] == GPS[2]


@both_databases
def test_an_mpo_is_accepted_through_the_api_single_frame_and_without_gps(
    app: Flask, client: FlaskClient
) -> None:
    fields = multipart(upload_fields(), [(phone_mpo(), "IMG_0001.JPG")])
    response = client.post("/api/v1/leaflets", data=fields, content_type="multipart/form-data")
    assert response.status_code == 201, response.get_json()
    [image] = response.get_json()["images"]
    assert (image["mime"], image["width"], image["height"]) == ("image/jpeg", 900, 1200)
    for variant, url in image["urls"].items():
        with client.get(url) as served:
            assert served.status_code == 200
            expected = {"master": (900, 1200), "display": (900, 1200), "thumb": (300, 400)}[variant]
            assert_clean_single_frame(served.get_data(), expected)
    row = db.session.scalar(select(LeafletImage))
    path, _mime = runtime.storage().find(row.stored_sha256, "master")
    assert_clean_single_frame(path.read_bytes(), (900, 1200))


@both_databases
def test_an_mpo_is_accepted_through_the_web_form_and_turned_by_its_exif(
    app: Flask, client: FlaskClient
) -> None:
    data = multipart(upload_fields(), [(phone_mpo(orientation=6), "IMG_0002.JPG")])
    response = client.post("/upload", data=data, content_type="multipart/form-data")
    assert response.status_code == 302, response.get_data(as_text=True)
    row = db.session.scalar(select(LeafletImage))
    assert (row.width, row.height, row.mime) == (1200, 900, "image/jpeg")
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    for url in sorted(set(re.findall(r'"(/images/[0-9a-f]{64}/\w+)"', page))):
        with client.get(url) as served:
            assert served.status_code == 200
            for secret in SECRETS:
                assert secret not in served.get_data()


@pytest.mark.parametrize(
    ("content", "kind"),
    [
        (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n", "a PDF document"),
        (b"GIF89a\x01\x00\x01\x00", "a GIF image"),
        (b"II*\x00\x08\x00\x00\x00", "a TIFF image"),
        (b"\x00\x00\x00\x18ftypmp42\x00\x00\x00\x00", "an MP4 video or another ISO media file"),
        ("Dear voter, \u00e9lection".encode() * 40, "a text file"),
        (bytes(range(256)) * 4, "a file of an unknown kind"),
    ],
)
def test_what_a_refused_file_looks_like(content: bytes, kind: str) -> None:
    assert file_kinds.describe(content) == kind


def test_a_pdf_is_refused_by_name_on_the_form_and_the_other_photo_is_kept(
    app: Flask, client: FlaskClient
) -> None:
    pdf = b"%PDF-1.7\n1 0 obj << >> endobj\n%%EOF"
    response = client.post(
        "/upload",
        data=multipart(upload_fields(), [(leaflet_image(), "front.jpg"), (pdf, "leaflet.pdf")]),
        content_type="multipart/form-data",
    )
    named = "Photo 2 of the 2 you chose (leaflet.pdf) looks like a PDF document, not a photo"
    page = response.get_data(as_text=True)
    assert response.status_code == 415 and named in page
    assert "We kept your 1 photo:" in page  # the front waits for the voter's next step, on no leaflet yet
    assert db.session.scalar(select(LeafletImage)) is None
