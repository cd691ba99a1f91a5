"""E-mail alerts on a real SMTP server: subscribe, confirm, a matching upload, the digest, unsubscribe."""

from __future__ import annotations

import html
import re
from datetime import timedelta

import pytest
from sqlalchemy import select

from leaflets.extensions import db
from leaflets.models import AlertSubscription
from leaflets.models._types import utcnow
from leaflets.ocr_queue.settings import QueueSettings
from leaflets.ocr_queue.worker import Worker
from tests.smtp_support import body, link
from tests.support import both_databases, free_port, leaflet_image, multipart, upload_fields

ADDRESS = "reader@example.org"


@pytest.fixture
def mail_app(make_app, smtp_server):  # noqa: F811
    inbox, port = smtp_server
    app = make_app(
        MAIL_SERVER="127.0.0.1",
        MAIL_PORT=port,
        ALERT_SETTLE_MINUTES=0,
        SITE_URL="https://alerts.example",
        MAIL_DEFAULT_SENDER="Straight Choice <alerts@example.net>",
    )
    with app.app_context():
        yield app, app.test_client(), inbox


def subscribe(client, kind: str, target: str, email: str = ADDRESS, frequency: str = "daily"):
    return client.post(
        "/alerts/subscribe", data={"kind": kind, "target": target, "email": email, "frequency": frequency}
    )


def upload(client, party: str, title: str, lines: list[str]) -> int:
    image = leaflet_image(lines, size=(900, 1200))
    response = client.post(
        "/api/v1/leaflets", data=multipart(upload_fields(party=party, title=title), [(image, "front.jpg")])
    )
    assert response.status_code == 201, response.get_data(as_text=True)
    return response.get_json()["id"]


def send(app, frequency: str = "daily") -> str:
    result = app.test_cli_runner().invoke(args=["alerts", "send", "--frequency", frequency])
    assert result.exit_code == 0, result.output
    return result.output


