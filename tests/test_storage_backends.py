"""The storage interface on both backends: files on disk, and a real local S3 server (moto's server mode).

Each test runs once per backend; the app-level ones also upload through the API and fetch what it serves.
"""

from __future__ import annotations

import hashlib
import time
import urllib.request
from pathlib import Path
from typing import Any, Callable

import pytest
from flask import Flask
from flask.testing import FlaskClient

from leaflets import runtime
from leaflets.extensions import db
from leaflets.models import Leaflet
from leaflets.services import sweeping
from leaflets.storage import FAILED, LocalStorage, StorageUnreachable, create_storage
from tests.s3_support import s3_config, s3_server, s3_storage  # noqa: F401  (s3_server is a fixture)
from tests.support import leaflet_image, log_in_as, multipart, upload_fields

BACKENDS = ["local", "s3"]


def sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


@pytest.fixture(params=BACKENDS)
def storage(request: pytest.FixtureRequest, tmp_path: Path) -> Any:
    if request.param == "local":
        return LocalStorage(tmp_path / "uploads")
    return s3_storage(request.getfixturevalue("s3_server"))


@pytest.fixture(params=BACKENDS)
def backend_app(request: pytest.FixtureRequest, make_app: Callable[..., Flask]) -> Any:
    extra = s3_config(request.getfixturevalue("s3_server")) if request.param == "s3" else {}
    application = make_app(**extra)
    with application.app_context():
        if request.param == "s3":
            runtime.storage().ensure_bucket()  # type: ignore[attr-defined]
        yield application


def test_variants_round_trip(storage: Any) -> None:
    data = leaflet_image(["ROUND TRIP"], size=(200, 280))
    key = sha(data)
    assert storage.read(key, "master") is None and not storage.has(key)
    storage.put(key, "master", data, "image/jpeg")
    assert storage.exists(key, "master") and not storage.exists(key, "display")
    assert not storage.has(key)  # only complete folders count
    storage.put(key, "display", data, "image/jpeg")
    storage.put(key, "thumb", b"\x89PNG thumb", "image/png")
    assert storage.has(key)
    assert storage.read(key, "master") == (data, "image/jpeg")
    assert storage.read(key, "thumb") == (b"\x89PNG thumb", "image/png")
    assert storage.read(key, "original") is None and storage.read("../etc", "master") is None
    assert not storage.exists(key, "original") and not storage.exists("../etc", "master")
    assert list(storage.all_shas()) == [key]
    assert abs((storage.modified_at(key) or 0) - time.time()) < 120
    storage.delete(key)
    assert not storage.has(key) and list(storage.all_shas()) == [] and storage.modified_at(key) is None


def test_many_folders_are_listed_once_each_in_order(storage: Any) -> None:
    keys = sorted(sha(str(n).encode()) for n in range(5))
    for key in keys:
        for variant in ("master", "display", "thumb"):
            storage.put(key, variant, key.encode(), "image/jpeg")
    assert list(storage.all_shas()) == keys
    storage.delete(keys[2])
    assert list(storage.all_shas()) == keys[:2] + keys[3:]
    assert storage.read(keys[3], "display") == (keys[3].encode(), "image/jpeg")


def test_a_failure_record_round_trips_and_is_never_a_variant(storage: Any) -> None:
    """A photo given up as unreadable leaves a few bytes of text in its folder (photo_variants.failure)."""
    key = sha(b"damaged inside")
    storage.put(key, FAILED, b"The photo could not be decoded.", "text/plain")
    assert storage.read(key, FAILED) == (b"The photo could not be decoded.", "text/plain")
    assert not storage.has(key) and storage.read(key, "master") is None
    assert list(storage.all_shas()) == [key]  # so sweep-uploads finds the folder once no image uses it
    storage.delete(key)
    assert storage.read(key, FAILED) is None


def test_bad_names_are_refused(storage: Any) -> None:
    with pytest.raises(ValueError):
        storage.put("not-a-sha", "master", b"x", "image/jpeg")
    with pytest.raises(ValueError):
        storage.put(sha(b"x"), "original", b"x", "image/jpeg")
    storage.check()  # the store answers


