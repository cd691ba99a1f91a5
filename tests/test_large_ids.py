"""Ids beyond what the id columns hold are 404 on every `<int:...>` route, on both databases (never a 500).

Issue 13: ids past 2^31 (PostgreSQL) or 2^63 (SQLite) gave a 500 on every `<int:...>` route.
"""

from __future__ import annotations

import re
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from leaflets.extensions import db
from leaflets.models import Role
from leaflets.routing import POSTGRES_MAX_ID, SQLITE_MAX_ID
from tests.factories import make_leaflet, make_user
from tests.support import both_databases, log_in

OTHER_ARGUMENTS = {
    "slug": "labour",
    "gss": "E14001063",
    "sha256": "ab" * 32,
    "variant": "thumb",
    "postcode": "SW1A1AA",
    "filename": "css/site.css",
    "token": "x",
}
METHODS = ("GET", "POST", "PUT", "DELETE")
INT_ARGUMENT = re.compile(r"<int:\w+>")
OTHER_ARGUMENT = re.compile(r"<(?:\w+:)?(\w+)>")


def _largest_id() -> int:
    return POSTGRES_MAX_ID if db.engine.dialect.name == "postgresql" else SQLITE_MAX_ID


def _int_routes(app: Flask) -> list[Any]:
    routes = [rule for rule in app.url_map.iter_rules() if INT_ARGUMENT.search(rule.rule)]
    assert len(routes) >= 20
    return routes


def _path(rule: Any, number: int) -> str:
    path = INT_ARGUMENT.sub(str(number), rule.rule)
    return OTHER_ARGUMENT.sub(lambda match: OTHER_ARGUMENTS[match.group(1)], path)


def _moderator_client(app: Flask) -> FlaskClient:
    client = app.test_client()
    assert log_in(client, make_user(Role.MODERATOR)).status_code == 302
    return client


@both_databases
@pytest.mark.parametrize("beyond", [1, 2**64], ids=["one-past-the-column", "far-past"])
def test_every_int_route_answers_404_past_the_column_range(app: Flask, beyond: int) -> None:
    make_leaflet()
    client = _moderator_client(app)
    number = _largest_id() + beyond
    checked = 0
    for rule in _int_routes(app):
        url = _path(rule, number)
        for method in sorted(set(METHODS) & rule.methods):
            api_write = url.startswith("/api/") and method != "GET"
            kwargs: dict[str, Any] = {"json": {}} if api_write else {"data": {}}
            response = client.open(url, method=method, **kwargs)
            assert response.status_code == 404, (method, url, response.status_code)
            checked += 1
    assert checked >= 25


@both_databases
def test_the_largest_id_the_column_holds_is_an_ordinary_miss(app: Flask) -> None:
    client = _moderator_client(app)
    for rule in _int_routes(app):
        if "GET" in rule.methods:
            url = _path(rule, _largest_id())
            assert client.get(url).status_code == 404, url


@both_databases
@pytest.mark.parametrize(
    "field",
    [
        pytest.param(
            ("POST", "/moderate/leaflets/{leaflet_id}/merge", {"original_id": "{big}", "reason": "same"}),
            id="merge-target",
        ),
        pytest.param(("GET", "/moderate/audit?leaflet={big}", None), id="audit-filter"),
        pytest.param(("POST", "/volunteer/skip", {"leaflet_id": "{big}"}), id="skip"),
        pytest.param(
            (
                "POST",
                "/volunteer/leaflets/{leaflet_id}/claims",
                {"text": "Crime fell by half.", "image_id": "{big}"},
            ),
            id="claim-image",
        ),
        pytest.param(
            ("POST", "/api/v1/leaflets/{leaflet_id}/claims", {"text": "Crime fell.", "image_id": "{big}"}),
            id="api-claim-image",
        ),
    ],
)
def test_numbers_in_forms_and_queries_past_the_column_range_are_not_a_500(app: Flask, field: Any) -> None:
    method, url, body = field
    leaflet = make_leaflet()
    client = _moderator_client(app)
    big = str(_largest_id() + 1)
    url = url.format(leaflet_id=leaflet.id, big=big)
    if body is None:
        response = client.open(url, method=method)
    elif url.startswith("/api/"):
        response = client.open(
            url,
            method=method,
            json={key: int(big) if value == "{big}" else value for key, value in body.items()},
        )
    else:
        form = {key: value.format(big=big) for key, value in body.items()}
        response = client.open(url, method=method, data=form)
    assert response.status_code < 500, (url, response.status_code, response.get_data(as_text=True)[:300])
