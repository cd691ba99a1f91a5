"""Accounts: register, login, logout, sessions, `next`, rate limits, password reset, create-user.

The helpers at the top (make_user, log_in, make_leaflet) are shared by the other review and moderation tests.
"""

from __future__ import annotations

import hashlib
import logging
import uuid
from typing import Any
from urllib.parse import urlsplit

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from leaflets.extensions import db
from leaflets.models import User
from leaflets.services import accounts
from tests.factories import make_user
from tests.smtp_support import link
from tests.support import PASSWORD, both_databases, log_in

# --- shared helpers -----------------------------------------------------------------------------------------


# --- tests --------------------------------------------------------------------------------------------------


@both_databases
def test_register_logs_in_and_hashes_with_scrypt(app: Flask, client: FlaskClient) -> None:
    response = client.post(
        "/register",
        data={"email": "New@Example.org", "display_name": "New", "password": PASSWORD, "confirm": PASSWORD},
    )
    assert response.status_code == 302 and response.headers["Location"] == "/volunteer"
    user = db.session.scalar(select(User).where(User.email == "new@example.org"))
    assert user.role == "volunteer" and user.password_hash.startswith("scrypt:")
    assert client.get("/volunteer").status_code == 200


def test_register_rejects_short_password_and_duplicate_email(app: Flask, client: FlaskClient) -> None:
    short = client.post(
        "/register",
        data={"email": "a@example.org", "display_name": "A", "password": "short", "confirm": "short"},
    )
    assert short.status_code == 422 and b"at least 10" in short.data
    make_user(email="taken@example.org")
    again = client.post(
        "/register",
        data={"email": "taken@example.org", "display_name": "B", "password": PASSWORD, "confirm": PASSWORD},
    )
    assert again.status_code == 422 and b"may already exist" in again.data


def test_same_message_for_unknown_user_and_wrong_password(app: Flask, client: FlaskClient) -> None:
    user = make_user()
    wrong = log_in(client, user, password="not the password")
    unknown = client.post("/login", data={"email": "nobody@example.org", "password": PASSWORD})
    assert wrong.status_code == unknown.status_code == 422
    assert accounts.LOGIN_FAILED.encode() in wrong.data and accounts.LOGIN_FAILED.encode() in unknown.data
    assert wrong.data.replace(user.email.encode(), b"") == unknown.data.replace(b"nobody@example.org", b"")


def test_login_clears_the_session_and_sets_hardened_cookie(app: Flask, client: FlaskClient) -> None:
    user = make_user()
    with client.session_transaction() as session:
        session["planted"] = "by an attacker"
    response = log_in(client, user)
    assert response.status_code == 302
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie
    with client.session_transaction() as session:
        assert "planted" not in session and session["_user_id"] == user.get_id() and session["_fresh"] is True
    client.post("/logout")
    assert client.get("/volunteer").status_code == 302


@pytest.mark.parametrize(
    "target, expected",
    [
        ("/volunteer/agreement", "/volunteer/agreement"),
        ("/moderate?x=1", "/moderate?x=1"),
        ("https://evil.example/", "/volunteer"),
        ("//evil.example/", "/volunteer"),
        ("/\\evil.example", "/volunteer"),
        ("javascript:alert(1)", "/volunteer"),
        ("\t//evil.example", "/volunteer"),
    ],
)
def test_next_only_redirects_to_local_paths(
    app: Flask, client: FlaskClient, target: str, expected: str
) -> None:
    user = make_user("moderator")
    response = log_in(client, user, next=target)
    assert response.headers["Location"] == expected


def test_protected_page_sends_anonymous_to_login_and_back(app: Flask, client: FlaskClient) -> None:
    response = client.get("/volunteer/agreement")
    assert response.status_code == 302 and response.headers["Location"].startswith("/login?next=")
    page = client.get(response.headers["Location"])
    assert b'value="/volunteer/agreement"' in page.data


def test_login_is_rate_limited_in_memory(make_app: Any) -> None:
    app = make_app(RATELIMIT_ENABLED=True, LOGIN_RATE_LIMIT="3 per minute")
    client = app.test_client()
    statuses = [
        client.post("/login", data={"email": "x@example.org", "password": "wrong"}).status_code
        for _ in range(4)
    ]
    assert statuses == [422, 422, 422, 429]
    assert client.get("/login").status_code == 200  # only POSTs count


def test_registration_is_rate_limited_with_redis(make_app: Any) -> None:
    app = make_app(
        RATELIMIT_ENABLED=True,
        LOGIN_RATE_LIMIT="2 per minute",
        RATELIMIT_STORAGE_URI="redis://127.0.0.1:6379",
        RATELIMIT_KEY_PREFIX=f"test-{uuid.uuid4().hex}",
    )
    client = app.test_client()
    statuses = [client.post("/register", data={"email": "bad"}).status_code for _ in range(3)]
    assert statuses[-1] == 429 and 429 not in statuses[:2]


