"""GET /api/v1/leaflets (filters, cursor pagination, errors), GET /api/v1/leaflets/<id>, OpenAPI."""

from __future__ import annotations

import json
import re
from datetime import timedelta
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from tests.factories import T0, add_leaflet, add_many
from tests.support import both_databases


def walk(client, url: str) -> list[dict]:
    """Follow `next` links to the end, checking the Link header agrees with the body."""
    seen: list[dict] = []
    while url:
        response = client.get(url)
        assert response.status_code == 200, response.get_json()
        body = response.get_json()
        seen.extend(body["leaflets"])
        if body["next"]:
            assert response.headers["Link"] == f'<{body["next"]}>; rel="next"'
            assert body["next"].startswith("http://localhost/api/v1/leaflets?")
            parts = urlsplit(body["next"])
            url = f"{parts.path}?{parts.query}"
        else:
            assert "Link" not in response.headers
            url = ""
    return seen


@both_databases
def test_cursor_pagination_walks_every_live_leaflet_once_newest_first(client):
    # Several leaflets share an upload time, so the cursor must break ties by id.
    made = add_many(7, start=T0) + add_many(6, start=T0) + add_many(4, start=T0 + timedelta(days=1))
    add_leaflet(status="hidden", uploaded_at=T0 + timedelta(days=2))
    add_leaflet(status="removed", uploaded_at=T0 + timedelta(days=2))
    seen = walk(client, "/api/v1/leaflets?limit=3")
    ids = [item["id"] for item in seen]
    assert len(ids) == len(set(ids)) == len(made)
    assert set(ids) == {leaflet.id for leaflet in made}
    order = [(item["uploaded_at"], item["id"]) for item in seen]
    assert order == sorted(order, reverse=True)
    assert all(item["status"] == "live" for item in seen)


@both_databases
def test_filters_combine_and_are_kept_in_next_links(client):
    add_many(5, party="green", area="E14001063")
    add_many(3, party="green", area="E14001064")
    add_many(4, party="labour", area="E14001063", election="local-2026")
    tagged = add_leaflet(party="labour", tags=("health",), uploaded_at=T0 + timedelta(days=3))
    assert len(walk(client, "/api/v1/leaflets?party=green&limit=2")) == 8
    both = walk(client, "/api/v1/leaflets?party=green&area=E14001063&limit=2")
    assert len(both) == 5 and {item["area"]["gss"] for item in both} == {"E14001063"}
    assert len(walk(client, "/api/v1/leaflets?election=local-2026")) == 4
    assert [item["id"] for item in walk(client, "/api/v1/leaflets?tag=health")] == [tagged.id]
    assert [item["id"] for item in walk(client, "/api/v1/leaflets?since=2024-06-22")] == [tagged.id]
    with_offset = walk(client, "/api/v1/leaflets?since=2024-06-23T08:00:00%2B00:00")
    assert [item["id"] for item in with_offset] == [tagged.id]
    assert walk(client, "/api/v1/leaflets?since=2024-06-23T10:00:00Z") == []


def test_default_limit_and_list_shape(client):
    add_many(25)
    body = client.get("/api/v1/leaflets").get_json()
    assert len(body["leaflets"]) == 20 and body["next"]
    item = body["leaflets"][0]
    for key in (
        "id",
        "url",
        "display_title",
        "party",
        "area",
        "election",
        "delivered_on",
        "uploaded_at",
        "images",
    ):
        assert key in item
    assert len(client.get("/api/v1/leaflets?limit=100").get_json()["leaflets"]) == 25


@both_databases
@pytest.mark.parametrize(
    "query, status, code",
    [
        ("party=no-such-party", 422, "unknown_party"),
        ("area=X00000000", 422, "unknown_area"),
        ("election=ge-1066", 422, "unknown_election"),
        ("tag=not-a-tag", 422, "unknown_tag"),
        ("since=yesterday", 400, "bad_since"),
        ("since=2024-13-01", 400, "bad_since"),
        ("cursor=not-a-cursor", 400, "bad_cursor"),
        ("cursor=%25%25%25", 400, "bad_cursor"),
        ("limit=0", 400, "bad_limit"),
        ("limit=101", 400, "bad_limit"),
        ("limit=ten", 400, "bad_limit"),
        ("limit=-5", 400, "bad_limit"),
    ],
)
def test_bad_parameters_are_json_errors(client, query, status, code):
    response = client.get(f"/api/v1/leaflets?{query}")
    assert response.status_code == status
    assert response.mimetype == "application/json"
    error = response.get_json()["error"]
    assert error["code"] == code and error["message"] and error["field"] == query.split("=")[0]


