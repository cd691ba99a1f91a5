"""GET /leaflets/<id>/ocr.json and the OCR partial: statuses, escaped text, marked words, who sees
failures."""

from __future__ import annotations

import re
from typing import Any, Callable

from flask import Flask, render_template
from flask_login import login_user

from leaflets.extensions import db
from leaflets.models import LeafletImage, User
from leaflets.ocr_queue import jobs
from leaflets.ocr_queue.jobs import OcrOutcome
from leaflets.ocr_queue.settings import QueueSettings
from leaflets.ocr_queue.worker import Worker
from leaflets.web.ocr_status import leaflet_ocr_json
from tests.factories import image_row, pending_leaflet
from tests.support import FAST, PAGE, SIZE, both_databases, leaflet_image

SMALL = leaflet_image(["x"], size=(64, 64))


def word(text: str, confidence: float, left: int, line: int = 1, paragraph: int = 1) -> dict[str, Any]:
    return {
        "text": text,
        "confidence": confidence,
        "left": left,
        "top": 10,
        "width": 40,
        "height": 12,
        "block": 1,
        "paragraph": paragraph,
        "line": line,
    }


def finish(image_id: int, words: list[dict[str, Any]], text: str = "", confidence: float = 80.0) -> None:
    job = jobs.claim(image_id, "test", QueueSettings())
    assert job is not None
    assert jobs.complete(job, OcrOutcome(text=text, confidence=confidence, words=words, rotation=0))


def fail_for_good(image_id: int, reason: str) -> None:
    settings = QueueSettings(max_attempts=1)
    job = jobs.claim(image_id, "test", settings)
    assert job is not None and jobs.fail(job, reason, settings) == "failed"


@both_databases
def test_status_json_follows_the_jobs(app: Flask, client: Any) -> None:
    leaflet_id, image_ids = pending_leaflet([SMALL, SMALL, SMALL])
    body = client.get(f"/leaflets/{leaflet_id}/ocr.json").get_json()
    assert body["complete"] is False and [i["status"] for i in body["images"]] == ["pending"] * 3
    assert "being read" in body["images"][0]["html"]

    finish(image_ids[0], [word("Vote", 95, 5), word("Smith", 40, 50)], text="Vote Smith")
    fail_for_good(image_ids[1], "Tesseract is not installed or not on PATH (tried 'x')")
    assert jobs.claim(image_ids[2], "busy", QueueSettings()) is not None
    response = client.get(f"/leaflets/{leaflet_id}/ocr.json")
    assert response.headers["Cache-Control"] == "no-store"
    done, failed, running = response.get_json()["images"]
    assert (done["status"], done["text"], done["words"], done["confidence"]) == (
        "done",
        "Vote Smith",
        2,
        80.0,
    )
    assert failed["status"] == "failed" and failed["error"] is None  # the public gets no internals
    assert "We could not read this photo; help transcribe it" in failed["html"]
    assert "Tesseract" not in failed["html"]
    assert failed["text_status"] == "failed" and done["text_status"] == "read"
    assert running["status"] == "running" and running["text"] is None

    finish_running = jobs.claim_next("other", QueueSettings())
    assert finish_running is None  # the running job is leased
    jobs.requeue(image_ids=[image_ids[2]])  # not stolen: its lease is live
    assert image_row(image_ids[2]).ocr_status == "running"


@both_databases
def test_hidden_leaflets_have_no_public_status(app: Flask, client: Any) -> None:
    leaflet_id, _ = pending_leaflet([SMALL], status="hidden")
    response = client.get(f"/leaflets/{leaflet_id}/ocr.json")
    assert response.status_code == 404 and response.get_json()["error"]["code"] == "not_found"
    assert client.get("/leaflets/999999/ocr.json").status_code == 404


