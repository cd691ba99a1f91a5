"""HTTP answers a client or cache can act on: Allow on every 405, a cache policy that lets hiding recall
images, and a readable 413 for an oversized upload through real gunicorn (not a reset connection).
"""

from __future__ import annotations

import http.client
import re
import uuid
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from leaflets.extensions import db
from leaflets.models import Leaflet, Role
from tests import servers
from tests.factories import make_user
from tests.support import both_databases, leaflet_image, log_in, multipart, upload_fields

METHODS = {"GET", "POST", "PUT", "DELETE", "PATCH"}
VALUES = {
    "int": "1",
    "slug": "labour",
    "gss": "E14001063",
    "sha256": "ab" * 32,
    "variant": "thumb",
    "postcode": "SW1A1AA",
    "filename": "css/site.css",
    "token": "x",
}


def _concrete(rule: str) -> str:
    """A URL the rule matches: `<any(a, b):name>` takes its first choice, other variables a sample value."""
    rule = re.sub(r"<any\(([^,)]+)[^)]*\):\w+>", lambda m: m.group(1).strip(), rule)
    return re.sub(
        r"<(?:(\w+):)?(\w+)>", lambda m: VALUES["int"] if m.group(1) == "int" else VALUES[m.group(2)], rule
    )


def test_every_405_says_which_methods_are_allowed(app: Flask, client: FlaskClient) -> None:
    allowed: dict[str, set[str]] = {}
    for rule in app.url_map.iter_rules():
        allowed.setdefault(_concrete(rule.rule), set()).update(rule.methods or ())
    checked = 0
    for path, methods in allowed.items():
        for method in sorted(METHODS - methods):
            response = client.open(path, method=method)
            assert response.status_code == 405, (method, path, response.status_code)
            assert set(response.headers["Allow"].split(", ")) == methods, (method, path)
            checked += 1
    assert checked > 100


def fetch(client: FlaskClient, url: str, **headers: str) -> Any:
    """GET, read and close (a served file stays open until its response is closed)."""
    response = client.get(url, headers=headers)
    response.get_data()
    response.close()
    return response


def _upload(client: FlaskClient) -> dict[str, Any]:
    response = client.post(
        "/api/v1/leaflets",
        data=multipart(upload_fields(), [(leaflet_image(), "a.jpg")]),
        content_type="multipart/form-data",
    )
    assert response.status_code == 201
    return response.get_json()


@both_databases
def test_public_images_are_briefly_cacheable_and_revalidate_with_an_etag(
    app: Flask, client: FlaskClient
) -> None:
    image = _upload(client)["images"][0]
    url = f"/images/{image['sha256']}/display"
    response = fetch(client, url)
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == f"public, max-age={app.config['IMAGE_MAX_AGE_S']}"
    assert app.config["IMAGE_MAX_AGE_S"] <= 3600
    etag = response.headers["ETag"]
    again = fetch(client, url, **{"If-None-Match": etag})
    assert again.status_code == 304 and not again.data


@both_databases
def test_images_of_a_hidden_leaflet_are_never_stored_by_a_cache(app: Flask, client: FlaskClient) -> None:
    body = _upload(client)
    url = f"/images/{body['images'][0]['sha256']}/thumb"
    etag = fetch(client, url).headers["ETag"]
    db.session.get(Leaflet, body["id"]).status = "hidden"
    db.session.commit()
    anonymous = app.test_client()
    gone = fetch(anonymous, url)
    assert gone.status_code == 404 and gone.headers["Cache-Control"] == "no-store"
    revalidated = fetch(anonymous, url, **{"If-None-Match": etag})  # a cache asking after max-age
    assert revalidated.status_code == 404
    moderator = app.test_client()
    log_in(moderator, make_user(Role.MODERATOR))
    shown = fetch(moderator, url)
    assert shown.status_code == 200 and shown.headers["Cache-Control"] == "private, no-store"


def _multipart_body(size: int) -> tuple[bytes, str]:
    boundary = uuid.uuid4().hex
    head = (
        f'--{boundary}\r\nContent-Disposition: form-data; name="images"; filename="big.jpg"\r\n'
        "Content-Type: image/jpeg\r\n\r\n"
    ).encode()
    return head + b"\xff" * size + f"\r\n--{boundary}--\r\n".encode(), boundary


@pytest.mark.parametrize(
    ("path", "accept", "kind"),
    [("/upload", "text/html", "text/html"), ("/api/v1/leaflets", "application/json", "application/json")],
)
def test_an_oversized_upload_gets_a_readable_413_through_gunicorn(
    tmp_path: Path, database_url: str, path: str, accept: str, kind: str
) -> None:
    env = servers.app_env(database_url, tmp_path, MAX_UPLOAD_MB="1")
    body, boundary = _multipart_body(3 * 1024 * 1024 // 2)  # 1.5 MB: half as much again as allowed
    with servers.gunicorn(env, tmp_path / "gunicorn.log") as port:
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        try:
            connection.request(
                "POST",
                path,
                body=body,
                headers={"Content-Type": f"multipart/form-data; boundary={boundary}", "Accept": accept},
            )
            response = connection.getresponse()
            text = response.read().decode()
            assert response.status == 413 and response.getheader("Content-Type").startswith(kind)
            assert "The upload is too large: at most 1 MB per request." in text
            connection.request("GET", "/api/v1/parties")  # the body was read: the connection is still usable
            follow_up = connection.getresponse()
            assert follow_up.status == 200 and follow_up.read()
        finally:
            connection.close()
