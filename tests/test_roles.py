"""Who gets in: EVERY route in app.url_map, as anonymous, volunteer and moderator.

A route missing from the lists below fails the test: whoever adds a route decides here who may use it.
"""

from __future__ import annotations

from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from leaflets.extensions import db
from leaflets.models import Claim, Flag, Role, User
from leaflets.services import tokens
from tests.factories import make_leaflet, make_user
from tests.support import log_in

PUBLIC = {
    "static",
    "archive.index",
    "archive.leaflets",
    "archive.leaflet",
    "archive.parties",
    "archive.party",
    "archive.areas",
    "archive.area",
    "archive.election",
    "archive.stats",
    "media.image",
    "feeds.latest",
    "feeds.party",
    "feeds.area",
    "search.search",
    "search.tag",
    "search_feed.feed",
    "upload.form",
    "upload.submit",
    "upload.place",
    "upload.staged_thumb",
    "ocr_status.leaflet_ocr",
    "compare.page",
    "compare.leaflets",
    "compare.numbers",
    "compare.template",
    "crops.crop",
    "maps.page",
    "alerts.choose",
    "alerts.subscribe",
    "alerts.confirm",
    "alerts.unsubscribe",
    "alerts.one_click_unsubscribe",
    "discovery.elections",
    "discovery.random_leaflet",
    "pages.about",
    "pages.licence",
    "pages.privacy",
    "health.healthz",
    "api.parties",
    "api.areas",
    "api.elections",
    "api.list_leaflets",
    "api.get_leaflet",
    "api.create_leaflet",
    "api.openapi",
    "api.postcode",
    "api.answer_held_upload",
    "api.same_question",
    "same_leaflet.answer",
    "api.search",
    "api.export",
    "api.compare_leaflets",
    "api.stats",
    "auth.login",
    "auth.logout",
    "auth.register",
    "auth.reset_request",
    "auth.reset_password",
    "flags.flag",
    "volunteer.claim_page",
}
VOLUNTEER = {
    "volunteer.queue",
    "volunteer.skip",
    "volunteer.work",
    "volunteer.tags",
    "volunteer.add_claim",
    "volunteer.review_suggestion",
    "volunteer.rate_claim",
    "volunteer.rate_bias",
    "volunteer.correct_text",
    "volunteer.agreement_page",
    "places.queue",
    "places.set_place",
    "api.list_tags",
    "api.add_tag",
    "api.remove_tag",
    "api.list_claims",
    "api.add_claim",
    "api.rate_claim",
    "api.rate_bias",
    "volunteer.propose_fix",  # moderation (issue 11)
}
MODERATOR = {
    "moderation.dashboard",
    "moderation.leaflet",
    "moderation.status",
    "moderation.details",
    "moderation.rotate",
    "moderation.merge",
    "moderation.resolve_flag",
    "moderation.audit_log",
    "moderation.edit_photo",
    "moderation.merge_search",
    "moderation.merge_preview",  # moderation (issue 11)
    "moderation.decide_proposal",
}


@pytest.fixture
def world(app: Flask) -> dict[str, Any]:
    leaflet = make_leaflet()
    volunteer, moderator = make_user(Role.VOLUNTEER), make_user(Role.MODERATOR)
    claim = Claim(leaflet_id=leaflet.id, text="Crime fell by 50%.", state="accepted", origin="volunteer")
    flag = Flag(leaflet_id=leaflet.id, reason="other", note="")
    db.session.add_all([claim, flag])
    db.session.commit()
    image = leaflet.images[0]
    return {
        "leaflet_id": leaflet.id,
        "claim_id": claim.id,
        "image_id": image.id,
        "flag_id": flag.id,
        "sha256": image.sha256,
        "variant": "thumb",
        "gss": leaflet.area.gss,
        "postcode": "SW1A1AA",
        "filename": "css/site.css",
        "election": leaflet.election.slug,
        "volunteer": volunteer,
        "moderator": moderator,
        "position": 0,
        "template_id": leaflet.id,
        "original_id": leaflet.id,
        "proposal_id": 1,
        "decision": "dismiss",
        "token": tokens.make_reset_token(app.config["SECRET_KEY"], volunteer.id, "x"),
    }


def _url(app: Flask, rule: Any, world: dict[str, Any]) -> str:
    values = {}
    for name in rule.arguments:
        if name == "slug":
            values[name] = {"api.remove_tag": "economy", "archive.election": world["election"]}.get(
                rule.endpoint, "labour"
            )
        else:
            assert name in world, f"test_roles does not know how to fill <{name}> of {rule.rule}"
            values[name] = world[name]
    with app.test_request_context():
        from flask import url_for

        return url_for(rule.endpoint, **values).replace("http://localhost", "")


