"""Volunteer work through the web pages: queue, skip, tags, claims, suggestions, ratings, bias, OCR
corrections."""

from __future__ import annotations

import threading
from typing import Any

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select

from leaflets.extensions import db
from leaflets.models import BiasRating, Claim, ClaimRating, LeafletImage, LeafletTag, OcrCorrection
from leaflets.services import indexing
from tests.factories import OCR_TEXT, make_leaflet, make_user
from tests.support import both_databases, log_in

XSS = '<script>alert("x")</script><img src=x onerror=alert(1)>'


def _claim(leaflet_id: int, text: str = "We will cut bus fares by 20%.") -> Claim:
    return db.session.scalar(select(Claim).where(Claim.leaflet_id == leaflet_id, Claim.text == text))


def test_queue_hands_out_least_rated_newest_and_remembers_skips(app: Flask, client: FlaskClient) -> None:
    rated, fresh, hidden = make_leaflet(), make_leaflet(), make_leaflet(status="hidden")
    other = make_user()
    db.session.add(BiasRating(leaflet_id=rated.id, user_id=other.id, tone=0, fairness=0))
    db.session.commit()
    log_in(client, make_user())
    page = client.get("/volunteer")
    assert f'/volunteer/leaflets/{fresh.id}"'.encode() in page.data
    client.post("/volunteer/skip", data={"leaflet_id": fresh.id})
    page = client.get("/volunteer")
    assert f'/volunteer/leaflets/{rated.id}"'.encode() in page.data
    client.post("/volunteer/skip", data={"leaflet_id": rated.id})
    page = client.get("/volunteer")
    assert b"Nothing is waiting" in page.data and f"/leaflets/{hidden.id}".encode() not in page.data


@both_databases
def test_work_page_suggests_claims_and_volunteer_reviews_them(app: Flask, client: FlaskClient) -> None:
    leaflet = make_leaflet()
    log_in(client, make_user())
    page = client.get(f"/volunteer/leaflets/{leaflet.id}")
    assert page.status_code == 200 and b"Suggested claims" in page.data
    suggested = db.session.scalars(select(Claim).where(Claim.leaflet_id == leaflet.id)).all()
    assert {c.origin for c in suggested} == {"suggested"} and len(suggested) == 3
    accept, edit, dismiss = suggested
    client.post(f"/volunteer/claims/{accept.id}/review", data={"action": "accept"})
    client.post(
        f"/volunteer/claims/{edit.id}/review", data={"action": "edit", "text": "Only the Greens can win."}
    )
    client.post(f"/volunteer/claims/{dismiss.id}/review", data={"action": "dismiss"})
    db.session.expire_all()
    assert [c.state for c in (accept, edit, dismiss)] == ["accepted", "accepted", "dismissed"]
    assert edit.text == "Only the Greens can win." and edit.origin == "suggested"
    client.get(f"/volunteer/leaflets/{leaflet.id}")  # a second visit suggests nothing again
    assert db.session.scalar(select(func.count(Claim.id)).where(Claim.leaflet_id == leaflet.id)) == 3
    again = client.post(
        f"/volunteer/claims/{dismiss.id}/review", data={"action": "accept"}, follow_redirects=True
    )
    assert b"already reviewed" in again.data


def test_mark_claim_keeps_a_true_span_and_finds_one_for_typed_text(app: Flask, client: FlaskClient) -> None:
    leaflet = make_leaflet()
    image = leaflet.images[0]
    log_in(client, make_user())
    start = OCR_TEXT.index("Thank you")
    client.post(
        f"/volunteer/leaflets/{leaflet.id}/claims",
        data={
            "text": "Thank you for reading.",
            "image_id": image.id,
            "span_start": start,
            "span_end": start + 22,
        },
    )
    claim = _claim(leaflet.id, "Thank you for reading.")
    assert (claim.span_start, claim.span_end, claim.origin, claim.state) == (
        start,
        start + 22,
        "volunteer",
        "accepted",
    )
    client.post(
        f"/volunteer/leaflets/{leaflet.id}/claims",
        data={"text": "VOTE FOR BETTER  BUSES", "image_id": image.id, "span_start": 0, "span_end": 3},
    )
    typed = _claim(leaflet.id, "VOTE FOR BETTER BUSES")
    assert (typed.span_start, typed.span_end) == (0, 21)
    empty = client.post(
        f"/volunteer/leaflets/{leaflet.id}/claims", data={"text": "  "}, follow_redirects=True
    )
    assert b"Enter the words of the claim" in empty.data


