"""Moderation: flags, the dashboard, hide/restore/remove, details, rotate, merge, and the audit trail."""

from __future__ import annotations

from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from leaflets import runtime
from leaflets.extensions import db
from leaflets.models import Area, AuditEntry, Claim, Flag, Leaflet, LeafletImage, LeafletTag
from leaflets.services import audit, indexing, review
from tests.factories import make_leaflet, make_user, store_files
from tests.support import both_databases, leaflet_image, log_in


@pytest.fixture
def moderator_client(app: Flask) -> FlaskClient:
    client = app.test_client()
    log_in(client, make_user("moderator", name="Mod Erator"))
    return client


@pytest.fixture
def changed(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    calls: list[int] = []
    monkeypatch.setattr(indexing, "leaflet_changed", calls.append)
    return calls


def _statuses(client: FlaskClient, urls: list[str]) -> list[int]:
    codes = []
    for url in urls:
        response = client.get(url)
        response.close()  # an image response streams a file
        codes.append(response.status_code)
    return codes


def _audit(action: str) -> AuditEntry:
    return db.session.scalars(
        select(AuditEntry).where(AuditEntry.action == action).order_by(AuditEntry.id.desc())
    ).first()


def test_anyone_can_flag_with_a_listed_reason(app: Flask, client: FlaskClient) -> None:
    leaflet = make_leaflet()
    assert client.get(f"/leaflets/{leaflet.id}/flag").status_code == 200
    bad = client.post(f"/leaflets/{leaflet.id}/flag", data={"reason": "made-up"})
    assert bad.status_code == 422
    response = client.post(f"/leaflets/{leaflet.id}/flag", data={"reason": "offensive", "note": "rude words"})
    assert response.status_code == 302
    flag = db.session.scalar(select(Flag))
    assert (flag.reason, flag.note, flag.reporter_id) == ("offensive", "rude words", None)
    hidden = make_leaflet(status="hidden")
    assert client.post(f"/leaflets/{hidden.id}/flag", data={"reason": "other"}).status_code == 404


def test_flagging_is_rate_limited(make_app: Any) -> None:
    app = make_app(RATELIMIT_ENABLED=True, FLAG_RATE_LIMIT="2 per minute")
    with app.app_context():
        leaflet_id = make_leaflet().id
    client = app.test_client()
    codes = [
        client.post(f"/leaflets/{leaflet_id}/flag", data={"reason": "other"}).status_code for _ in range(3)
    ]
    assert codes == [302, 302, 429]


def test_dashboard_lists_flags_new_uploads_and_ocr_failures(
    app: Flask, moderator_client: FlaskClient
) -> None:
    leaflet = make_leaflet()
    broken = make_leaflet()
    image = broken.images[0]
    image.ocr_status, image.ocr_error, image.ocr_attempts = "failed", "tesseract timed out after 120 s", 3
    db.session.add(Flag(leaflet_id=leaflet.id, reason="duplicate", note="same as another"))
    db.session.commit()
    page = moderator_client.get("/moderate")
    assert page.status_code == 200
    assert b"same as another" in page.data and b"tesseract timed out after 120 s" in page.data
    assert f"/moderate/leaflets/{leaflet.id}".encode() in page.data


@both_databases
def test_hide_makes_a_leaflet_404_everywhere_public_then_restore(
    app: Flask, moderator_client: FlaskClient, changed: list[int]
) -> None:
    leaflet = make_leaflet()
    image = leaflet.images[0]
    runtime.storage().put(image.sha256, "thumb", leaflet_image(size=(300, 400)), "image/jpeg")
    volunteer = app.test_client()
    log_in(volunteer, make_user())
    public = app.test_client()
    urls = [
        f"/leaflets/{leaflet.id}",
        f"/api/v1/leaflets/{leaflet.id}",
        f"/images/{image.sha256}/thumb",
        f"/leaflets/{leaflet.id}/flag",
    ]
    assert _statuses(public, urls) == [200] * 4
    response = moderator_client.post(
        f"/moderate/leaflets/{leaflet.id}/status", data={"action": "hide", "reason": "checking the imprint"}
    )
    assert response.status_code == 302
    assert _statuses(public, urls) == [404] * 4
    for url in (f"/volunteer/leaflets/{leaflet.id}", f"/api/v1/leaflets/{leaflet.id}/claims"):
        assert volunteer.get(url).status_code == 404
    assert moderator_client.get(f"/leaflets/{leaflet.id}").status_code == 200
    entry = _audit("hide")
    assert entry.reason == "checking the imprint" and entry.details["before"]["status"] == "live"
    assert entry.details["after"]["status"] == "hidden" and entry.user.display_name == "Mod Erator"
    moderator_client.post(f"/moderate/leaflets/{leaflet.id}/status", data={"action": "restore"})
    assert public.get(f"/leaflets/{leaflet.id}").status_code == 200
    assert _audit("restore").details["after"] == {"status": "live", "status_reason": None}
    assert changed == [leaflet.id, leaflet.id]


def test_remove_needs_a_reason(app: Flask, moderator_client: FlaskClient) -> None:
    leaflet = make_leaflet()
    page = moderator_client.post(
        f"/moderate/leaflets/{leaflet.id}/status", data={"action": "remove"}, follow_redirects=True
    )
    assert b"Say why" in page.data and db.session.get(Leaflet, leaflet.id).status == "live"
    moderator_client.post(
        f"/moderate/leaflets/{leaflet.id}/status",
        data={"action": "remove", "reason": "personal data visible"},
    )
    db.session.expire_all()
    assert db.session.get(Leaflet, leaflet.id).status == "removed"
    assert _audit("remove").reason == "personal data visible"


@both_databases
def test_fix_details_records_before_and_after(
    app: Flask, moderator_client: FlaskClient, changed: list[int]
) -> None:
    leaflet = make_leaflet()
    other_area = db.session.scalars(select(Area).where(Area.id != leaflet.area_id)).first()
    url = f"/moderate/leaflets/{leaflet.id}/details"
    data = {
        "party": "conservative",
        "area": other_area.gss,
        "election": leaflet.election.slug,
        "delivered_on": "2024-06-21",
        "reason": "imprint says Conservatives",
    }
    bad = moderator_client.post(url, data={**data, "party": "no-such-party"}, follow_redirects=True)
    assert b"There is no party" in bad.data
    moderator_client.post(url, data=data)
    db.session.expire_all()
    fixed = db.session.get(Leaflet, leaflet.id)
    assert fixed.party.slug == "conservative" and fixed.area_id == other_area.id
    entry = _audit("edit-details")
    assert entry.details["before"]["party"] == "labour" and entry.details["after"]["party"] == "conservative"
    assert (
        entry.details["after"]["area"] == other_area.gss
        and entry.details["after"]["delivered_on"] == "2024-06-21"
    )
    assert changed == [leaflet.id]


def test_rotate_turns_the_files_resets_ocr_and_enqueues(app: Flask, moderator_client: FlaskClient) -> None:
    enqueued: list[list[int]] = []

    class FakeQueue:
        def enqueue(self, image_ids: list[int]) -> None:
            enqueued.append(list(image_ids))

    app.extensions["straight_choice"]["ocr_queue"] = FakeQueue()
    leaflet = make_leaflet()
    image = leaflet.images[0]
    store_files(image, (300, 200))
    image.ocr_attempts, image.ocr_error = 2, "old"
    db.session.commit()
    old_key = image.stored_sha256
    moderator_client.post(f"/moderate/images/{image.id}/rotate")
    db.session.expire_all()
    image = db.session.get(LeafletImage, image.id)
    assert (image.rotation, image.ocr_status, image.ocr_attempts, image.ocr_error, image.next_attempt_at) == (
        90,
        "pending",
        0,
        None,
        None,
    )
    assert (image.width, image.height, image.rotation_manual) == (200, 300, True)
    assert image.stored_sha256 != old_key and not runtime.storage().has(old_key)  # the old files are gone
    assert enqueued == [[image.id]]
    assert _audit("rotate").details["after"]["rotation"] == 90


def test_rotate_without_stored_files_explains_and_changes_nothing(
    app: Flask, moderator_client: FlaskClient
) -> None:
    image = make_leaflet().images[0]
    response = moderator_client.post(f"/moderate/images/{image.id}/rotate", follow_redirects=True)
    assert "This photo cannot be turned" in response.get_data(as_text=True)
    db.session.expire_all()
    assert (db.session.get(LeafletImage, image.id).rotation, _audit("rotate")) == (0, None)


@both_databases
def test_merge_moves_images_claims_tags_and_lists_the_copy(
    app: Flask, moderator_client: FlaskClient, changed: list[int]
) -> None:
    original, duplicate = make_leaflet(), make_leaflet(images=2)
    other_area = db.session.scalars(select(Area).where(Area.id != duplicate.area_id)).first()
    duplicate.area = other_area
    volunteer = make_user()
    db.session.add_all(
        [
            Claim(leaflet_id=duplicate.id, text="Crime fell by 50%.", state="accepted"),
            LeafletTag(leaflet_id=duplicate.id, tag_id=1, user_id=volunteer.id),
            LeafletTag(leaflet_id=original.id, tag_id=1, user_id=volunteer.id),
        ]
    )
    db.session.commit()
    moved, kept_back = [img.id for img in duplicate.images], [img.id for img in original.images]
    self_merge = moderator_client.post(
        f"/moderate/leaflets/{duplicate.id}/merge", data={"original_id": duplicate.id}, follow_redirects=True
    )
    assert b"duplicate of itself" in self_merge.data
    response = moderator_client.post(
        f"/moderate/leaflets/{duplicate.id}/merge",
        data={"original_id": original.id, "reason": "same leaflet"},
    )
    assert response.headers["Location"] == f"/moderate/leaflets/{original.id}"
    db.session.expire_all()
    original, duplicate = db.session.get(Leaflet, original.id), db.session.get(Leaflet, duplicate.id)
    # one set of photos: the copy's two (front and back) beat the original's one; the original's stay with the
    # copy
    assert [img.id for img in original.images] == moved and [img.id for img in duplicate.images] == kept_back
    assert [img.position for img in original.images] == [0, 1]
    assert (duplicate.status, duplicate.duplicate_of_id) == ("removed", original.id)
    assert (
        db.session.scalar(select(Claim.leaflet_id).where(Claim.text == "Crime fell by 50%.")) == original.id
    )
    assert len(db.session.scalars(select(LeafletTag).where(LeafletTag.user_id == volunteer.id)).all()) == 1
    entry = _audit("merge")
    assert (
        entry.details["before"]["images"] == moved and entry.details["after"]["duplicate_of"] == original.id
    )
    assert sorted(changed) == sorted([duplicate.id, original.id])


def test_merged_copy_shows_as_also_delivered_on_the_original(
    app: Flask, moderator_client: FlaskClient
) -> None:
    original, duplicate = make_leaflet(), make_leaflet()
    duplicate.area = db.session.scalars(select(Area).where(Area.id != original.area_id)).first()
    db.session.commit()
    moderator_client.post(f"/moderate/leaflets/{duplicate.id}/merge", data={"original_id": original.id})
    page = app.test_client().get(f"/leaflets/{original.id}")
    assert (
        page.status_code == 200
        and b"Also delivered" in page.data
        and duplicate.area.name.encode() in page.data
    )


def test_every_action_is_in_the_audit_log(app: Flask, moderator_client: FlaskClient) -> None:
    leaflet, other = make_leaflet(), make_leaflet()
    flag = Flag(leaflet_id=leaflet.id, reason="other", note="")
    db.session.add(flag)
    db.session.commit()
    image_id = leaflet.images[0].id
    store_files(leaflet.images[0])
    moderator_client.post(f"/moderate/flags/{flag.id}/resolve", data={"reason": "looked fine"})
    moderator_client.post(
        f"/moderate/leaflets/{leaflet.id}/status", data={"action": "hide", "reason": "check"}
    )
    moderator_client.post(f"/moderate/leaflets/{leaflet.id}/status", data={"action": "restore"})
    moderator_client.post(f"/moderate/images/{image_id}/rotate")
    moderator_client.post(
        f"/moderate/leaflets/{leaflet.id}/details",
        data={
            "party": "",
            "area": leaflet.area.gss,
            "election": leaflet.election.slug,
            "delivered_on": "2024-06-01",
        },
    )
    moderator_client.post(f"/moderate/leaflets/{other.id}/merge", data={"original_id": leaflet.id})
    moderator_client.post(f"/moderate/leaflets/{other.id}/status", data={"action": "restore"})
    actions = [e.action for e in db.session.scalars(select(AuditEntry).order_by(AuditEntry.id))]
    assert actions == ["resolve-flag", "hide", "restore", "rotate", "edit-details", "merge", "restore"]
    assert all(e.user_id and e.created_at and e.details for e in db.session.scalars(select(AuditEntry)))
    page = moderator_client.get("/moderate/audit")
    assert page.status_code == 200 and b"resolve-flag" in page.data and b"looked fine" in page.data
    assert db.session.get(Flag, flag.id).resolved_at is not None


@both_databases
def test_volunteer_actions_are_in_the_audit_log_under_their_leaflet(
    app: Flask, moderator_client: FlaskClient
) -> None:
    leaflet, other = make_leaflet(), make_leaflet()
    volunteer = make_user("volunteer", name="Vee")
    claim = review.add_claim(leaflet, volunteer, "Only we can win here.")
    review.rate_claim(claim, volunteer, "unverifiable", None, None)
    review.rate_claim(claim, volunteer, "accurate", "https://example.org/poll", "")
    review.set_my_tags(leaflet, volunteer, ["economy"])
    review.rate_bias(leaflet, volunteer, 1, -1, "")
    review.correct_ocr(leaflet, leaflet.images[0].id, volunteer, "Only we can win here.")
    review.rate_bias(other, volunteer, 0, 0, "")

    entries, total = audit.entries(leaflet_id=leaflet.id)
    assert total == 6
    assert [e.action for e in reversed(entries)] == [
        "add-claim",
        "rate-claim",
        "rate-claim",
        "set-tags",
        "rate-bias",
        "correct-text",
    ]
    second_rating = entries[3]
    assert second_rating.details["before"]["accuracy"] == "unverifiable"
    assert second_rating.details["after"]["accuracy"] == "accurate"
    assert entries[2].details["after"] == {"tags": ["economy"]}
    page = moderator_client.get(f"/moderate/audit?leaflet={leaflet.id}")
    assert page.status_code == 200 and b"6 actions" in page.data and b"Vee" in page.data
    assert f"History of leaflet {other.id}".encode() not in page.data


def test_the_area_is_picked_by_its_name_or_its_code(app: Flask, moderator_client: FlaskClient) -> None:
    leaflet = make_leaflet()
    page = moderator_client.get(f"/moderate/leaflets/{leaflet.id}").get_data(as_text=True)
    assert page.count('<option value="E14') > 500 and ">Bristol Central</option>" in page  # the no-JS select
    data = {
        "party": "labour",
        "area": "bristol  CENTRAL",
        "election": leaflet.election.slug,
        "delivered_on": "2024-06-20",
    }
    assert moderator_client.post(f"/moderate/leaflets/{leaflet.id}/details", data=data).status_code == 302
    db.session.expire_all()
    assert db.session.get(Leaflet, leaflet.id).area.name == "Bristol Central"
    bristol = db.session.get(Leaflet, leaflet.id).area.gss
    response = moderator_client.post(
        f"/moderate/leaflets/{leaflet.id}/details",
        data={**data, "area": "Atlantis North"},
        follow_redirects=True,
    )
    assert "no constituency called &#39;Atlantis North&#39;" in response.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(Leaflet, leaflet.id).area.gss == bristol


@both_databases
def test_hide_and_remove_need_a_reason_shown_beside_the_field(
    app: Flask, moderator_client: FlaskClient
) -> None:
    leaflet = make_leaflet()
    for action in ("hide", "remove"):
        response = moderator_client.post(
            f"/moderate/leaflets/{leaflet.id}/status", data={"action": action, "reason": "  "}
        )
        page = response.get_data(as_text=True)
        assert response.status_code == 422
        assert '<span class="field-error" id="status-reason-error">Say why the leaflet is' in page
        assert 'aria-describedby="status-reason-hint status-reason-error"' in page
    db.session.expire_all()
    assert db.session.get(Leaflet, leaflet.id).status == "live" and _audit("hide") is None


def test_dashboard_shows_thumbnails_and_reasons_in_words(app: Flask, moderator_client: FlaskClient) -> None:
    leaflet = make_leaflet()
    db.session.add(Flag(leaflet_id=leaflet.id, reason="personal-information", note="my address"))
    db.session.commit()
    page = moderator_client.get("/moderate").get_data(as_text=True)
    assert '<span class="reason-label">Shows personal information</span>' in page
    assert "personal-information" not in page
    assert f'class="mod-thumb" src="/images/{leaflet.images[0].stored_sha256}/thumb"' in page


@both_databases
def test_the_audit_log_shows_field_changes_in_words(app: Flask, moderator_client: FlaskClient) -> None:
    leaflet = make_leaflet()
    bristol = db.session.scalar(select(Area).where(Area.name == "Bristol Central"))
    before_area = leaflet.area.name
    moderator_client.post(
        f"/moderate/leaflets/{leaflet.id}/details",
        data={
            "party": "green",
            "area": bristol.name,
            "election": leaflet.election.slug,
            "delivered_on": "2024-06-21",
        },
    )
    moderator_client.post(
        f"/moderate/leaflets/{leaflet.id}/status", data={"action": "hide", "reason": "address"}
    )
    page = moderator_client.get(f"/moderate/audit?leaflet={leaflet.id}").get_data(as_text=True)
    assert "<strong>Party</strong>: Labour Party → Green Party" in page
    assert f"<strong>Area</strong>: {before_area} (" in page and f"→ Bristol Central ({bristol.gss})" in page
    assert "<strong>Delivered on</strong>: 20 June 2024 → 21 June 2024" in page
    assert "<strong>Status</strong>: live → hidden" in page and "Fixed the details" in page
    assert "<strong>Election</strong>" not in page  # unchanged fields are not listed
    assert "{&#34;" not in page and '{"' not in page  # no raw JSON
