"""Claim suggestions from OCR text."""

from __future__ import annotations

import threading

import pytest
from flask import Flask
from sqlalchemy import func, select

from leaflets.extensions import db
from leaflets.models import Claim, Leaflet
from leaflets.services.claim_suggestions import ensure_for_leaflet, suggest
from tests.factories import make_leaflet
from tests.support import both_databases

TEXT = """VOTE GREEN!
Only the Greens can win here. Labour came third last time.
We will cut bus fares by 20%. The council wasted £3m on a new office.
Crime is up 40 per cent since 2019.

Our candidate lives locally and loves dogs
Printed by J Smith, 1 High Street, Anytown."""


@pytest.mark.parametrize(
    "sentence, reason",
    [
        ("Only the Greens can win here.", "squeeze"),
        ("We will cut bus fares by 20%.", "promise"),
        ("We will cut bus fares by 20%.", "percentage"),
        ("The council wasted £3m on a new office.", "money"),
        ("Crime is up 40 per cent since 2019.", "percentage"),
    ],
)
def test_suggests_checkable_sentences_with_reasons(sentence: str, reason: str) -> None:
    found = {s.text: s for s in suggest(TEXT)}
    assert reason in found[sentence].reasons


def test_skips_plain_sentences_imprints_and_keeps_true_spans() -> None:
    found = suggest(TEXT)
    texts = [s.text for s in found]
    assert "Labour came third last time." not in texts
    assert not any("Printed by" in t for t in texts) and not any("loves dogs" in t for t in texts)
    for item in found:
        assert " ".join(TEXT[item.start : item.end].split()) == item.text


def test_comparatives_and_line_wrapped_sentences() -> None:
    found = suggest("Schools here get less funding\nthan anywhere else in the county.")
    assert [s.text for s in found] == ["Schools here get less funding than anywhere else in the county."]


def test_ensure_stores_once_and_never_revives_a_dismissed_suggestion(app: Flask) -> None:
    leaflet = make_leaflet(text=TEXT)
    assert ensure_for_leaflet(leaflet) == 4
    claims = db.session.scalars(select(Claim).where(Claim.leaflet_id == leaflet.id)).all()
    assert {(c.origin, c.state) for c in claims} == {("suggested", "suggested")}
    claims[0].state = "dismissed"
    db.session.commit()
    assert ensure_for_leaflet(leaflet) == 0


@both_databases
def test_two_volunteers_opening_a_leaflet_at_once_store_suggestions_once(app: Flask) -> None:
    leaflet_id = make_leaflet(text=TEXT).id
    barrier, results = threading.Barrier(2), []

    def open_page() -> None:
        with app.app_context():
            leaflet = db.session.get(Leaflet, leaflet_id)
            barrier.wait()
            results.append(ensure_for_leaflet(leaflet))
            db.session.remove()

    threads = [threading.Thread(target=open_page) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert sorted(results) == [0, 4]
    assert db.session.scalar(select(func.count(Claim.id)).where(Claim.leaflet_id == leaflet_id)) == 4