def test_an_unreachable_bucket_is_a_storage_error(s3_server: str) -> None:  # noqa: F811
    missing = create_storage(s3_config(s3_server))  # its bucket was never made
    with pytest.raises(StorageUnreachable):
        missing.check()
    with pytest.raises(StorageUnreachable):
        missing.put(sha(b"x"), "master", b"x", "image/jpeg")


def upload(client: FlaskClient, text: str) -> dict:
    response = client.post(
        "/api/v1/leaflets",
        data=multipart(upload_fields(), [(leaflet_image([text]), "a.jpg")]),
        content_type="multipart/form-data",
    )
    assert response.status_code == 201, response.get_json()
    return response.get_json()


def fetch(client: FlaskClient, url: str) -> tuple[bytes, str, str]:
    """What a browser gets for an image URL: (bytes, content type, cache policy of the final answer)."""
    with client.get(url) as served:
        if served.status_code == 302:  # object storage: the bytes come from the store through a signed URL
            with urllib.request.urlopen(served.headers["Location"], timeout=10) as stored:
                return stored.read(), stored.headers["Content-Type"], stored.headers["Cache-Control"]
        assert served.status_code == 200, served.status_code
        return served.get_data(), served.mimetype, served.headers["Cache-Control"]


def test_uploaded_images_are_served_from_either_backend(backend_app: Flask) -> None:
    client = backend_app.test_client()
    body = upload(client, "SERVED")
    key = body["images"][0]["sha256"]
    assert runtime.storage().has(key)
    max_age = backend_app.config["IMAGE_MAX_AGE_S"]
    for variant, url in body["images"][0]["urls"].items():
        data, mime, policy = fetch(client, url)
        assert (data, mime) == runtime.storage().read(key, variant)
        assert policy == f"public, max-age={max_age}"
    with client.get(body["images"][0]["urls"]["display"]) as served:
        if backend_app.config["STORAGE"] == "s3":
            assert served.status_code == 302 and "X-Amz-Signature=" in served.headers["Location"]
            assert served.headers["Cache-Control"] == f"public, max-age={max_age}"
        else:
            assert served.status_code == 200


def test_hidden_images_are_never_publicly_cacheable_on_either_backend(backend_app: Flask) -> None:
    client = backend_app.test_client()
    body = upload(client, "HIDDEN")
    url, key = body["images"][0]["urls"]["display"], body["images"][0]["sha256"]
    db.session.get(Leaflet, body["id"]).status = "hidden"
    db.session.commit()
    assert client.get(url).status_code == 404
    moderator = backend_app.test_client()
    log_in_as(backend_app, moderator)
    with moderator.get(url) as served:
        # proxied, never a redirect: a signed URL could be copied and cached outside the app's control
        assert served.status_code == 200 and "Location" not in served.headers
        assert served.headers["Cache-Control"] == "private, no-store"
        assert served.get_data() == runtime.storage().read(key, "display")[0]


def test_sweeping_removes_only_unreferenced_folders_on_either_backend(backend_app: Flask) -> None:
    body = upload(backend_app.test_client(), "KEPT")
    orphan = sha(b"orphan")
    for variant in ("master", "display", "thumb"):
        runtime.storage().put(orphan, variant, b"orphan", "image/jpeg")
    assert sweeping.sweep_orphans(min_age_s=3600) == []  # too new to be an abandoned upload
    assert sweeping.sweep_orphans(min_age_s=0) == [orphan]
    assert list(runtime.storage().all_shas()) == [body["images"][0]["sha256"]]


def test_an_upload_while_object_storage_is_down_is_a_readable_503(
    s3_server: str,  # noqa: F811
    make_app: Callable[..., Flask],
) -> None:
    app = make_app(**s3_config(s3_server))  # the bucket does not exist: every write is refused
    with app.app_context():
        response = app.test_client().post(
            "/api/v1/leaflets",
            data=multipart(upload_fields(), [(leaflet_image(["DOWN"]), "a.jpg")]),
            content_type="multipart/form-data",
        )
        assert response.status_code == 503, response.get_data(as_text=True)
        assert "unreachable" in response.get_json()["error"]["message"]
        assert db.session.query(Leaflet).count() == 0
