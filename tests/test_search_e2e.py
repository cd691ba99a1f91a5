"""End to end: a generated leaflet photo goes through the real upload service and real OCR (one job of the OCR
queue, run here synchronously) into the index; it is found by a word only its image holds, with and without a
facet filter; hidden by a moderator, it leaves results and facet counts."""

from __future__ import annotations

import pytest

from leaflets import runtime
from leaflets.extensions import db
from leaflets.models import LeafletImage
from leaflets.ocr_queue.settings import QueueSettings
from leaflets.ocr_queue.worker import Worker
from leaflets.services import moderation
from leaflets.services.uploads import IncomingImage, LeafletSubmission, submit_leaflet
from tests.factories import moderator
from tests.support import each_backend, leaflet_image

pytestmark = pytest.mark.slow


def _search(client, query: str) -> dict:
    response = client.get(f"/api/v1/search?{query}")
    assert response.status_code == 200, response.get_data(as_text=True)
    return response.get_json()


@each_backend
def test_uploaded_photo_is_found_by_its_words_until_hidden(configured):
    app, client = configured, configured.test_client()
    # Enough ordinary words among the rare ones for OCR to judge the text readable (else it is not published).
    photo = leaflet_image(
        ["ZEPHYRINE TRAMWAYS", "Reopen the tramways", "Vote to fix our roads", "and save the library"]
    )
    leaflet = submit_leaflet(
        LeafletSubmission(
            party="libdem",
            area="E14001063",
            election="ge-2024",
            delivered_on="2024-06-21",
            title="Transport leaflet",
            images=[IncomingImage(photo, "front.jpg")],
        )
    )
    leaflet_id = leaflet.id
    assert _search(client, "q=tramways")["total"] == 0  # not searchable by its words before OCR

    ran = Worker(app, QueueSettings.from_config(app.config), "test").run(max_jobs=1, stop_when_idle=True)
    assert ran == 1
    db.session.expire_all()
    image = db.session.scalars(db.select(LeafletImage).where(LeafletImage.leaflet_id == leaflet_id)).one()
    assert image.ocr_status == "done" and "TRAMWAYS" in image.ocr_text.upper()
    runtime.search_backend().flush()

    found = _search(client, "q=tramway")  # stemmed: tramway finds tramways
    assert [hit["leaflet"]["id"] for hit in found["hits"]] == [leaflet_id]
    assert "<mark>" in found["hits"][0]["highlights"][0]
    assert {"value": "libdem", "label": "Liberal Democrats", "count": 1} in found["facets"]["party"]
    assert _search(client, "q=zephyrine&party=libdem&area=E14001063")["total"] == 1
    assert _search(client, "q=zephyrine&party=labour")["total"] == 0
    page = client.get("/search?q=zephyrine&party=libdem")
    assert page.status_code == 200
    assert f"/leaflets/{leaflet_id}?highlight=zephyrine" in page.get_data(as_text=True)

    moderation.set_status(leaflet_id, moderator(), "hide", "test")
    runtime.search_backend().flush()
    gone = _search(client, "q=tramways")
    assert gone["total"] == 0 and gone["hits"] == []
    assert all(not counts for counts in gone["facets"].values())
    assert _search(client, "party=libdem")["total"] == 0