@both_databases
def test_password_reset_token_is_mailed_signed_and_single_use(make_app: Any, smtp_server: Any) -> None:
    inbox, port = smtp_server
    app = make_app(
        MAIL_SERVER="127.0.0.1", MAIL_PORT=port
    )  # findings: the reset mail goes through the mailer
    client = app.test_client()
    with app.app_context():
        user = make_user()
        response = client.post("/password-reset", data={"email": user.email})
        assert response.status_code == 302
        path = link(inbox.wait_for(user.email)[0], "/password-reset/")
        _use_reset_link(client, user, path)


def test_without_mail_the_reset_link_is_never_logged_outside_debug(
    app: Flask, client: FlaskClient, caplog: pytest.LogCaptureFixture
) -> None:
    user = make_user()
    with caplog.at_level(logging.DEBUG):
        assert client.post("/password-reset", data={"email": user.email}).status_code == 302
    assert "password reset not sent" in caplog.text
    assert "/password-reset/" not in caplog.text and not any(hasattr(r, "reset_link") for r in caplog.records)


def _use_reset_link(client: FlaskClient, user: Any, path: str) -> None:
    assert client.get(path).status_code == 200
    new = "a brand new password"
    assert client.post(path, data={"password": new, "confirm": new}).status_code == 302
    assert client.post("/login", data={"email": user.email, "password": new}).status_code == 302
    client.post("/logout")
    reused = client.post(path, data={"password": "another password!", "confirm": "another password!"})
    assert reused.status_code == 400 and b"expired or was already used" in reused.data
    assert client.get(path[:-3] + "abc").status_code == 400


def test_reset_for_unknown_email_says_the_same(app: Flask, client: FlaskClient) -> None:
    known = client.post("/password-reset", data={"email": make_user().email}, follow_redirects=True)
    unknown = client.post("/password-reset", data={"email": "who@example.org"}, follow_redirects=True)
    assert b"If that email has an account" in known.data and b"If that email has an account" in unknown.data


def test_reset_token_expires(app: Flask) -> None:
    from leaflets.services import tokens

    user = make_user()
    token = tokens.make_reset_token(app.config["SECRET_KEY"], user.id, user.password_hash)
    assert accounts.user_for_reset_token(token, app.config) == user
    assert accounts.user_for_reset_token(token, {**app.config, "PASSWORD_RESET_MAX_AGE_S": -1}) is None


def test_create_user_command_with_role_and_token(app: Flask) -> None:
    runner = app.test_cli_runner()
    result = runner.invoke(
        args=[
            "create-user",
            "mod@example.org",
            "--display-name",
            "Mo",
            "--role",
            "moderator",
            "--password",
            PASSWORD,
            "--token",
        ]
    )
    assert result.exit_code == 0, result.output
    token = result.output.strip().rsplit(" ", 1)[1]
    user = db.session.scalar(select(User).where(User.email == "mod@example.org"))
    assert user.role == "moderator" and user.api_token_hash == hashlib.sha256(token.encode()).hexdigest()
    prompted = runner.invoke(args=["create-user", "vol@example.org"], input=f"{PASSWORD}\n{PASSWORD}\n")
    assert prompted.exit_code == 0 and "Created volunteer" in prompted.output
    bad = runner.invoke(args=["create-user", "x@example.org", "--password", "short"])
    assert bad.exit_code != 0 and "at least" in bad.output


def test_reset_link_command_prints_a_working_link_and_logs_nothing(
    app: Flask, client: FlaskClient, caplog: pytest.LogCaptureFixture
) -> None:
    """Without a mail server an admin makes the link: printed to the terminal only, never to the logs."""
    user = make_user()
    with caplog.at_level(logging.DEBUG):
        result = app.test_cli_runner().invoke(args=["reset-link", user.email.upper()])
    assert result.exit_code == 0, result.output
    url = result.output.strip()
    assert url.startswith(app.config["SITE_URL"] + "/password-reset/")
    assert "/password-reset/" not in caplog.text and not any(hasattr(r, "reset_link") for r in caplog.records)
    _use_reset_link(client, user, urlsplit(url).path)


def test_reset_link_command_refuses_an_unknown_email(app: Flask) -> None:
    result = app.test_cli_runner().invoke(args=["reset-link", "nobody@example.org"])
    assert (
        result.exit_code != 0
        and "No active account" in result.output
        and "password-reset" not in result.output
    )


def test_csrf_is_enforced_when_enabled(make_app: Any) -> None:
    app = make_app(WTF_CSRF_ENABLED=True)
    client = app.test_client()
    assert client.post("/login", data={"email": "a@example.org", "password": "x"}).status_code == 400
    assert client.post("/volunteer/skip", data={"leaflet_id": "1"}).status_code == 400
    assert client.post("/leaflets/1/flag", data={"reason": "other"}).status_code == 400