@both_databases
def test_subscribe_confirm_digest_and_unsubscribe(mail_app):
    app, client, inbox = mail_app
    page = subscribe(client, "party", "labour")
    assert page.status_code == 200 and "Check your inbox" in page.get_data(as_text=True)
    [confirmation] = inbox.wait_for(ADDRESS)
    assert confirmation["Subject"] == "Confirm your alert: Labour Party leaflets"
    assert confirmation["From"] == "Straight Choice <alerts@example.net>"
    assert "https://alerts.example/alerts/confirm/" in body(confirmation)  # SITE_URL, not the Host header

    upload(client, "labour", "Before confirming", ["VOTE LABOUR"])
    assert "0 sent" in send(app)  # nothing goes to an unconfirmed address
    confirm = link(confirmation, "/alerts/confirm/")
    assert "Yes, start my alerts" in client.get(confirm).get_data(as_text=True)  # a GET changes nothing
    assert "Your alert is on" in client.post(confirm).get_data(as_text=True)

    matching = upload(client, "labour", "Fixing our roads", ["FIX OUR ROADS", "Labour will act"])
    upload(client, "green", "A Green leaflet", ["GO GREEN"])
    assert "1 sent" in send(app)
    [_, digest] = inbox.wait_for(ADDRESS, 2)
    assert digest["Subject"] == "1 new leaflet: Labour Party leaflets"
    text = body(digest)
    assert "Fixing our roads" in text and f"https://alerts.example/leaflets/{matching}" in text
    assert "A Green leaflet" not in text and "Before confirming" not in text
    assert "Fixing our roads" in body(digest, "html")
    one_click = digest["List-Unsubscribe"].strip("<>")
    assert one_click.startswith("https://alerts.example/alerts/unsubscribe/") and one_click.endswith(
        "/one-click"
    )
    assert digest["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"

    assert "0 sent" in send(app)  # idempotent: nothing new since the last digest
    assert len(inbox.to(ADDRESS)) == 2
    assert "0 sent" in send(app, "weekly")

    unsubscribe = link(digest, "/alerts/unsubscribe/")
    assert "Stop these alerts?" in client.get(unsubscribe).get_data(as_text=True)
    assert "You are unsubscribed" in client.post(unsubscribe).get_data(as_text=True)
    assert db.session.scalar(select(AlertSubscription).where(AlertSubscription.email == ADDRESS)) is None
    assert "You are unsubscribed" in client.get(unsubscribe).get_data(as_text=True)  # a second click is fine
    upload(client, "labour", "After unsubscribing", ["LABOUR"])
    send(app)
    assert len(inbox.to(ADDRESS)) == 2


@pytest.mark.slow
def test_a_saved_search_matches_the_words_ocr_finds(mail_app):
    app, client, inbox = mail_app
    subscribe(client, "search", "q=tramways&party=libdem", frequency="weekly")
    confirm = link(inbox.wait_for(ADDRESS)[0], "/alerts/confirm/")
    client.post(confirm)
    wanted = upload(client, "libdem", "Transport", ["REOPEN THE TRAMWAYS", "Liberal Democrats"])
    upload(client, "libdem", "Other", ["SAVE OUR LIBRARY"])
    upload(client, "labour", "Labour trams", ["REOPEN THE TRAMWAYS"])
    ran = Worker(app, QueueSettings.from_config(app.config), "test").run(max_jobs=3, stop_when_idle=True)
    assert ran == 3
    from leaflets import runtime

    runtime.search_backend().flush()
    assert "1 sent" in send(app, "weekly")
    digest = inbox.wait_for(ADDRESS, 2)[1]
    assert digest["Subject"] == "1 new leaflet: leaflets matching “tramways” with Liberal Democrats"
    assert f"/leaflets/{wanted}" in body(digest) and "Other" not in body(digest)


def test_one_click_unsubscribe_needs_no_form(mail_app):
    app, client, inbox = mail_app
    subscribe(client, "area", "E14001063")
    client.post(link(inbox.wait_for(ADDRESS)[0], "/alerts/confirm/"))
    row = db.session.scalar(select(AlertSubscription))
    from leaflets.services import alerts

    with app.test_request_context("/"):
        url = alerts.unsubscribe_url(row, one_click=True)
    response = client.post(url.replace("https://alerts.example", ""), data={"List-Unsubscribe": "One-Click"})
    assert response.status_code == 200
    assert db.session.scalar(select(AlertSubscription)) is None


def test_form_errors_and_bad_links(mail_app):
    app, client, inbox = mail_app
    bad = subscribe(client, "party", "labour", email="not an address")
    assert bad.status_code == 422 and "Enter an e-mail address like" in bad.get_data(as_text=True)
    assert client.get("/alerts/subscribe?party=no-such-party").status_code == 422
    assert client.get("/alerts/subscribe?search=page%3D2").status_code == 422  # nothing to follow
    assert client.get("/alerts/subscribe?search=from%3Dyesterday").status_code == 422
    assert client.get("/alerts/confirm/not-a-token").status_code == 400
    subscribe(client, "party", "labour")
    confirm = link(inbox.wait_for(ADDRESS)[0], "/alerts/confirm/")
    token = confirm.rsplit("/", 1)[1]
    assert client.get(f"/alerts/unsubscribe/{token}").status_code == 400  # a confirm link cannot unsubscribe
    assert inbox.to("not an address") == []


def test_no_second_confirmation_soon_and_nothing_for_a_confirmed_alert(mail_app):
    app, client, inbox = mail_app
    subscribe(client, "party", "labour")
    subscribe(client, "party", "labour")
    inbox.wait_for(ADDRESS)
    assert len(inbox.to(ADDRESS)) == 1  # not again within ten minutes
    client.post(link(inbox.to(ADDRESS)[0], "/alerts/confirm/"))
    again = subscribe(client, "party", "labour")
    assert "Check your inbox" in again.get_data(as_text=True)  # the same answer: nobody learns who subscribes
    assert len(inbox.to(ADDRESS)) == 1


def test_unconfirmed_subscriptions_are_deleted_after_a_week(mail_app):
    app, client, inbox = mail_app
    subscribe(client, "party", "labour")
    row = db.session.scalar(select(AlertSubscription))
    row.created_at = utcnow() - timedelta(days=8)
    db.session.commit()
    assert "1 unconfirmed removed" in send(app)
    assert db.session.scalar(select(AlertSubscription)) is None


def test_subscriptions_are_rate_limited(make_app, smtp_server):  # noqa: F811
    _, port = smtp_server
    app = make_app(
        MAIL_SERVER="127.0.0.1", MAIL_PORT=port, RATELIMIT_ENABLED=True, ALERT_RATE_LIMIT="2 per hour"
    )
    with app.app_context():
        client = app.test_client()
        statuses = [
            subscribe(client, "party", "labour", email=f"r{i}@example.org").status_code for i in range(3)
        ]
    assert statuses == [200, 200, 429]


def test_without_a_mail_server_alerts_are_off_and_feeds_remain(client):
    page = client.get("/alerts/subscribe?party=labour").get_data(as_text=True)
    assert "E-mail alerts are off on this site" in page and 'href="/feeds/party/labour.atom"' in page
    assert "<form" not in page.split("<main", 1)[1]
    assert subscribe(client, "party", "labour").status_code == 200
    assert db.session.scalar(select(AlertSubscription)) is None
    result = client.application.test_cli_runner().invoke(args=["alerts", "send", "--frequency", "daily"])
    assert result.exit_code != 0 and "alerts are off" in result.output


def test_an_unreachable_mail_server_fails_the_run_and_keeps_the_window(make_app, smtp_server):  # noqa: F811
    inbox, port = smtp_server
    app = make_app(MAIL_SERVER="127.0.0.1", MAIL_PORT=port, ALERT_SETTLE_MINUTES=0)
    with app.app_context():
        client = app.test_client()
        subscribe(client, "party", "labour")
        client.post(link(inbox.wait_for(ADDRESS)[0], "/alerts/confirm/"))
        seen = db.session.scalar(select(AlertSubscription)).last_sent_at
        app.config["MAIL_PORT"] = free_port()  # nothing listens there
        result = app.test_cli_runner().invoke(args=["alerts", "send", "--frequency", "daily"])
        assert result.exit_code != 0 and "could not be reached" in result.output
        db.session.expire_all()
        assert db.session.scalar(select(AlertSubscription)).last_sent_at == seen


def test_a_confirmation_the_mail_server_refused_can_be_asked_for_again(make_app, smtp_server):  # noqa: F811
    inbox, port = smtp_server
    app = make_app(MAIL_SERVER="127.0.0.1", MAIL_PORT=free_port())  # nothing listens: the mail fails
    with app.app_context():
        client = app.test_client()
        failed = subscribe(client, "party", "labour")
        assert failed.status_code == 422 and "could not be reached" in failed.get_data(as_text=True)
        app.config["MAIL_PORT"] = port
        assert "Check your inbox" in subscribe(client, "party", "labour").get_data(as_text=True)
        assert len(inbox.wait_for(ADDRESS)) == 1


def test_the_search_page_links_to_an_alert_for_the_same_search(mail_app):
    app, client, inbox = mail_app
    page = client.get("/search?q=potholes&party=labour&page=1").get_data(as_text=True)
    found = re.search(r'href="(/alerts/subscribe\?search=[^"]+)"', page)
    assert found, "no alert link on the search page"
    form = client.get(html.unescape(found.group(1))).get_data(as_text=True)
    assert "E-mail alerts for leaflets matching “potholes” with Labour Party" in form
    assert 'value="q=potholes&amp;party=labour"' in form  # the normalised search is what gets stored