def _level(endpoint: str) -> str:
    if endpoint in MODERATOR:
        return "moderator"
    if endpoint in VOLUNTEER:
        return "volunteer"
    if endpoint in PUBLIC:
        return "public"
    raise AssertionError(
        f"route {endpoint} is in none of PUBLIC, VOLUNTEER, MODERATOR in tests/test_roles.py"
    )


def _request(client: FlaskClient, method: str, url: str) -> Any:
    kwargs: dict[str, Any] = (
        {"json": {}} if url.startswith("/api/") and method in ("POST", "PUT") else {"data": {}}
    )
    response = client.open(url, method=method, **kwargs)
    response.close()  # streamed files (static, images) hold a file open otherwise
    return response


def _let_in(response: Any) -> bool:
    if response.status_code in (401, 403):
        return False
    return not (response.status_code == 302 and response.headers["Location"].startswith("/login"))


def test_every_route_checks_the_role_on_the_server(app: Flask, world: dict[str, Any]) -> None:
    clients: dict[str, FlaskClient] = {"anonymous": app.test_client()}
    for role in ("volunteer", "moderator"):
        clients[role] = app.test_client()
        assert log_in(clients[role], world[role]).status_code == 302
    rules = sorted(app.url_map.iter_rules(), key=lambda r: (r.endpoint == "auth.logout", r.rule))
    checked = 0
    for rule in rules:
        level = _level(rule.endpoint)
        url = _url(app, rule, world)
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            for who, client in clients.items():
                response = _request(client, method, url)
                # never a server error; 503 is the designed "not now" (the search index is being built, say)
                assert response.status_code < 500 or response.status_code == 503, (
                    who,
                    method,
                    url,
                    response.status_code,
                )
                allowed = (
                    level == "public"
                    or (level == "volunteer" and who != "anonymous")
                    or (level == "moderator" and who == "moderator")
                )
                assert _let_in(response) == allowed, (who, method, url, response.status_code)
                if not allowed:
                    expected = (
                        401
                        if url.startswith("/api/") and who == "anonymous"
                        else 302
                        if who == "anonymous"
                        else 403
                    )
                    assert response.status_code == expected, (who, method, url, response.status_code)
                checked += 1
    assert checked > 100


def test_api_accepts_a_bearer_token_and_refuses_a_bad_one(app: Flask, world: dict[str, Any]) -> None:
    from leaflets.services import accounts

    token = accounts.issue_api_token(world["volunteer"])
    client = app.test_client()
    url = f"/api/v1/leaflets/{world['leaflet_id']}/claims"
    assert client.get(url, headers={"Authorization": f"Bearer {token}"}).status_code == 200
    refused = client.get(url, headers={"Authorization": "Bearer not-a-token"})
    assert refused.status_code == 401 and refused.json["error"]["code"] == "unauthorised"
    # a bearer token is for the API only: it does not open pages
    assert client.get("/volunteer", headers={"Authorization": f"Bearer {token}"}).status_code == 302


def test_moderator_actions_need_a_fresh_login(app: Flask, world: dict[str, Any]) -> None:
    client = app.test_client()
    log_in(client, world["moderator"])
    with client.session_transaction() as session:
        session["_fresh"] = False  # as after a login restored from the remember-me cookie
    assert client.get("/moderate").status_code == 200  # looking is fine
    response = client.post(f"/moderate/leaflets/{world['leaflet_id']}/status", data={"action": "hide"})
    assert response.status_code == 302 and response.headers["Location"].startswith("/login?next=/moderate")
    assert db.session.get(type(make_leaflet()), world["leaflet_id"]).status == "live"
    log_in(client, world["moderator"])
    response = client.post(
        f"/moderate/leaflets/{world['leaflet_id']}/status", data={"action": "hide", "reason": "x"}
    )
    assert response.headers["Location"] == f"/moderate/leaflets/{world['leaflet_id']}"


def test_suspended_account_cannot_log_in_or_keep_working(app: Flask, world: dict[str, Any]) -> None:
    user: User = world["volunteer"]
    client = app.test_client()
    log_in(client, user)
    user.active = False
    db.session.commit()
    response = client.get("/volunteer")  # the session no longer counts as logged in
    assert response.status_code == 302 and response.headers["Location"].startswith("/login")
    assert (
        app.test_client()
        .post("/login", data={"email": user.email, "password": "correct horse battery"})
        .status_code
        == 422
    )