@both_databases
def test_rating_requires_source_for_misleading_and_updates_on_second_rating(
    app: Flask, client: FlaskClient
) -> None:
    leaflet = make_leaflet()
    user = make_user()
    log_in(client, user)
    client.post(f"/volunteer/leaflets/{leaflet.id}/claims", data={"text": "Crime fell by 50%."})
    claim = _claim(leaflet.id, "Crime fell by 50%.")
    url = f"/volunteer/claims/{claim.id}/rating"
    no_source = client.post(
        url, data={"accuracy": "misleading", "note": "cherry-picked"}, follow_redirects=True
    )
    assert b"needs a source" in no_source.data
    bad_scheme = client.post(
        url,
        data={"accuracy": "false", "source_url": "javascript:alert(1)", "note": "x"},
        follow_redirects=True,
    )
    assert b"starting http" in bad_scheme.data
    no_note = client.post(
        url, data={"accuracy": "false", "source_url": "https://fullfact.org/x"}, follow_redirects=True
    )
    assert b"short explanation" in no_note.data
    assert db.session.scalar(select(func.count(ClaimRating.id))) == 0
    client.post(url, data={"accuracy": "accurate"})
    client.post(
        url, data={"accuracy": "misleading", "source_url": "https://fullfact.org/x", "note": "Only one year"}
    )
    ratings = db.session.scalars(select(ClaimRating).where(ClaimRating.claim_id == claim.id)).all()
    assert len(ratings) == 1 and ratings[0].accuracy == "misleading" and ratings[0].note == "Only one year"


def test_rating_a_suggested_claim_needs_acceptance(app: Flask, client: FlaskClient) -> None:
    leaflet = make_leaflet()
    log_in(client, make_user())
    client.get(f"/volunteer/leaflets/{leaflet.id}")
    suggestion = db.session.scalars(select(Claim).where(Claim.leaflet_id == leaflet.id)).first()
    page = client.post(
        f"/volunteer/claims/{suggestion.id}/rating", data={"accuracy": "accurate"}, follow_redirects=True
    )
    assert b"Accept this suggested claim" in page.data


def _rate_in_thread(
    app: Flask, user_email: str, claim_id: int, accuracy: str, barrier: threading.Barrier, results: list[Any]
) -> None:
    with app.app_context():
        client = app.test_client()
        client.post("/login", data={"email": user_email, "password": "correct horse battery"})
        barrier.wait()
        results.append(
            client.post(f"/volunteer/claims/{claim_id}/rating", data={"accuracy": accuracy}).status_code
        )
        db.session.remove()


@both_databases
def test_concurrent_ratings_by_two_volunteers_both_count_and_a_race_never_duplicates(app: Flask) -> None:
    leaflet = make_leaflet()
    first, second = make_user(), make_user()
    client = app.test_client()
    log_in(client, first)
    client.post(f"/volunteer/leaflets/{leaflet.id}/claims", data={"text": "Crime fell by 50%."})
    claim_id = _claim(leaflet.id, "Crime fell by 50%.").id
    for users in ([first.email, second.email], [first.email, first.email]):
        barrier, results = threading.Barrier(2), []
        threads = [
            threading.Thread(target=_rate_in_thread, args=(app, email, claim_id, verdict, barrier, results))
            for email, verdict in zip(users, ("accurate", "unverifiable"))
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=60)
        assert results == [302, 302]
    db.session.expire_all()
    ratings = db.session.scalars(select(ClaimRating).where(ClaimRating.claim_id == claim_id)).all()
    assert sorted(r.user_id for r in ratings) == sorted([first.id, second.id])


@both_databases
def test_bias_rating_validates_scale_and_updates(app: Flask, client: FlaskClient) -> None:
    leaflet = make_leaflet()
    log_in(client, make_user())
    url = f"/volunteer/leaflets/{leaflet.id}/bias"
    bad = client.post(url, data={"tone": "3", "fairness": "-1", "note": "kept"})
    assert (
        bad.status_code == 422
        and b'<span class="field-error" id="tone-error">Tone is a whole number' in bad.data
    )
    assert (
        b'value="-1"\n                     checked' in bad.data and b">kept</textarea>" in bad.data
    )  # choices kept
    client.post(url, data={"tone": "-2", "fairness": "1"})
    client.post(url, data={"tone": "1", "fairness": "2", "note": "kinder on reflection"})
    rows = db.session.scalars(select(BiasRating).where(BiasRating.leaflet_id == leaflet.id)).all()
    assert [(r.tone, r.fairness) for r in rows] == [(1, 2)]
    page = client.get(f"/volunteer/leaflets/{leaflet.id}")
    assert b"attacks opponents" in page.data and b"misleading presentation" in page.data


