"""How an upload's body is read (leaflets/request_body.py, `UploadRequest`): photos parsed in memory in
larger steps, through real gunicorn, arrive byte for byte; a body cut short or a part too large still gets a
readable answer and stores nothing."""

from __future__ import annotations

import hashlib
import http.client
import io
import json
import random
import uuid
from pathlib import Path

from flask import Flask
from PIL import Image
from sqlalchemy import func, select

from leaflets.extensions import db
from leaflets.models import Leaflet
from leaflets.request_body import READ_STEP, UploadRequest
from tests import servers
from tests.support import leaflet_image, upload_fields


def _grainy_photo(seed: int) -> bytes:
    """A real JPEG of well over a read step (grain compresses badly), so its bytes cross many steps."""
    rng = random.Random(seed)
    picture = Image.frombytes("L", (1400, 1000), rng.randbytes(1400 * 1000)).convert("RGB")
    out = io.BytesIO()
    picture.save(out, "JPEG", quality=95)
    assert len(out.getvalue()) > 3 * READ_STEP
    return out.getvalue()


def _body(fields: dict[str, str], photos: list[bytes], after: dict[str, str]) -> tuple[bytes, str]:
    """Fields, then the photos, then more fields: a part boundary falls anywhere within a read step."""
    boundary = uuid.uuid4().hex

    def field(name: str, value: str) -> bytes:
        return f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'.encode()

    parts = [field(name, value) for name, value in fields.items()]
    for number, photo in enumerate(photos):
        parts.append(
            f'--{boundary}\r\nContent-Disposition: form-data; name="images"; filename="p{number}.jpg"\r\n'
            "Content-Type: image/jpeg\r\n\r\n".encode()
            + photo
            + b"\r\n"
        )
    parts += [field(name, value) for name, value in after.items()]
    return b"".join(parts) + f"--{boundary}--\r\n".encode(), boundary


def _post(port: int, body: bytes, boundary: str) -> tuple[int, dict]:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    try:
        connection.request(
            "POST",
            "/api/v1/leaflets",
            body=body,
            headers={"Content-Type": f"multipart/form-data; boundary={boundary}"},
        )
        response = connection.getresponse()
        return response.status, json.loads(response.read())
    finally:
        connection.close()


def test_photos_arrive_byte_for_byte_through_gunicorn(tmp_path: Path, database_url: str) -> None:
    photos = [_grainy_photo(1), _grainy_photo(2)]
    fields = {k: str(v) for k, v in upload_fields().items() if k != "title"}
    body, boundary = _body(fields, photos, {"title": "Read in steps"})
    env = servers.app_env(database_url, tmp_path, RATELIMIT_ENABLED="0")
    with servers.gunicorn(env, tmp_path / "gunicorn.log") as port:
        status, answer = _post(port, body, boundary)
    assert status == 201, answer
    assert answer["title"] == "Read in steps"  # the field after the photos was parsed too
    assert [image["sha256"] for image in answer["images"]] == [
        hashlib.sha256(photo).hexdigest() for photo in photos
    ]


def test_a_body_cut_short_is_refused_and_stores_nothing(app: Flask) -> None:
    """The multipart ends inside the photo (no closing boundary): no photo and no field arrive, and the
    voter is told what is missing; nothing is stored."""
    body, boundary = _body({k: str(v) for k, v in upload_fields().items()}, [_grainy_photo(3)], {})
    cut = body[: len(body) // 2]
    response = app.test_client().post(
        "/api/v1/leaflets", data=cut, content_type=f"multipart/form-data; boundary={boundary}"
    )
    assert response.status_code == 422
    assert "at least one photo" in json.dumps(response.get_json())
    assert db.session.scalar(select(func.count(Leaflet.id))) == 0


def test_a_field_over_the_form_memory_limit_is_a_readable_413(app: Flask) -> None:
    """Photos are held in memory up to MAX_CONTENT_LENGTH, but a text field is still bounded by
    MAX_FORM_MEMORY_SIZE, also when it spans several read steps."""
    fields = {k: str(v) for k, v in upload_fields().items()}
    fields["description"] = "x" * (app.config.get("MAX_FORM_MEMORY_SIZE") or 500_000) * 2
    body, boundary = _body(fields, [leaflet_image()], {})
    response = app.test_client().post(
        "/api/v1/leaflets", data=body, content_type=f"multipart/form-data; boundary={boundary}"
    )
    assert response.status_code == 413
    assert response.get_json()["error"]["code"] == "too_large"
    assert db.session.scalar(select(func.count(Leaflet.id))) == 0


def test_photos_are_parsed_in_memory_not_spooled_to_disk(app: Flask) -> None:
    body, boundary = _body({"party": "labour"}, [_grainy_photo(4)], {})
    environ = {
        "REQUEST_METHOD": "POST",
        "CONTENT_TYPE": f"multipart/form-data; boundary={boundary}",
        "CONTENT_LENGTH": str(len(body)),
        "wsgi.input": io.BytesIO(body),
        "SERVER_NAME": "localhost",
        "SERVER_PORT": "80",
        "wsgi.url_scheme": "http",
        "PATH_INFO": "/api/v1/leaflets",
    }
    assert app.request_class is UploadRequest
    with app.request_context(environ):
        request = app.request_class(environ)
        upload = request.files["images"]
        assert isinstance(upload.stream, io.BytesIO)  # no temporary file written and read back
        assert upload.read() == _grainy_photo(4)
