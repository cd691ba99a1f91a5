"""Decode cost is bounded by what was sent: implausible headers refused, JPEGs drafted, decodes capped.

Issue 13: a 3 KB JPEG whose header claims 8000x8000 was decoded as 64 megapixels; 16 of them took the worker
from 0.9 GB to 6.5 GB.
"""

from __future__ import annotations

import io
import json
import os
import struct
import subprocess
import sys
import threading
import zlib
from pathlib import Path

import pytest
from PIL import Image
from sqlalchemy import func, select

from leaflets import runtime
from leaflets.extensions import db
from leaflets.models import Leaflet
from leaflets.services import images
from leaflets.services.errors import UploadRejected
from tests.support import REPO, both_databases, leaflet_image, multipart, real_leaflet, upload_fields

REAL_PHOTOS = [
    "el_api_1_green_view_liverpool_2011.jpg",
    "el_api_3_labour_scotland_ferguson_2011.jpg",
    "el_imprint_strip_cheshunt_conservatives.jpg",
    "el_libdem_fair_deal_2024_iphone.jpeg",
    "el_small_back_conservative_heron.jpg",
    "el_small_inside_van_orden_edispatch.jpg",
]


def jpeg_claiming(width: int, height: int) -> bytes:
    """A small real JPEG whose frame header is edited to claim width x height: a few KB of scan data."""
    data = bytearray(leaflet_image(size=(96, 96)))
    sof = data.find(b"\xff\xc0")
    data[sof + 5 : sof + 9] = height.to_bytes(2, "big") + width.to_bytes(2, "big")
    return bytes(data)


def png_claiming(width: int, height: int) -> bytes:
    """A small real PNG whose IHDR is edited (CRC fixed) to claim width x height."""
    data = bytearray(leaflet_image(size=(96, 96), fmt="PNG"))
    data[16:24] = struct.pack(">II", width, height)
    data[29:33] = struct.pack(">I", zlib.crc32(bytes(data[12:29])))
    return bytes(data)


def screenshot_png(size: tuple[int, int]) -> bytes:
    """A screenshot-like PNG: flat colours, a header bar and lines of text (compresses very well)."""
    return leaflet_image(
        ["Straight Choice", "Latest leaflets", "Fix our potholes now", "Vote on 4 July"], size=size, fmt="PNG"
    )


def _post(client, photo: bytes, name: str = "photo.jpg"):
    return client.post(
        "/api/v1/leaflets",
        data=multipart(upload_fields(), [(photo, name)]),
        content_type="multipart/form-data",
    )


@both_databases
@pytest.mark.parametrize("photo", [jpeg_claiming(8000, 8000), png_claiming(8000, 8000)], ids=["jpeg", "png"])
def test_a_few_kilobytes_claiming_64_megapixels_is_refused_readably(app, client, photo):
    assert len(photo) < 16_000
    response = _post(client, photo)
    assert response.status_code == 422
    error = response.get_json()["error"]
    assert error["code"] == "implausible_dimensions"
    assert "8000×8000" in error["message"] and "not a real photo" in error["message"]
    assert db.session.scalar(select(func.count(Leaflet.id))) == 0
    page = client.post(
        "/upload", data=multipart(upload_fields(), [(photo, "photo.jpg")]), content_type="multipart/form-data"
    )
    assert page.status_code == 422 and "far more than its bytes can hold" in page.get_data(as_text=True)


@pytest.mark.parametrize("name", REAL_PHOTOS)
def test_real_photos_are_far_above_the_floor(name):
    data = real_leaflet(name).read_bytes()
    with Image.open(io.BytesIO(data)) as image:
        size = image.size
    images.check_bytes_can_hold("JPEG", len(data), size)
    assert len(data) / (size[0] * size[1] / 1e6) > 50 * images.MIN_BYTES_PER_MEGAPIXEL["JPEG"]


@pytest.mark.parametrize("size", [(1280, 800), (1920, 1080), (2560, 1600), (1170, 2532)])
def test_png_screenshots_pass_the_floor_and_are_stored(size):
    data = screenshot_png(size)
    processed = images.process(data)
    assert (processed.width, processed.height) == size and processed.mime == "image/png"
    assert len(data) / (size[0] * size[1] / 1e6) > 4 * images.MIN_BYTES_PER_MEGAPIXEL["PNG"]


def test_the_projects_own_screenshot_passes():
    data = (REPO / "docs" / "screenshot.png").read_bytes()
    assert images.process(data).mime == "image/png"


def test_a_blank_phone_sized_jpeg_still_passes():
    """The least a camera JPEG takes: a blank white 48-megapixel frame at quality 70 (about 15 KB/Mpx)."""
    buffer = io.BytesIO()
    Image.new("RGB", (8000, 6000), "white").save(buffer, "JPEG", quality=70)
    images.check_bytes_can_hold("JPEG", len(buffer.getvalue()), (8000, 6000))


def test_the_check_comes_before_any_pixel_is_decoded():
    """The refused file would decode (libjpeg fills missing data): only the header check stops it."""
    photo = jpeg_claiming(4000, 4000)
    with Image.open(io.BytesIO(photo)) as image:
        assert image.size == (4000, 4000)
    with pytest.raises(UploadRejected) as refused:
        images.process(photo)
    assert refused.value.code == "implausible_dimensions"


def _white_jpeg(size: tuple[int, int]) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, "white").save(buffer, "JPEG", quality=70)
    return buffer.getvalue()


