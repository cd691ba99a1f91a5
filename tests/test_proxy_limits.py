"""Rate limits see the real client behind trusted proxies, come from the environment, are shared through
Redis between processes, and count failed logins per account as well as per address.

Issue 13: behind any reverse proxy every voter shared one address and one upload budget; limits were not
configurable from the environment; login guessing was not limited per account.
"""

from __future__ import annotations

import http.client
import uuid
from pathlib import Path
from typing import Callable
from urllib.parse import urlencode

import pytest
import redis
from flask import Flask

from leaflets import create_app
from tests import servers
from tests.factories import make_user
from tests.support import CSRF, PASSWORD, upload_through_api


def login_from(client, address: str, email: str, password: str = "not the password") -> int:
    return client.post(
        "/login", data={"email": email, "password": password}, headers={"X-Forwarded-For": address}
    ).status_code


def test_without_trusted_proxies_forwarded_for_buys_no_new_budget(make_app: Callable[..., Flask]) -> None:
    app = make_app(RATELIMIT_ENABLED=True, LOGIN_RATE_LIMIT="2 per minute")
    client = app.test_client()
    statuses = [login_from(client, f"203.0.113.{n}", "x@example.org") for n in range(3)]
    assert statuses == [422, 422, 429]


def test_behind_one_trusted_proxy_each_client_has_its_own_budget(make_app: Callable[..., Flask]) -> None:
    app = make_app(RATELIMIT_ENABLED=True, LOGIN_RATE_LIMIT="2 per minute", TRUSTED_PROXIES=1)
    client = app.test_client()
    first = [login_from(client, "203.0.113.1", "x@example.org") for _ in range(3)]
    other = [login_from(client, "203.0.113.2", "x@example.org") for _ in range(2)]
    assert first == [422, 422, 429] and other == [422, 422]
    # a client cannot pick its address: only the hop the proxy appended counts
    spoofed = client.post(
        "/login",
        data={"email": "x@example.org", "password": "x"},
        headers={"X-Forwarded-For": "198.51.100.9, 203.0.113.1"},
    )
    assert spoofed.status_code == 429


def test_the_forwarded_scheme_makes_external_links_https(make_app: Callable[..., Flask]) -> None:
    app = make_app(TRUSTED_PROXIES=1)
    response = upload_through_api(
        app.test_client(), **{"X-Forwarded-For": "203.0.113.1", "X-Forwarded-Proto": "https"}
    )
    assert response.status_code == 201 and response.headers["Location"].startswith("https://")


def test_every_limit_comes_from_the_environment(
    make_app: Callable[..., Flask], monkeypatch: pytest.MonkeyPatch
) -> None:
    settings = {
        "RATELIMIT_UPLOAD": ("UPLOAD_RATE_LIMIT", "1 per minute"),
        "RATELIMIT_LOGIN": ("LOGIN_RATE_LIMIT", "7 per minute"),
        "RATELIMIT_LOGIN_ACCOUNT": ("LOGIN_ACCOUNT_RATE_LIMIT", "3 per hour"),
        "RATELIMIT_FLAG": ("FLAG_RATE_LIMIT", "4 per day"),
        "TRUSTED_PROXIES": ("TRUSTED_PROXIES", 2),
    }
    for variable, (_, value) in settings.items():
        monkeypatch.setenv(variable, str(value))
    app = make_app(RATELIMIT_ENABLED=True)
    assert {key: app.config[key] for key, _ in settings.values()} == dict(settings.values())
    client = app.test_client()
    assert [upload_through_api(client).status_code, upload_through_api(client).status_code] == [201, 429]


@pytest.mark.parametrize(
    ("variable", "value"),
    [
        ("RATELIMIT_UPLOAD", "lots"),
        ("RATELIMIT_LOGIN", "10 a minute"),
        ("TRUSTED_PROXIES", "one"),
        ("RATELIMIT_ENABLED", "maybe"),
    ],
)
def test_a_bad_setting_stops_the_start_with_its_name(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, variable: str, value: str
) -> None:
    monkeypatch.setenv(variable, value)
    with pytest.raises(ValueError, match=variable):
        create_app(
            {
                "SECRET_KEY": "x",
                "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'x.sqlite3'}",
                "OCR_START_WORKERS": False,
            }
        )


def test_failed_logins_are_limited_per_account_from_any_address(make_app: Callable[..., Flask]) -> None:
    app = make_app(
        RATELIMIT_ENABLED=True,
        LOGIN_RATE_LIMIT="100 per minute",
        LOGIN_ACCOUNT_RATE_LIMIT="3 per minute",
        TRUSTED_PROXIES=1,
    )
    with app.app_context():
        target, bystander = make_user().email, make_user().email
    client = app.test_client()
    guesses = [login_from(client, f"198.51.100.{n}", target) for n in range(3)]
    assert guesses == [422, 422, 422]
    refused = client.post(
        "/login",
        data={"email": target.upper(), "password": PASSWORD},
        headers={"X-Forwarded-For": "198.51.100.50"},
    )
    assert refused.status_code == 429
    assert "Too many failed logins for this account" in refused.get_data(as_text=True)
    assert login_from(app.test_client(), "198.51.100.50", bystander, PASSWORD) == 302


def test_successful_logins_do_not_use_up_the_accounts_budget(make_app: Callable[..., Flask]) -> None:
    app = make_app(RATELIMIT_ENABLED=True, LOGIN_ACCOUNT_RATE_LIMIT="2 per minute")
    with app.app_context():
        email = make_user().email
    statuses = [login_from(app.test_client(), "192.0.2.1", email, PASSWORD) for _ in range(4)]
    assert statuses == [302] * 4


def _failed_login(port: int) -> int:
    """As a browser does: fetch the form (its CSRF token and session cookie), then post a wrong password."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        connection.request("GET", "/login")
        page = connection.getresponse()
        cookie = next(
            value.split(";", 1)[0]
            for value in page.msg.get_all("Set-Cookie", [])
            if value.startswith("session=")
        )
        token = CSRF.search(page.read().decode()).group(1)
        body = urlencode({"email": "x@example.org", "password": "wrong", "csrf_token": token})
        connection.request(
            "POST",
            "/login",
            body=body,
            headers={"Content-Type": "application/x-www-form-urlencoded", "Cookie": cookie},
        )
        response = connection.getresponse()
        response.read()
        return response.status
    finally:
        connection.close()


def test_two_server_processes_share_one_budget_through_redis(tmp_path: Path, database_url: str) -> None:
    prefix = f"sc-test-{uuid.uuid4().hex}"
    env = servers.app_env(
        database_url,
        tmp_path,
        RATELIMIT_STORAGE_URI="redis://127.0.0.1:6379/0",
        RATELIMIT_KEY_PREFIX=prefix,
        RATELIMIT_LOGIN="3 per minute",
    )
    store = redis.Redis(host="127.0.0.1", port=6379)
    try:
        with (
            servers.gunicorn(env, tmp_path / "a.log") as first,
            servers.gunicorn(env, tmp_path / "b.log") as second,
        ):
            statuses = [_failed_login(port) for port in (first, second, first, second)]
        assert statuses == [422, 422, 422, 429]
        assert store.keys(f"*{prefix}*")  # the counts live in Redis, not in either process
    finally:
        for key in store.scan_iter(f"*{prefix}*"):
            store.delete(key)
        store.close()
