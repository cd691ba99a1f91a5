"""Every stored and served image is upright and carries no metadata at all; HEIC and WebP are accepted."""

from __future__ import annotations

import io

import pillow_heif
import pytest
from PIL import Image, ImageChops, ImageStat

from leaflets.services import images
from tests.support import both_databases, jpeg_with_gps, leaflet_image, multipart, upload_fields

SECRETS = [b"Exif", b"PhoneMaker", b"Jane Voter", b"SERIAL-12345", b"http://ns.adobe.com/xap", b"ICC_PROFILE"]


def upload(client, content: bytes, name: str = "photo.jpg") -> dict:
    response = client.post(
        "/api/v1/leaflets",
        data=multipart(upload_fields(), [(content, name)]),
        content_type="multipart/form-data",
    )
    assert response.status_code == 201, response.get_json()
    return response.get_json()


@both_databases
def test_gps_exif_is_gone_from_every_served_url(app, client):
    body = upload(client, jpeg_with_gps())
    urls = body["images"][0]["urls"]
    assert set(urls) == {"master", "display", "thumb"}
    for url in urls.values():
        with client.get(url) as served:
            assert served.status_code == 200
            assert served.mimetype == "image/jpeg"
            data = served.get_data()
        for secret in SECRETS:
            assert secret not in data, (url, secret)
        image = Image.open(io.BytesIO(data))
        assert dict(image.getexif()) == {}
        assert "exif" not in image.info and "icc_profile" not in image.info and "xmp" not in image.info


def test_exif_orientation_is_applied_before_stripping(app, client):
    """Orientation 6 means 'rotate 90° clockwise to view': a 900×1200 sensor image is shown 1200×900."""
    body = upload(client, jpeg_with_gps(size=(900, 1200), orientation=6))
    image = body["images"][0]
    assert (image["width"], image["height"]) == (1200, 900)


@pytest.mark.parametrize(
    ("orientation", "turn"),
    [
        (1, None),
        (3, Image.Transpose.ROTATE_180),
        (6, Image.Transpose.ROTATE_270),
        (8, Image.Transpose.ROTATE_90),
    ],
)
def test_the_stored_picture_is_the_one_sent_turned_as_its_exif_says(orientation, turn):
    """The decoded upload is turned in place (no copy of a photo that needs no turn): the master holds the
    pixels sent, turned only as the EXIF orientation asks."""
    data = jpeg_with_gps(size=(900, 1200), orientation=orientation)
    sent = Image.open(io.BytesIO(data)).convert("RGB")
    expected = sent if turn is None else sent.transpose(turn)
    stored = images.process(data)
    master = Image.open(io.BytesIO(stored.variants["master"][0])).convert("RGB")
    assert master.size == expected.size == (stored.width, stored.height)
    difference = ImageStat.Stat(ImageChops.difference(master, expected)).mean
    assert max(difference) < 2.0  # a high-quality re-encode of the same picture, not another turn of it


def test_heic_and_webp_are_accepted(app, client):
    source = Image.open(io.BytesIO(leaflet_image(["HEIC LEAFLET"], size=(600, 800))))
    heif = pillow_heif.from_pillow(source)
    buffer = io.BytesIO()
    heif.save(buffer, quality=80)
    heic = upload(client, buffer.getvalue(), "IMG_0001.HEIC")["images"][0]
    assert heic["mime"] == "image/jpeg" and (heic["width"], heic["height"]) == (600, 800)
    webp = upload(client, leaflet_image(["WEBP LEAFLET"], size=(500, 700), fmt="WEBP"), "x.webp")["images"][0]
    assert (webp["width"], webp["height"]) == (500, 700)


def test_images_of_hidden_leaflets_are_not_served(app, client):
    from leaflets.extensions import db
    from leaflets.models import Leaflet

    body = upload(client, leaflet_image(["HIDE ME"]))
    url = body["images"][0]["urls"]["display"]
    with client.get(url) as served:
        assert served.status_code == 200
    db.session.get(Leaflet, body["id"]).status = "hidden"
    db.session.commit()
    assert client.get(url).status_code == 404


@pytest.mark.parametrize(
    "url", ["/images/../../etc/passwd/master", "/images/" + "a" * 64 + "/original", "/images/nothex/master"]
)
def test_media_route_refuses_anything_but_known_variants(client, url):
    assert client.get(url).status_code == 404
