"""Helpers for tests: database parametrisation, generated images, polling, logging in, OCR queue settings.

Test data (leaflets, users) is made by tests/factories.py; test modules import from these two, not from each
other."""

from __future__ import annotations

import io
import os
import re
import uuid
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Iterator

import pytest
from flask import Flask, g
from flask.testing import FlaskClient
from PIL import Image, ImageDraw, ImageFont

from leaflets import runtime
from leaflets.extensions import db
from leaflets.models import User
from leaflets.ocr_queue.settings import QueueSettings

DATABASES = [
    pytest.param("sqlite", id="sqlite"),
    pytest.param("postgresql", id="postgresql", marks=pytest.mark.postgres),
]
both_databases = pytest.mark.parametrize("database_url", DATABASES, indirect=True)

REPO = Path(__file__).resolve().parents[1]
PG_ADMIN_DSN = os.environ.get("TEST_PG_ADMIN_DSN", "postgresql://postgres@127.0.0.1:5432/postgres")
PG_BASE_URL = PG_ADMIN_DSN.rsplit("/", 1)[0]
FONT = "/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf"


def leaflet_image(
    lines: list[str] | None = None,
    size: tuple[int, int] = (1240, 1754),
    fmt: str = "JPEG",
    background: str = "white",
    **save: Any,
) -> bytes:
    """Render a simple leaflet page with large text; returns encoded bytes."""
    lines = lines or ["VOTE FOR BETTER BUSES", "Fix our potholes now"]
    image = Image.new("RGB", size, background)
    draw = ImageDraw.Draw(image)
    font = ImageFont.truetype(FONT, max(24, size[0] // 18))
    y = size[1] // 10
    for line in lines:
        draw.text((size[0] // 12, y), line, fill="black", font=font)
        y += int(font.size * 1.8)
    buffer = io.BytesIO()
    image.save(buffer, fmt, **save)
    return buffer.getvalue()


def jpeg_with_gps(size: tuple[int, int] = (900, 1200), orientation: int = 1) -> bytes:
    """A JPEG carrying EXIF with GPS coordinates, a camera serial number, an author and an orientation."""
    image = Image.open(io.BytesIO(leaflet_image(size=size)))
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"  # Make
    exif[0x013B] = "Jane Voter"  # Artist
    exif[0xA431] = "SERIAL-12345"  # BodySerialNumber
    exif[0x0112] = orientation  # Orientation
    gps = {1: "N", 2: (51.0, 30.0, 12.5), 3: "W", 4: (0.0, 7.0, 39.0)}
    exif[0x8825] = gps
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", exif=exif.tobytes())
    return buffer.getvalue()


def undecodable_jpeg() -> bytes:
    """Whole by its markers, but no decoder reads it: its first colour plane's sampling factors are 0, a value
    the request's walk does not read and libjpeg refuses. It stands for a scan damaged inside."""
    data = bytearray(leaflet_image(["DAMAGED INSIDE"]))
    data[data.find(b"\xff\xc0") + 11] = 0
    return bytes(data)


def upload_fields(**overrides: Any) -> dict[str, Any]:
    """Valid metadata for an upload; pass images=[(bytes, name), ...]."""
    fields: dict[str, Any] = {
        "party": "labour",
        "area": "E14001063",
        "election": "ge-2024",
        "delivered_on": "2024-06-20",
        "title": "Fixing our roads",
        "description": "",
    }
    fields.update(overrides)
    return fields


def multipart(fields: dict[str, Any], images: list[tuple[bytes, str]]) -> dict[str, Any]:
    data = dict(fields)
    data["images"] = [(io.BytesIO(content), name) for content, name in images]
    return data


def shared_data_dir() -> Path:
    """The project's shared data folder (real leaflet photos, reference sources), never copied into the repo.

    `SHARED_DATA_DIR` wins; else `../shared/data` beside the checkout; else the workplace's
    `/work/shared/data` (a clean clone in /tmp has no sibling folder).
    """
    candidates = [
        os.environ.get("SHARED_DATA_DIR", ""),
        str(REPO.parent / "shared" / "data"),
        "/work/shared/data",
    ]
    for candidate in candidates:
        if candidate and Path(candidate, "README.md").is_file():
            return Path(candidate)
    pytest.fail(f"shared data not found in any of {candidates[1:]}; set SHARED_DATA_DIR")


def real_leaflet(name: str) -> Path:
    """A real leaflet photo from shared/data/real_leaflets/ (read in place, never copied)."""
    path = shared_data_dir() / "real_leaflets" / name
    assert path.is_file(), f"missing real leaflet {path}"
    return path


def wait_until(predicate: Any, timeout_s: float = 60.0, what: str = "condition") -> Any:
    """Poll `predicate` until it returns something truthy (returned), failing after `timeout_s`."""
    import time

    deadline = time.monotonic() + timeout_s
    while True:
        value = predicate()
        if value:
            return value
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        time.sleep(0.05)


def free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


# --- logging in, the OCR queue, search ----------------------------------------------------------------------

PASSWORD = "correct horse battery"  # every factory-made user's (tests.factories.make_user)


def log_in(client: FlaskClient, user: Any, password: str = PASSWORD, **extra: Any) -> Any:
    """Log in through the real form (the test client keeps the session)."""
    return client.post("/login", data={"email": user.email, "password": password, **extra})


FAST = {"OCR_BACKOFF_S": 0.05, "OCR_POLL_S": 0.2, "OCR_LEASE_S": 60.0, "OCR_TIMEOUT_S": 30.0}


# Enough lines for Tesseract's orientation detection to decide at once (sparse pages take the slow path).
PAGE = [
    "VOTE FOR BETTER BUSES",
    "Fix our potholes now",
    "Our town deserves a council",
    "that listens to residents",
    "and keeps the library open.",
    "Vote on Thursday 4 July",
]


SIZE = (620, 877)  # half an A4 scan at 150 dpi: big enough text, quick to read


def settings_of(app: Flask) -> QueueSettings:
    return QueueSettings.from_config(app.config)


def sideways(page: bytes) -> bytes:
    """The page turned a quarter anticlockwise, with no EXIF to say so (a scanner or a careless phone)."""
    buffer = io.BytesIO()
    Image.open(io.BytesIO(page)).transpose(Image.Transpose.ROTATE_90).save(buffer, "JPEG")
    return buffer.getvalue()


def flush() -> None:
    runtime.search_backend().flush()


# Clearly printed, confidently read, and not a word of any language: the pipeline must not publish it.
GIBBERISH = ["XQZV PLORQ WEXD", "Brvk zoqt fymp wuxl", "Qazzt plom vrek"]


ASK = "We could not read this photo; help transcribe it"


# Search tests: parametrise over database and search backend with @each_backend and the `configured` fixture.
BACKENDS = [
    pytest.param("sqlite", "whoosh", id="sqlite-whoosh"),
    pytest.param("postgresql", "whoosh", id="postgresql-whoosh", marks=pytest.mark.postgres),
    pytest.param("postgresql", "postgres", id="postgresql-postgres", marks=pytest.mark.postgres),
]
each_backend = pytest.mark.parametrize(
    "database_url, configured", [p.values for p in BACKENDS], ids=[p.id for p in BACKENDS], indirect=True
)


def hit_ids(html: str) -> list[int]:
    return [int(i) for i in re.findall(r'<h3 class="hit-title"><a href="/leaflets/(\d+)', html)]


# The CSRF token in a rendered form.
CSRF = re.compile(r'name="csrf_token" (?:type="hidden" )?value="([^"]+)"')


def pg_admin(sql: str) -> None:
    """Run one statement as the PostgreSQL superuser, outside a transaction (CREATE / DROP DATABASE)."""
    import psycopg

    with psycopg.connect(PG_ADMIN_DSN, autocommit=True) as conn:
        conn.execute(sql)  # test-built SQL with generated names only


@contextmanager
def empty_database(kind: str, tmp_path: Path) -> Iterator[str]:
    """The URL of a database with no tables ("sqlite" or "postgresql"), dropped afterwards."""
    if kind.startswith("sqlite"):
        yield f"sqlite:///{tmp_path / f'empty-{uuid.uuid4().hex[:8]}.sqlite3'}"
        return
    name = f"sc_empty_{uuid.uuid4().hex[:12]}"
    pg_admin(f'CREATE DATABASE "{name}"')
    try:
        yield f"{PG_BASE_URL}/{name}"
    finally:
        pg_admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def upload_through_api(client: FlaskClient, **headers: str) -> Any:
    """POST one generated leaflet to the upload API (a rate-limited route)."""
    return client.post(
        "/api/v1/leaflets",
        data=multipart(upload_fields(), [(leaflet_image(), "a.jpg")]),
        content_type="multipart/form-data",
        headers=headers,
    )


def log_in_as(app, client, role: str = "moderator") -> User:
    """Put a user in the test client's session as Flask-Login's strong session protection expects."""
    from flask_login.utils import _create_identifier

    user = User(email=f"{role}@example.org", display_name=role.title(), password_hash="x", role=role)
    db.session.add(user)
    db.session.commit()
    with app.test_request_context(environ_base=client.environ_base):
        identifier = _create_identifier()
    with client.session_transaction() as session:
        session.update({"_user_id": user.get_id(), "_fresh": True, "_id": identifier})
    g.pop("_login_user", None)  # requests share the test's app context, and Flask-Login caches the user on g
    return user


def upload(client: FlaskClient, data: bytes) -> dict[str, Any]:
    response = client.post(
        "/api/v1/leaflets",
        data=multipart(upload_fields(), [(data, "photo.jpg")]),
        content_type="multipart/form-data",
    )
    assert response.status_code == 201, response.get_json()
    return response.get_json()


def served(client: FlaskClient, url: str) -> tuple[int, bytes]:
    with client.get(url) as response:
        return response.status_code, response.get_data()


# A leaflet addressed to a person: the name and street a moderator redacts (PRIVATE).
ADDRESSED = [
    "VOTE FOR BETTER BUSES",
    "Fix our potholes now",
    "Our town deserves a council",
    "Mrs Juniper Quayle",
    "Marigold Crescent",
    "and keeps the library open.",
    "Vote on Thursday 4 July",
]
PRIVATE = ("Juniper", "Quayle", "Marigold", "Crescent")


BACKGROUND = {"IMAGE_VARIANTS": "background", **FAST}  # photos' variants made by a worker after the upload


def upload_photos(app: Flask, *photos: bytes) -> dict[str, Any]:
    """One leaflet of these photos through the API; its JSON."""
    files = [(photo, f"{number}.jpg") for number, photo in enumerate(photos)]
    response = app.test_client().post(
        "/api/v1/leaflets", content_type="multipart/form-data", data=multipart(upload_fields(), files)
    )
    assert response.status_code == 201, response.get_data(as_text=True)
    return response.get_json()


def make_variants(app: Flask) -> int:
    from leaflets.ocr_queue.variants import VariantWorker
    from leaflets.ocr_queue.worker import Wakeup

    return VariantWorker(app, "test", Wakeup()).run(stop_when_idle=True)


def image_of(leaflet: dict[str, Any], position: int = 0) -> Any:
    """The stored image, read afresh (workers write through sessions of their own)."""
    from leaflets.models import LeafletImage

    db.session.expire_all()
    return db.session.get(LeafletImage, leaflet["images"][position]["id"])
