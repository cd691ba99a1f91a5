"""`flask demo-data`: generated leaflets through the real upload service, deterministic per seed."""

from __future__ import annotations

import hashlib
import io

from PIL import Image
from sqlalchemy import func, select

from leaflets import runtime
from leaflets.extensions import db
from leaflets.models import Leaflet, OcrPriority
from leaflets.services import demo_data
from leaflets.services.demo_data import PARTIES_BY_NATION
from tests.support import both_databases


@both_databases
def test_demo_data_fills_a_fresh_archive_and_refuses_a_second_time(runner, client):
    result = runner.invoke(args=["demo-data", "--count", "3", "--seed", "7"])
    assert result.exit_code == 0, result.output
    assert "Added 3 demo leaflets" in result.output
    leaflets = db.session.scalars(select(Leaflet).order_by(Leaflet.id)).all()
    assert len(leaflets) == 3
    for leaflet in leaflets:
        assert leaflet.is_live and 1 <= len(leaflet.images) <= 3 and leaflet.title
        assert leaflet.party.slug in PARTIES_BY_NATION[leaflet.area.nation]
        assert leaflet.election.slug in ("ge-2024", "local-2026")
        assert all(image.ocr_status in ("pending", "running", "done") for image in leaflet.images)
        # queued behind any voter's upload: a fresh site's first voter does not wait for the demo's OCR
        assert all(image.ocr_priority == OcrPriority.BULK for image in leaflet.images)
        page = client.get(f"/leaflets/{leaflet.id}")
        assert page.status_code == 200
        with client.get(f"/images/{leaflet.images[0].sha256}/thumb") as thumb:
            assert thumb.status_code == 200 and Image.open(io.BytesIO(thumb.data)).width <= 400

    again = runner.invoke(args=["demo-data", "--count", "2"])
    assert again.exit_code != 0 and "already has 3 leaflets" in again.output and "--force" in again.output
    assert db.session.scalar(select(func.count(Leaflet.id))) == 3
    forced = runner.invoke(args=["demo-data", "--count", "1", "--seed", "8", "--force"])
    assert forced.exit_code == 0, forced.output
    assert db.session.scalar(select(func.count(Leaflet.id))) == 4


def test_the_same_seed_makes_the_same_leaflets(app):
    def fingerprint(seed: int) -> list[tuple]:
        return [
            (
                d.submission.party,
                d.submission.area,
                d.submission.title,
                str(d.submission.delivered_on),
                tuple(hashlib.sha256(image.data).hexdigest() for image in d.submission.images),
            )
            for d in demo_data.plan(6, seed)
        ]

    first = fingerprint(11)
    assert first == fingerprint(11)
    assert first != fingerprint(12)
    assert len({area for _p, area, *_rest in first}) >= 3


def test_demo_pages_are_readable_images(app):
    demo = next(demo_data.plan(1, 3))
    image = Image.open(io.BytesIO(demo.submission.images[0].data))
    assert image.size == demo_data.PAGE and image.format == "JPEG"
    assert demo.submission.images[0].role == "front"


def test_some_demo_leaflets_are_copies_delivered_elsewhere(app, runner, client):
    """Seed 7 repeats an earlier leaflet's photos as its fourth: the upload service links the copy."""
    result = runner.invoke(args=["demo-data", "--count", "4", "--seed", "7"])
    assert result.exit_code == 0, result.output
    assert "(1 delivered to more than one place)" in result.output
    copy = db.session.scalar(select(Leaflet).where(Leaflet.duplicate_of_id.is_not(None)))
    page = client.get(f"/leaflets/{copy.duplicate_of_id}").get_data(as_text=True)
    assert "Also delivered to" in page and copy.area.name in page


def test_the_researchers_example_query_answers_on_demo_data(runner, client):
    """Lib Dem leaflets about potholes in the South West during the 2024 campaign (the search issue's
    example)."""
    result = runner.invoke(args=["demo-data", "--count", str(demo_data.SHOWCASE_EVERY), "--seed", "5"])
    assert result.exit_code == 0, result.output
    runtime.search_backend().flush()
    found = client.get("/api/v1/search?q=potholes&party=libdem&region=South+West&election=ge-2024").get_json()
    assert found["total"] >= 1
    for hit in found["hits"]:
        leaflet = db.session.get(Leaflet, hit["leaflet"]["id"])
        assert (leaflet.party.slug, leaflet.area.region, leaflet.election.slug) == (
            "libdem",
            "South West",
            "ge-2024",
        )