@both_databases
def test_one_leaflet_with_images_and_review_summary(client):
    leaflet = add_leaflet(title="Buses <b>now</b>", images=2)
    response = client.get(f"/api/v1/leaflets/{leaflet.id}")
    assert response.status_code == 200
    body = response.get_json()
    assert body["id"] == leaflet.id and body["title"] == "Buses <b>now</b>"
    assert [image["role"] for image in body["images"]] == ["front", "back"]
    assert body["images"][0]["urls"]["thumb"].endswith(f"/images/{leaflet.images[0].sha256}/thumb")
    assert body["images"][0]["ocr_status"] == "pending" and body["images"][0]["text"] is None
    assert {"tags", "claims", "bias"} <= set(body)


@both_databases
def test_missing_and_hidden_leaflets_are_404_json(client):
    hidden = add_leaflet(status="hidden")
    removed = add_leaflet(status="removed")
    for leaflet_id in (hidden.id, removed.id, 987654):
        response = client.get(f"/api/v1/leaflets/{leaflet_id}")
        assert response.status_code == 404
        assert response.get_json()["error"]["code"] == "not_found"


def test_openapi_document_describes_every_endpoint(client):
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    document = response.get_json()
    assert document["openapi"].startswith("3.1")
    assert document == json.loads((Path(__file__).parents[1] / "leaflets/api/openapi.json").read_text())
    paths = document["paths"]
    expected = {
        "/leaflets": {"get", "post"},
        "/leaflets/{id}": {"get"},
        "/search": {"get"},
        "/export": {"get"},
        "/compare": {"get"},
        "/parties": {"get"},
        "/areas": {"get"},
        "/elections": {"get"},
        "/leaflets/{id}/tags": {"post"},
        "/leaflets/{id}/claims": {"post"},
        "/claims/{id}/ratings": {"put"},
        "/leaflets/{id}/bias": {"put"},
        "/openapi.json": {"get"},
    }
    for path, methods in expected.items():
        assert methods <= set(paths[path]), path
    listed = {p["$ref"].rsplit("/", 1)[1] for p in paths["/leaflets"]["get"]["parameters"]}
    assert listed == {"party", "area", "election", "tag", "since", "cursor", "limit"}
    assert paths["/leaflets/{id}/claims"]["post"]["security"]


def test_every_reference_in_the_openapi_document_resolves(client):
    document = client.get("/api/v1/openapi.json").get_json()
    refs: list[str] = []

    def collect(node: object) -> None:
        if isinstance(node, dict):
            refs.extend(value for key, value in node.items() if key == "$ref")
            for value in node.values():
                collect(value)
        elif isinstance(node, list):
            for value in node:
                collect(value)

    collect(document)
    assert refs
    for ref in refs:
        node = document
        for part in ref.removeprefix("#/").split("/"):
            node = node[part]


def test_openapi_routes_match_the_app(app):
    """Every route and method under /api/v1 is documented, and nothing documented is missing from the app."""
    document = json.loads((Path(__file__).parents[1] / "leaflets/api/openapi.json").read_text())

    def shape(path: str) -> str:
        return re.sub(r"\{[^}]+\}|<[^>]+>", "<>", path)

    documented = {
        (shape(path), method.upper()) for path, item in document["paths"].items() for method in item
    }
    served = {
        (shape(rule.rule.removeprefix("/api/v1")), method)
        for rule in app.url_map.iter_rules()
        if rule.rule.startswith("/api/v1/")
        for method in rule.methods - {"HEAD", "OPTIONS"}
    }
    assert served - documented == set()
    assert documented - served == set()
