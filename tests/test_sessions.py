"""Sessions end when they should: logout (POST with CSRF) and password change revoke every copy; bearer tokens
win over cookies on the API; cookies are Secure and HSTS is sent when the site is served over HTTPS.

Issue 13: sessions survived a password reset and a copied cookie worked after logout; `GET /logout` logged out
without CSRF; a valid API token got 401 beside an anonymous session cookie; no Secure cookie or HSTS setting.
"""

from __future__ import annotations

import re
from typing import Callable

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from leaflets.extensions import db
from leaflets.models import Claim, Role, User
from leaflets.services import accounts
from tests.factories import make_leaflet, make_user
from tests.smtp_support import Inbox, link
from tests.support import CSRF, PASSWORD, both_databases, log_in


def copy_of(app: Flask, client: FlaskClient) -> FlaskClient:
    """A second browser holding a copy of this client's cookies (a stolen or synced cookie)."""
    other = app.test_client()
    for name in ("session", "remember_token"):
        cookie = client.get_cookie(name)
        if cookie is not None:
            other.set_cookie(name, cookie.value, domain=cookie.domain, path=cookie.path)
    return other


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def logged_in(client: FlaskClient) -> bool:
    return client.get("/volunteer").status_code == 200


def make_user_in(app: Flask, role: str = Role.VOLUNTEER) -> User:
    with app.app_context():
        user = make_user(role)
        db.session.expunge(user)
        return user


@both_databases
def test_a_copied_session_cookie_stops_working_after_logout(app: Flask, client: FlaskClient) -> None:
    assert log_in(client, make_user()).status_code == 302
    thief = copy_of(app, client)
    assert logged_in(thief)
    response = client.post("/logout")
    assert response.status_code == 302 and not logged_in(client)
    assert not logged_in(thief)


@both_databases
def test_a_password_reset_ends_every_session_and_remember_me_cookie(
    make_app: Callable[..., Flask], smtp_server: tuple[Inbox, int]
) -> None:
    inbox, port = smtp_server
    app = make_app(MAIL_SERVER="127.0.0.1", MAIL_PORT=port)
    client = app.test_client()
    with app.app_context():
        user = make_user()
        laptop, phone = app.test_client(), app.test_client()
        log_in(laptop, user)
        log_in(phone, user, remember="y")
        remembered = app.test_client()  # only the remember-me cookie: a browser restarted since
        remembered.set_cookie("remember_token", phone.get_cookie("remember_token").value, domain="localhost")
        assert logged_in(laptop) and logged_in(phone) and logged_in(remembered)
        client.post("/password-reset", data={"email": user.email})
        path = link(inbox.wait_for(user.email)[0], "/password-reset/")
        new = "a completely new password"
        reset = client.post(path, data={"password": new, "confirm": new})
        assert reset.status_code == 302
        assert not logged_in(laptop) and not logged_in(phone) and not logged_in(remembered)
        fresh = app.test_client()
        assert log_in(fresh, user, password=new).status_code == 302 and logged_in(fresh)


def test_logout_is_post_only(app: Flask, client: FlaskClient) -> None:
    log_in(client, make_user())
    response = client.get("/logout")
    assert response.status_code == 405 and set(response.headers["Allow"].split(", ")) == {"POST", "OPTIONS"}
    assert logged_in(client)


def test_logout_needs_the_csrf_token_and_the_header_form_carries_it(make_app: Callable[..., Flask]) -> None:
    app = make_app(WTF_CSRF_ENABLED=True)
    client = app.test_client()
    user = make_user_in(app)
    token = CSRF.search(client.get("/login").get_data(as_text=True)).group(1)
    assert (
        client.post(
            "/login", data={"email": user.email, "password": PASSWORD, "csrf_token": token}
        ).status_code
        == 302
    )
    page = client.get("/volunteer").get_data(as_text=True)
    form = re.search(r'<form method="post" action="/logout" class="nav-form">(.*?)</form>', page, re.S)
    assert form and "Log out</button>" in form.group(1)
    assert client.post("/logout").status_code == 400 and logged_in(client)  # from another site: no token
    assert client.post("/logout", data={"csrf_token": CSRF.search(form.group(1)).group(1)}).status_code == 302
    assert not logged_in(client)


@both_databases
def test_a_bearer_token_wins_over_an_anonymous_session_cookie(app: Flask, client: FlaskClient) -> None:
    leaflet = make_leaflet()
    token = accounts.issue_api_token(make_user())
    assert client.get("/upload").status_code == 200  # any form page: the browser now holds a session cookie
    assert client.get_cookie("session") is not None
    response = client.get(f"/api/v1/leaflets/{leaflet.id}/claims", headers=bearer(token))
    assert response.status_code == 200, response.get_json()


def test_the_token_decides_who_the_caller_is_whatever_the_cookie_says(
    app: Flask, client: FlaskClient
) -> None:
    leaflet = make_leaflet()
    volunteer, moderator = make_user(), make_user(Role.MODERATOR)
    token = accounts.issue_api_token(volunteer)
    log_in(client, moderator)
    url = f"/api/v1/leaflets/{leaflet.id}/claims"
    added = client.post(url, json={"text": "Crime fell by half."}, headers=bearer(token))
    assert added.status_code == 201
    author = db.session.scalar(select(Claim.created_by_id).where(Claim.id == added.get_json()["id"]))
    assert author == volunteer.id
    wrong = client.get(url, headers=bearer("not-a-token"))
    assert wrong.status_code == 401  # the client said who it is, and it was not that
    assert client.get(url).status_code == 200  # the cookie alone still works


@pytest.mark.parametrize("how", ["mapping", "environment"])
def test_over_https_cookies_are_secure_and_hsts_is_sent(
    make_app: Callable[..., Flask], how: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    if how == "environment":
        monkeypatch.setenv("PREFERRED_URL_SCHEME", "https")
        app = make_app()
    else:
        app = make_app(PREFERRED_URL_SCHEME="https")
    client = app.test_client()
    user = make_user_in(app)
    response = client.post(
        "/login",
        data={"email": user.email, "password": PASSWORD, "remember": "y"},
        base_url="https://localhost",
    )
    cookies = response.headers.getlist("Set-Cookie")
    assert {cookie.split("=", 1)[0] for cookie in cookies} >= {"session", "remember_token"}
    assert all("; Secure" in cookie for cookie in cookies), cookies
    assert response.headers["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains"
    assert client.get("/", base_url="https://localhost").headers["Strict-Transport-Security"]


def test_over_plain_http_there_is_no_hsts_and_cookies_work(app: Flask, client: FlaskClient) -> None:
    response = log_in(client, make_user(), remember="y")
    assert "Strict-Transport-Security" not in response.headers
    assert not any("Secure" in cookie for cookie in response.headers.getlist("Set-Cookie"))