@both_databases
def test_tags_from_taxonomy_record_who_and_replace_only_mine(
    app: Flask, client: FlaskClient, monkeypatch: Any
) -> None:
    changed: list[int] = []
    monkeypatch.setattr(indexing, "leaflet_changed", changed.append)
    leaflet = make_leaflet()
    other, me = make_user(), make_user()
    db.session.add(LeafletTag(leaflet_id=leaflet.id, tag_id=1, user_id=other.id))
    db.session.commit()
    log_in(client, me)
    client.post(f"/volunteer/leaflets/{leaflet.id}/tags", data={"tags": ["economy", "transport"]})
    client.post(f"/volunteer/leaflets/{leaflet.id}/tags", data={"tags": ["transport", "squeeze-message"]})
    mine = db.session.scalars(select(LeafletTag).where(LeafletTag.user_id == me.id)).all()
    assert sorted(t.tag.slug for t in mine) == ["squeeze-message", "transport"]
    assert all(t.created_at is not None for t in mine)
    assert db.session.scalar(select(func.count(LeafletTag.id)).where(LeafletTag.user_id == other.id)) == 1
    bad = client.post(f"/volunteer/leaflets/{leaflet.id}/tags", data={"tags": [XSS]}, follow_redirects=True)
    assert b"<script>alert" not in bad.data and b"&lt;script&gt;" in bad.data
    assert changed == [leaflet.id, leaflet.id]


@both_databases
def test_ocr_correction_is_versioned_sets_text_and_updates_index(
    app: Flask, client: FlaskClient, monkeypatch: Any
) -> None:
    changed: list[int] = []
    monkeypatch.setattr(indexing, "leaflet_changed", changed.append)
    leaflet = make_leaflet()
    image_id = leaflet.images[0].id
    log_in(client, make_user())
    url = f"/volunteer/leaflets/{leaflet.id}/images/{image_id}/text"
    client.post(url, data={"text": "VOTE FOR BETTER BUSES\nFares will rise by 10%."})
    client.post(url, data={"text": "VOTE FOR BETTER BUSES.\nFares will rise by 10% next year."})
    versions = db.session.scalars(
        select(OcrCorrection).where(OcrCorrection.image_id == image_id).order_by(OcrCorrection.version)
    ).all()
    assert [v.version for v in versions] == [1, 2]
    assert (
        db.session.get(LeafletImage, image_id).text
        == "VOTE FOR BETTER BUSES.\nFares will rise by 10% next year."
    )
    assert changed == [leaflet.id, leaflet.id]


def test_user_text_comes_back_escaped_everywhere(app: Flask, client: FlaskClient) -> None:
    leaflet = make_leaflet()
    log_in(client, make_user())
    client.post(f"/volunteer/leaflets/{leaflet.id}/claims", data={"text": XSS})
    claim = _claim(leaflet.id, XSS)
    client.post(
        f"/volunteer/claims/{claim.id}/rating",
        data={"accuracy": "false", "source_url": "https://example.org/", "note": XSS},
    )
    client.post(f"/volunteer/leaflets/{leaflet.id}/bias", data={"tone": "0", "fairness": "0", "note": XSS})
    client.post(f"/leaflets/{leaflet.id}/flag", data={"reason": "other", "note": XSS})
    moderator = make_user("moderator")
    mod_client = app.test_client()
    log_in(mod_client, moderator)
    for page in (
        client.get(f"/volunteer/leaflets/{leaflet.id}"),
        client.get(f"/claims/{claim.id}"),
        client.get(f"/leaflets/{leaflet.id}"),
        mod_client.get("/moderate"),
        mod_client.get(f"/moderate/leaflets/{leaflet.id}"),
    ):
        assert page.status_code == 200
        assert b"<script>alert" not in page.data and b"<img src=x" not in page.data
        assert b"&lt;script&gt;" in page.data


def test_consensus_needs_the_threshold_and_shows_on_leaflet_and_claim_pages(app: Flask) -> None:
    app.config["CLAIM_RATED_THRESHOLD"] = 3
    leaflet = make_leaflet()
    clients = []
    for _ in range(3):
        client = app.test_client()
        log_in(client, make_user())
        clients.append(client)
    clients[0].post(f"/volunteer/leaflets/{leaflet.id}/claims", data={"text": "Crime fell by 50%."})
    claim = _claim(leaflet.id, "Crime fell by 50%.")
    for client, verdict in zip(clients[:2], ("accurate", "accurate")):
        client.post(f"/volunteer/claims/{claim.id}/rating", data={"accuracy": verdict})
    page = app.test_client().get(f"/claims/{claim.id}")
    assert b"2 ratings" in page.data and b"Not enough ratings" in page.data
    clients[2].post(f"/volunteer/claims/{claim.id}/rating", data={"accuracy": "unverifiable"})
    for url in (f"/claims/{claim.id}", f"/leaflets/{leaflet.id}"):
        page = app.test_client().get(url)
        assert (
            b"3 ratings" in page.data and b"Consensus: accurate" in page.data and b"accurate 67%" in page.data
        )


def test_agreement_page_shows_alpha(app: Flask, client: FlaskClient) -> None:
    leaflet = make_leaflet()
    users = [make_user() for _ in range(2)]
    for user, (tone, fairness) in zip(users, ((-2, -1), (-1, -1))):
        db.session.add(BiasRating(leaflet_id=leaflet.id, user_id=user.id, tone=tone, fairness=fairness))
    db.session.commit()
    log_in(client, users[0])
    page = client.get("/volunteer/agreement")
    assert page.status_code == 200 and b"Krippendorff" in page.data and b"Bias: tone" in page.data