def test_text_is_escaped_with_uncertain_words_marked_and_boxes_attached(app: Flask, client: Any) -> None:
    leaflet_id, [image_id] = pending_leaflet([SMALL])
    words = [
        word("<script>alert(1)</script>", 91, 5),
        word("Fix", 96, 60),
        word("potholez", 31, 100),
        word("Now", 88, 5, line=2),
        word("Vote", 90, 5, paragraph=2),
    ]
    finish(image_id, words)
    html = client.get(f"/leaflets/{leaflet_id}/ocr.json").get_json()["images"][0]["html"]
    assert "<script>alert" not in html and "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert re.search(
        r'<mark class="w low-confidence" data-box="100,10,40,12" title="Uncertain \(31% confidence\)">'
        r"potholez</mark>",
        html,
    )
    assert '<span class="w" data-box="60,10,40,12">Fix</span>' in html
    assert 'data-image-size="64,64"' in html
    text = re.search(r'<div class="ocr-text ocr-words"[^>]*>(.*?)</div>', html, re.S).group(1)
    assert re.sub(r"<[^>]+>", "", text) == "&lt;script&gt;alert(1)&lt;/script&gt; Fix potholez\nNow\n\nVote"
    assert "<script src" not in html  # the fragment does not load the script again


def test_moderators_see_why_ocr_failed(app: Flask) -> None:
    leaflet_id, [image_id] = pending_leaflet([SMALL])
    fail_for_good(image_id, "OCR took longer than 120 s")
    moderator = User(email="mod@example.org", display_name="Mod", password_hash="x", role="moderator")
    db.session.add(moderator)
    db.session.commit()
    image = db.session.get(LeafletImage, image_id)
    with app.test_request_context():
        login_user(moderator)
        html = render_template("ocr/_image_text.html", image=image)
        assert "OCR failed after 1 attempt: OCR took longer than 120 s" in html
        assert f"flask ocr requeue --image {image_id}" in html
        assert (
            leaflet_ocr_json(image.leaflet, moderator=True)["images"][0]["error"]
            == "OCR took longer than 120 s"
        )


def test_the_script_is_included_once_per_page(app: Flask) -> None:
    _leaflet_id, image_ids = pending_leaflet([SMALL, SMALL])
    with app.test_request_context():
        pages = [
            render_template("ocr/_image_text.html", image=db.session.get(LeafletImage, i)) for i in image_ids
        ]
    assert pages[0].count("js/ocr-status.js") == 1 and "js/ocr-status.js" not in pages[1]


def test_the_api_carries_text_confidence_and_status_per_image(make_app: Callable[..., Flask]) -> None:
    app = make_app(**FAST)
    with app.app_context():
        leaflet_id, [image_id] = pending_leaflet([leaflet_image(PAGE, size=SIZE)])
        client = app.test_client()
        assert client.get(f"/api/v1/leaflets/{leaflet_id}").get_json()["images"][0]["text"] is None
        assert Worker(app, QueueSettings.from_config(app.config), "w").run(max_jobs=1) == 1
        image = client.get(f"/api/v1/leaflets/{leaflet_id}").get_json()["images"][0]
    assert image["ocr_status"] == "done" and "POTHOLES" in image["text"].upper()
    assert image["words"] >= 6 and image["confidence"] > 60 and image["ocr_error"] is None


def test_the_leaflet_page_includes_the_partial_and_its_script(make_app: Callable[..., Flask]) -> None:
    app = make_app(**FAST)
    with app.app_context():
        leaflet_id, image_ids = pending_leaflet([leaflet_image(PAGE, size=SIZE), SMALL])
        client = app.test_client()
        page = client.get(f"/leaflets/{leaflet_id}").get_data(as_text=True)
        assert page.count('data-ocr-status="pending"') == 2 and page.count("js/ocr-status.js") == 1
        assert Worker(app, QueueSettings.from_config(app.config), "w").run(max_jobs=1) == 1
        page = client.get(f"/leaflets/{leaflet_id}").get_data(as_text=True)
    assert f'id="ocr-{image_ids[0]}" data-ocr-image="{image_ids[0]}" data-ocr-status="done"' in page
    assert ">POTHOLES<" in page.upper()