@pytest.mark.parametrize(
    ("size", "master_edge", "decoded"),
    [
        ((12000, 3000), 5000, (6000, 1500)),  # half scale still gives the 5000 px master
        ((8000, 6000), 1000, (1000, 750)),  # an eighth is enough for a 1000 px master
        ((8000, 6000), 5000, (8000, 6000)),  # half would be too small: full size
    ],
)
def test_jpegs_are_decoded_at_the_scale_the_largest_variant_needs(size, master_edge, decoded):
    limits = images.Limits(master_edge=master_edge)
    with Image.open(io.BytesIO(_white_jpeg(size))) as image:
        images.draft_to_largest_variant(image, limits)
        image.load()
        assert image.size == decoded
    processed = images.process(_white_jpeg(size), limits)
    assert max(processed.width, processed.height) == master_edge


def test_concurrent_uploads_decode_one_at_a_time_with_one_slot(make_app):
    app = make_app(MAX_CONCURRENT_DECODES=1)
    photos = [leaflet_image([f"LEAFLET {n}"], size=(1600, 2200)) for n in range(6)]
    barrier = threading.Barrier(len(photos))
    statuses: list[int] = []

    def upload(photo: bytes) -> None:
        client = app.test_client()
        barrier.wait()
        statuses.append(_post(client, photo).status_code)

    threads = [threading.Thread(target=upload, args=(photo,)) for photo in photos]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert statuses == [201] * len(photos)
    with app.app_context():
        slots = runtime.decode_slots()
        assert (slots.peak, slots.in_use) == (1, 0)


def test_an_upload_waiting_for_a_decode_slot_leaves_its_database_connection_to_pages(make_app):
    """Issue 13: with 32 threads a process and 15 pooled connections, uploads queued for a decode slot held
    every connection, and pages waited for one. Here the pool has one connection and the slot is taken."""
    app = make_app(
        MAX_CONCURRENT_DECODES=1,
        DECODE_WAIT_S=60,
        SQLALCHEMY_ENGINE_OPTIONS={"pool_size": 1, "max_overflow": 0, "pool_timeout": 3},
    )
    statuses: list[int] = []
    with app.app_context():
        slots = runtime.decode_slots()
        with slots.held():  # another upload is decoding
            uploader = threading.Thread(
                target=lambda: statuses.append(_post(app.test_client(), leaflet_image()).status_code)
            )
            uploader.start()
            while not slots._semaphore._cond._waiters:  # type: ignore[attr-defined]  # it queues for the slot
                uploader.join(0.01)
                assert uploader.is_alive(), statuses
            page = app.test_client().get("/api/v1/leaflets")
            db.session.remove()  # this thread's connection back to the pool for the upload
        uploader.join(60)
    assert page.status_code == 200
    assert statuses == [201]


def test_an_upload_that_waits_too_long_for_a_slot_gets_a_readable_503(make_app):
    app = make_app(MAX_CONCURRENT_DECODES=1, DECODE_WAIT_S=0.05)
    client = app.test_client()
    with app.app_context():
        with runtime.decode_slots().held():  # another upload is decoding
            api = _post(client, leaflet_image())
            page = client.post(
                "/upload",
                data=multipart(upload_fields(title="Keep my title"), [(leaflet_image(), "a.jpg")]),
                content_type="multipart/form-data",
            )
    assert api.status_code == 503 and api.get_json()["error"]["code"] == "busy"
    assert page.status_code == 503
    html = page.get_data(as_text=True)
    assert "busy processing other photos" in html and 'value="Keep my title"' in html
    assert _post(client, leaflet_image()).status_code == 201  # the slot is free again


MEMORY_PROBE = r"""
import json, resource, sys, threading
sys.path.insert(0, sys.argv[1])
from leaflets import create_app
from tests.support import leaflet_image, multipart, upload_fields
from tests.test_decode_bounds import jpeg_claiming

app = create_app(json.loads(sys.argv[2]))
client = app.test_client()
def post(photo):
    return client.post("/api/v1/leaflets", data=multipart(upload_fields(), [(photo, "a.jpg")]),
                       content_type="multipart/form-data").status_code
assert post(leaflet_image()) == 201  # warm: imports, first decode, database
before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
statuses = []
attack = jpeg_claiming(8000, 8000)
threads = [threading.Thread(target=lambda: statuses.append(post(attack))) for _ in range(16)]
for thread in threads: thread.start()
for thread in threads: thread.join()
after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
print(json.dumps({"statuses": statuses, "grew_mb": (after - before) / 1024}))
"""


def test_sixteen_amplification_uploads_do_not_grow_the_worker(tmp_path: Path, database_url: str):
    """In a fresh process, so its peak memory is its own: 16 concurrent 3 KB '64-megapixel' uploads."""
    config = {
        "TESTING": True,
        "SECRET_KEY": "x",
        "SQLALCHEMY_DATABASE_URI": database_url,
        "UPLOAD_DIR": str(tmp_path / "uploads"),
        "INDEX_DIR": str(tmp_path / "index"),
        "OCR_START_WORKERS": False,
        "RATELIMIT_ENABLED": False,
        "SERVER_NAME": "localhost",
    }
    result = subprocess.run(
        [sys.executable, "-c", MEMORY_PROBE, str(REPO), json.dumps(config)],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=300,
        env={**os.environ, "LOG_LEVEL": "ERROR"},
    )
    assert result.returncode == 0, result.stderr[-2000:]
    report = json.loads(result.stdout.strip().splitlines()[-1])
    assert report["statuses"] == [422] * 16
    assert report["grew_mb"] < 100, report  # one 64-megapixel decode alone is 192 MB


def test_the_check_decodes_a_colour_jpeg_in_grey_and_still_refuses_its_scan_cut_short():
    data = leaflet_image()
    assert Image.open(io.BytesIO(data)).mode == "RGB"
    assert images.check(data).look.mode == "L"  # print is all the near-duplicate check looks at
    with pytest.raises(UploadRejected) as refused:
        images.check(data[: len(data) * 3 // 4])
    assert refused.value.code == "damaged_image"
