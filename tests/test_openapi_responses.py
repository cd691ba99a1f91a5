"""Every operation leaflets/api/openapi.json documents is called on the real app, and its real response
(status, content type, body) is validated against the document with openapi-core. A response the document does
not describe, or describes differently, fails here."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from flask import Flask
from flask.testing import FlaskClient
from openapi_core import OpenAPI
from openapi_core.contrib.werkzeug import WerkzeugOpenAPIRequest, WerkzeugOpenAPIResponse
from werkzeug.test import EnvironBuilder
from werkzeug.wrappers import Request, Response

from leaflets.extensions import db
from leaflets.models import Claim
from leaflets.services import accounts, indexing
from tests.factories import add_leaflet, make_user
from tests.support import REPO, both_databases, flush, leaflet_image, multipart, upload_fields

DOCUMENT = REPO / "leaflets/api/openapi.json"


@pytest.fixture(scope="module")
def openapi() -> OpenAPI:
    return OpenAPI.from_dict(json.loads(DOCUMENT.read_text()))


def documented_operations() -> set[tuple[str, str]]:
    paths = json.loads(Path(DOCUMENT).read_text())["paths"]
    return {
        (method.upper(), path) for path, item in paths.items() for method in item if method != "parameters"
    }


def calls(leaflet_id: int, claim_id: int) -> list[tuple[str, str, str, dict[str, Any]]]:
    """(method, documented path, real URL, request arguments): each operation's usual call, and refusals."""
    upload = multipart(upload_fields(), [(leaflet_image(["VOTE FOR BUSES"], size=(300, 424)), "a.jpg")])
    # The same page at another size: published, and its uploader asked "is this the same leaflet?"
    # ({question}: its same_question_url, from that 201).
    again = multipart(upload_fields(), [(leaflet_image(["VOTE FOR BUSES"], size=(600, 848)), "b.jpg")])
    return [
        ("GET", "/leaflets", "/leaflets?party=labour", {}),
        ("GET", "/leaflets", "/leaflets?page=0", {}),
        ("POST", "/leaflets", "/leaflets", {"data": upload, "content_type": "multipart/form-data"}),
        ("POST", "/leaflets", "/leaflets", {"data": again, "content_type": "multipart/form-data"}),
        ("GET", "/uploads/held/{token}", "{question}", {}),
        ("GET", "/uploads/held/{token}", "/uploads/held/no-such-token", {}),
        ("POST", "/uploads/held/{token}", "/uploads/held/no-such-token", {"json": {"answer": "same"}}),
        ("POST", "/uploads/held/{token}", "{question}", {"json": {"answer": "maybe"}}),
        ("POST", "/uploads/held/{token}", "{question}", {"json": {"answer": "different"}}),
        ("GET", "/leaflets/{id}", f"/leaflets/{leaflet_id}", {}),
        ("GET", "/leaflets/{id}", "/leaflets/99999999", {}),
        ("GET", "/search", "/search?q=buses&party=labour", {}),
        ("GET", "/search", '/search?q="unclosed', {}),
        ("GET", "/export", "/export?format=csv&q=buses", {}),
        ("GET", "/export", "/export?format=jsonl", {}),
        ("GET", "/compare", "/compare?party=labour&area=E14001063", {}),
        ("GET", "/compare", "/compare?party=nobody&area=E14001063", {}),
        ("GET", "/stats", "/stats", {}),
        ("GET", "/stats", "/stats?format=csv", {}),
        ("GET", "/parties", "/parties", {}),
        ("GET", "/areas", "/areas", {}),
        ("GET", "/elections", "/elections", {}),
        ("GET", "/postcodes/{postcode}", "/postcodes/NG7%202RD", {}),
        ("GET", "/postcodes/{postcode}", "/postcodes/not-a-postcode", {}),
        ("GET", "/leaflets/{id}/tags", f"/leaflets/{leaflet_id}/tags", {}),
        ("POST", "/leaflets/{id}/tags", f"/leaflets/{leaflet_id}/tags", {"json": {"slug": "economy"}}),
        ("POST", "/leaflets/{id}/tags", f"/leaflets/{leaflet_id}/tags", {"json": {"slug": "no-such-tag"}}),
        ("DELETE", "/leaflets/{id}/tags/{slug}", f"/leaflets/{leaflet_id}/tags/economy", {}),
        ("GET", "/leaflets/{id}/claims", f"/leaflets/{leaflet_id}/claims", {}),
        (
            "POST",
            "/leaflets/{id}/claims",
            f"/leaflets/{leaflet_id}/claims",
            {"json": {"text": "Buses are free."}},
        ),
        ("POST", "/leaflets/{id}/claims", f"/leaflets/{leaflet_id}/claims", {"json": {"text": ""}}),
        ("PUT", "/claims/{id}/ratings", f"/claims/{claim_id}/ratings", {"json": {"accuracy": "accurate"}}),
        ("PUT", "/claims/{id}/ratings", f"/claims/{claim_id}/ratings", {"json": {"accuracy": "false"}}),
        ("PUT", "/leaflets/{id}/bias", f"/leaflets/{leaflet_id}/bias", {"json": {"tone": 1, "fairness": -1}}),
        ("GET", "/openapi.json", "/openapi.json", {}),
    ]


