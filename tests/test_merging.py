"""Merging copies: found by a search (words or a number) with both leaflets side by side, a merge button on
copies found automatically, one set of photos kept (the better), and the copy's flags resolved."""

from __future__ import annotations

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from leaflets import runtime
from leaflets.extensions import db
from leaflets.models import AuditEntry, Claim, Flag, Leaflet
from leaflets.services import indexing, merging
from tests.factories import add_leaflet, make_user
from tests.support import both_databases, log_in


def _moderator(app: Flask) -> FlaskClient:
    client = app.test_client()
    log_in(client, make_user("moderator"))
    return client


def _indexed(*leaflets: Leaflet) -> None:
    for leaflet in leaflets:
        indexing.leaflet_changed(leaflet.id)
    runtime.search_backend().flush()


@both_databases
def test_merge_by_search_with_side_by_side_previews(app: Flask) -> None:
    original = add_leaflet(title="Save Wexcombe cottage hospital")
    copy = add_leaflet(area="E14001064", title="Wexcombe hospital leaflet")
    other = add_leaflet(title="Bus lanes for Ashdown")
    _indexed(original, copy, other)
    moderator = _moderator(app)

    page = moderator.get(f"/moderate/leaflets/{copy.id}/merge?q=cottage+hospital").get_data(as_text=True)
    assert f"Leaflet {original.id}: Save Wexcombe cottage hospital" in page
    assert (
        f"Leaflet {other.id}:" not in page and f"Leaflet {copy.id}: Wexcombe" in page
    )  # only itself at the top
    assert f'/moderate/leaflets/{copy.id}/merge/{original.id}"' in page
    by_number = moderator.get(f"/moderate/leaflets/{copy.id}/merge?q={other.id}").get_data(as_text=True)
    assert f"/moderate/leaflets/{copy.id}/merge/{other.id}" in by_number

    preview = moderator.get(f"/moderate/leaflets/{copy.id}/merge/{original.id}").get_data(as_text=True)
    for leaflet in (copy, original):
        assert f'<h2 id="side-{leaflet.id}">Leaflet {leaflet.id}</h2>' in preview
        assert f"/images/{leaflet.images[0].stored_sha256}/display" in preview
    assert preview.count("These photos are kept.") == 1

    response = moderator.post(
        f"/moderate/leaflets/{copy.id}/merge", data={"original_id": original.id, "reason": "same leaflet"}
    )
    assert response.status_code == 302 and response.headers["Location"] == f"/moderate/leaflets/{original.id}"
    db.session.expire_all()
    assert (db.session.get(Leaflet, copy.id).status, db.session.get(Leaflet, copy.id).duplicate_of_id) == (
        "removed",
        original.id,
    )
    assert len(db.session.get(Leaflet, original.id).images) == 1  # one set of photos, not two front pages
    runtime.search_backend().flush()
    assert (
        moderator.get(f"/moderate/leaflets/{other.id}/merge?q=Wexcombe")
        .get_data(as_text=True)
        .count("Compare side by side and merge")
        == 1
    )  # the removed copy is no longer a result


@both_databases
def test_a_copy_found_automatically_has_a_merge_button_and_its_flags_are_resolved(app: Flask) -> None:
    original = add_leaflet(title="Original")
    copy = add_leaflet(title="Original", duplicate_of=original, area="E14001064")  # byte-identical upload
    copy_flag = Flag(leaflet_id=copy.id, reason="duplicate", note="seen this")
    original_flag = Flag(leaflet_id=original.id, reason="duplicate")
    unrelated = Flag(leaflet_id=original.id, reason="offensive")
    db.session.add_all([copy_flag, original_flag, unrelated])
    db.session.commit()
    moderator = _moderator(app)

    page = moderator.get(f"/moderate/leaflets/{original.id}").get_data(as_text=True)
    assert f"Merge leaflet {copy.id} into leaflet {original.id}</button>" in page
    assert f"Merge leaflet {copy.id} into leaflet {original.id}</button>" in moderator.get(
        f"/moderate/leaflets/{copy.id}"
    ).get_data(as_text=True)  # and from the copy's side
    response = moderator.post(f"/moderate/leaflets/{copy.id}/merge", data={"original_id": original.id})
    assert response.status_code == 302
    db.session.expire_all()
    assert db.session.get(Leaflet, copy.id).status == "removed"
    assert db.session.get(Flag, copy_flag.id).resolved_at is not None
    assert db.session.get(Flag, original_flag.id).resolved_at is not None
    assert (
        db.session.get(Flag, unrelated.id).resolved_at is None
    )  # a flag the merge does not answer stays open
    entry = db.session.scalars(select(AuditEntry).where(AuditEntry.action == "merge")).one()
    assert sorted(entry.details["flags_resolved"]) == sorted([copy_flag.id, original_flag.id])
    assert "Merge leaflet" not in moderator.get(f"/moderate/leaflets/{original.id}").get_data(as_text=True)


def test_the_better_photos_stay_and_claims_follow_them(app: Flask) -> None:
    original, copy = add_leaflet(title="A"), add_leaflet(title="A", images=2)
    original.images[0].ocr_confidence = 90.0
    for image in copy.images:
        image.width, image.height, image.ocr_confidence = 1200, 1700, 85.0
    claim = Claim(leaflet_id=original.id, image_id=original.images[0].id, text="Crime fell", state="accepted")
    db.session.add(claim)
    db.session.commit()
    ours, theirs = [i.id for i in original.images], [i.id for i in copy.images]
    assert merging.preview(copy.id, original.id).keep_copy_photos
    merging.merge(copy.id, original.id, make_user("moderator"))
    db.session.expire_all()
    assert [i.id for i in db.session.get(Leaflet, original.id).images] == theirs
    assert [i.id for i in db.session.get(Leaflet, copy.id).images] == ours
    assert db.session.get(Claim, claim.id).image_id == theirs[0]  # the claim's photo is now the copy's front


def test_the_original_keeps_its_photos_when_they_are_better(app: Flask) -> None:
    original, copy = add_leaflet(title="B"), add_leaflet(title="B")
    original.images[0].ocr_confidence, copy.images[0].ocr_confidence = 92.0, 40.0
    db.session.commit()
    ours = [i.id for i in original.images]
    merging.merge(copy.id, original.id, make_user("moderator"))
    db.session.expire_all()
    assert [i.id for i in db.session.get(Leaflet, original.id).images] == ours


def test_refused_merges_say_why(app: Flask) -> None:
    original = add_leaflet(title="C")
    copy = add_leaflet(title="C", duplicate_of=original)
    third = add_leaflet(title="C")
    moderator = _moderator(app)
    response = moderator.get(f"/moderate/leaflets/{third.id}/merge/{copy.id}", follow_redirects=True)
    assert f"itself a copy of leaflet {original.id}" in response.get_data(as_text=True)
    assert moderator.get(f"/moderate/leaflets/{third.id}/merge/999999").status_code == 404
    assert moderator.get(f"/moderate/leaflets/{third.id}/merge?q=%22").status_code in (200, 422)
    volunteer = app.test_client()
    log_in(volunteer, make_user("volunteer"))
    assert volunteer.get(f"/moderate/leaflets/{third.id}/merge?q=C").status_code == 403
