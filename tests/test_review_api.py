"""The review API: tags, claims, ratings and bias over JSON with a bearer token or a session."""

from __future__ import annotations

from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select

from leaflets.extensions import db
from leaflets.models import AuditEntry, BiasRating, Claim, ClaimRating, Leaflet
from leaflets.services import accounts, review
from tests.factories import make_leaflet, make_user
from tests.support import both_databases, log_in


@pytest.fixture
def leaflet(app: Flask) -> Leaflet:
    return make_leaflet()


def _auth(role: str = "volunteer") -> dict[str, str]:
    return {"Authorization": f"Bearer {accounts.issue_api_token(make_user(role))}"}


@pytest.mark.parametrize(
    "method, path",
    [
        ("GET", "/api/v1/leaflets/{id}/tags"),
        ("POST", "/api/v1/leaflets/{id}/tags"),
        ("DELETE", "/api/v1/leaflets/{id}/tags/economy"),
        ("GET", "/api/v1/leaflets/{id}/claims"),
        ("POST", "/api/v1/leaflets/{id}/claims"),
        ("PUT", "/api/v1/claims/1/ratings"),
        ("PUT", "/api/v1/leaflets/{id}/bias"),
    ],
)
def test_401_without_credentials_as_json(
    client: FlaskClient, leaflet: Leaflet, method: str, path: str
) -> None:
    response = client.open(path.format(id=leaflet.id), method=method, json={})
    assert response.status_code == 401
    assert response.json["error"]["code"] == "unauthorised" and response.json["error"]["message"]


@both_databases
def test_tags_add_list_and_remove(client: FlaskClient, leaflet: Leaflet) -> None:
    headers = _auth()
    url = f"/api/v1/leaflets/{leaflet.id}/tags"
    assert client.post(url, json={"slug": "transport"}, headers=headers).status_code == 201
    assert client.post(url, json={"slug": "transport"}, headers=headers).status_code == 200  # already there
    assert client.post(url, json={"slug": "transport"}, headers=_auth()).status_code == 201
    listed = client.get(url, headers=headers).json["tags"]
    assert listed == [{"slug": "transport", "name": "Transport", "group": "topic", "count": 2}]
    bad = client.post(url, json={"slug": "<b>nope</b>"}, headers=headers)
    assert (
        bad.status_code == 422 and bad.json["error"]["field"] == "tags" and bad.mimetype == "application/json"
    )
    assert client.delete(f"{url}/transport", headers=headers).json["tags"][0]["count"] == 1
    assert client.delete(f"{url}/transport?everyone=1", headers=headers).status_code == 403
    assert client.delete(f"{url}/transport?everyone=1", headers=_auth("moderator")).json["tags"] == []
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "remove-tag"))
    assert entry.target_id == leaflet.id and entry.details["before"] == {"tag": "transport", "applied": 1}


@both_databases
def test_claims_create_list_and_validate(client: FlaskClient, leaflet: Leaflet) -> None:
    headers = _auth()
    url = f"/api/v1/leaflets/{leaflet.id}/claims"
    image_id = leaflet.images[0].id
    created = client.post(
        url, json={"text": "We will cut bus fares by 20%.", "image_id": image_id}, headers=headers
    )
    assert created.status_code == 201 and created.headers["Location"].endswith(
        f"/claims/{created.json['id']}"
    )
    assert created.json["origin"] == "volunteer" and created.json["state"] == "accepted"
    assert created.json["span"] is not None
    assert created.json["ratings"] == {
        "count": 0,
        "by_verdict": {"accurate": 0, "misleading": 0, "false": 0, "unverifiable": 0, "pledge-opinion": 0},
        "shares": {
            "accurate": 0.0,
            "misleading": 0.0,
            "false": 0.0,
            "unverifiable": 0.0,
            "pledge-opinion": 0.0,
        },
        "consensus": None,
        "rated": False,
    }
    for body in (
        {"text": ""},
        {"text": 5},
        {"text": "ok claim", "image_id": "1"},
        {"text": "x", "image_id": 99999},
    ):
        assert client.post(url, json=body, headers=headers).status_code == 422, body
    assert client.post(url, data="not json", headers=headers).status_code == 422
    assert [c["text"] for c in client.get(url, headers=headers).json["claims"]] == [
        "We will cut bus fares by 20%."
    ]