class _Response(WerkzeugOpenAPIResponse):
    """openapi-core hands a text/csv body to the schema as bytes, which `type: string` refuses: decode it."""

    @property
    def data(self) -> Any:
        raw = super().data
        return raw.decode() if self.content_type.startswith("text/") and isinstance(raw, bytes) else raw


def _check_lines(body: str, path: str, method: str) -> None:
    """JSON lines: OpenAPI gives the schema of one line, which openapi-core cannot apply; jsonschema does."""
    document = json.loads(DOCUMENT.read_text())
    line_schema = document["paths"][path][method.lower()]["responses"]["200"]["content"][
        "application/x-ndjson"
    ]
    schema = {**line_schema["schema"], "components": document["components"]}
    lines = body.splitlines()
    assert lines
    for line in lines:
        jsonschema.Draft202012Validator(schema).validate(json.loads(line))


def _bodiless(request: Request) -> WerkzeugOpenAPIRequest:
    """The request as the validator needs it to find the operation: its body was read by the app already."""
    environ = EnvironBuilder(
        path=request.path,
        method=request.method,
        query_string=request.query_string.decode("latin-1"),
        base_url=request.host_url,
    ).get_environ()
    return WerkzeugOpenAPIRequest(Request(environ))


@both_databases
def test_every_documented_operation_answers_as_documented(
    app: Flask, client: FlaskClient, openapi: OpenAPI
) -> None:
    leaflet = add_leaflet(title="Better buses", tags=("transport",))
    claim = Claim(leaflet_id=leaflet.id, text="Fares fell by 20%.", state="accepted", origin="volunteer")
    db.session.add(claim)
    db.session.commit()
    indexing.leaflet_changed(
        leaflet.id
    )  # written straight to the database: the index is told (CONTRIBUTING.md)
    flush()
    token = accounts.issue_api_token(make_user("volunteer"))
    plan = calls(leaflet.id, claim.id)
    assert {(method, path) for method, path, _, _ in plan} == documented_operations()
    question = ""
    for method, path, url, arguments in plan:
        url = url.replace("{question}", question)
        response = client.open(
            "/api/v1" + url, method=method, headers={"Authorization": f"Bearer {token}"}, **arguments
        )
        assert response.status_code < 500, (method, url, response.status_code)
        if (method, path) == ("POST", "/leaflets") and response.status_code == 201:
            question = (response.get_json().get("same_question_url") or "").split("/api/v1", 1)[-1]
        if response.mimetype == "application/x-ndjson":
            _check_lines(response.get_data(as_text=True), path, method)
            continue
        try:
            openapi.validate_response(_bodiless(response.request), _Response(response))
        except Exception as error:  # the validator's own message says what differs
            detail = "; ".join(str(e) for e in getattr(error, "schema_errors", None) or [error.__cause__])
            body = response.get_data(as_text=True)[:500]
            pytest.fail(f"{method} {url} -> {response.status_code}: {error} {detail}\n{body}")


def test_the_check_refuses_what_the_document_does_not_describe(openapi: OpenAPI) -> None:
    """The validator above is not a formality: a body or a status the document does not allow fails."""
    environ = EnvironBuilder(path="/api/v1/leaflets/1", base_url="http://localhost/").get_environ()
    request = WerkzeugOpenAPIRequest(Request(environ))
    wrong_body = Response(json.dumps({"id": "one"}), status=200, content_type="application/json")
    wrong_status = Response(json.dumps({}), status=418, content_type="application/json")
    for response in (wrong_body, wrong_status):
        with pytest.raises(Exception):
            openapi.validate_response(request, _Response(response))