@both_databases
def test_rating_upsert_and_rules(client: FlaskClient, leaflet: Leaflet, app: Flask) -> None:
    app.config["CLAIM_RATED_THRESHOLD"] = 2
    headers, other = _auth(), _auth()
    claim_id = client.post(
        f"/api/v1/leaflets/{leaflet.id}/claims", json={"text": "Crime fell by 50%."}, headers=headers
    ).json["id"]
    url = f"/api/v1/claims/{claim_id}/ratings"
    missing = client.put(url, json={"accuracy": "false"}, headers=headers)
    assert missing.status_code == 422 and missing.json["error"]["field"] == "source_url"
    assert client.put(url, json={"accuracy": "maybe"}, headers=headers).status_code == 422
    assert (
        client.put(
            url, json={"accuracy": "false", "source_url": "ftp://x.org/a", "note": "n"}, headers=headers
        ).status_code
        == 422
    )
    first = client.put(url, json={"accuracy": "accurate"}, headers=headers)
    assert first.status_code == 200 and first.json["claim"]["ratings"]["count"] == 1
    changed = client.put(
        url,
        json={"accuracy": "false", "source_url": "https://ons.gov.uk/x", "note": "It rose."},
        headers=headers,
    )
    assert changed.json["claim"]["ratings"]["by_verdict"]["false"] == 1
    final = client.put(
        url,
        json={"accuracy": "false", "source_url": "https://ons.gov.uk/y", "note": "Rose 3%."},
        headers=other,
    ).json["claim"]["ratings"]
    assert (final["count"], final["rated"], final["consensus"]) == (2, True, "false")
    assert db.session.scalar(select(func.count(ClaimRating.id))) == 2
    assert (
        client.put(
            "/api/v1/claims/999999/ratings", json={"accuracy": "accurate"}, headers=headers
        ).status_code
        == 404
    )


def test_rating_a_suggestion_is_a_conflict(client: FlaskClient, leaflet: Leaflet) -> None:
    claim = Claim(leaflet_id=leaflet.id, text="Only we can win here.", origin="suggested", state="suggested")
    db.session.add(claim)
    db.session.commit()
    response = client.put(
        f"/api/v1/claims/{claim.id}/ratings", json={"accuracy": "accurate"}, headers=_auth()
    )
    assert response.status_code == 409 and response.json["error"]["code"] == "conflict"


@both_databases
def test_bias_upsert_and_summary_in_leaflet_json(client: FlaskClient, leaflet: Leaflet) -> None:
    headers = _auth()
    url = f"/api/v1/leaflets/{leaflet.id}/bias"
    for body in ({"tone": 3, "fairness": 0}, {"tone": "x", "fairness": 0}, {"tone": True, "fairness": 0}, {}):
        assert client.put(url, json=body, headers=headers).status_code == 422, body
    client.put(url, json={"tone": -2, "fairness": -1}, headers=headers)
    response = client.put(url, json={"tone": 1, "fairness": 2, "note": "fair"}, headers=headers)
    assert response.json["bias"] == {"count": 1, "tone_mean": 1.0, "fairness_mean": 2.0}
    client.put(url, json={"tone": 0, "fairness": 1}, headers=_auth())
    client.post(f"/api/v1/leaflets/{leaflet.id}/tags", json={"slug": "economy"}, headers=headers)
    body = client.get(f"/api/v1/leaflets/{leaflet.id}").json
    assert body["bias"] == {"count": 2, "tone_mean": 0.5, "fairness_mean": 1.5}
    assert body["tags"] == [{"slug": "economy", "name": "Economy", "group": "topic", "count": 1}]
    assert db.session.scalar(select(func.count(BiasRating.id))) == 2


def test_session_login_works_for_the_api_and_summary_matches_service(
    app: Flask, client: FlaskClient, leaflet: Leaflet
) -> None:
    log_in(client, make_user())
    created = client.post(f"/api/v1/leaflets/{leaflet.id}/claims", json={"text": "Crime fell by 50%."})
    assert created.status_code == 201
    summary: dict[str, Any] = review.leaflet_summary(leaflet)
    assert set(summary) == {"tags", "claims", "bias"}
    assert summary["claims"][0]["ratings"]["rated"] is False and summary["bias"] is None
    assert client.get(f"/api/v1/leaflets/{leaflet.id}").json["claims"] == summary["claims"]


def test_hidden_leaflet_is_404_in_the_review_api(client: FlaskClient) -> None:
    hidden = make_leaflet(status="hidden")
    headers = _auth()
    for method, url in (
        ("GET", f"/api/v1/leaflets/{hidden.id}/claims"),
        ("GET", f"/api/v1/leaflets/{hidden.id}/tags"),
        ("PUT", f"/api/v1/leaflets/{hidden.id}/bias"),
    ):
        assert (
            client.open(url, method=method, json={"tone": 0, "fairness": 0}, headers=headers).status_code
            == 404
        )
    assert client.get(f"/api/v1/leaflets/{hidden.id}/claims", headers=_auth("moderator")).status_code == 200
