"""A leaflet with no place yet ("I don't know"): every page, feed, export and index handles it; volunteers
find its place in the "needs a place" queue."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import select, text

from leaflets.extensions import db
from leaflets.models import AuditEntry, Leaflet, Role
from leaflets.services import indexing, place_queue
from tests.factories import make_user, uploaded_leaflet
from tests.support import REPO, both_databases, each_backend, flush, hit_ids, log_in

WOKING = "E14001592"


@pytest.fixture
def placeless(app) -> int:
    leaflet_id = uploaded_leaflet("Save the green belt in our town", area="unknown", title="Green belt")
    db.session.get(Leaflet, leaflet_id).postcode_district = "KT14"
    db.session.commit()
    flush()
    return leaflet_id


@both_databases
def test_public_pages_feeds_and_api_show_a_leaflet_with_no_place(app, client, placeless):
    leaflet = client.get(f"/leaflets/{placeless}").get_data(as_text=True)
    assert "Not known yet" in leaflet and "Green belt" in leaflet
    assert "Place not known yet" in client.get("/").get_data(as_text=True)
    assert placeless in hit_ids(client.get("/search?q=green+belt").get_data(as_text=True))
    assert "Place not known yet" in client.get("/feeds/latest.atom").get_data(as_text=True)
    body = client.get(f"/api/v1/leaflets/{placeless}").get_json()
    assert body["area"] is None and body["postcode_district"] == "KT14"
    assert client.get("/api/v1/leaflets").get_json()["leaflets"][0]["area"] is None
    rows = client.get("/api/v1/export?format=csv").get_data(as_text=True).splitlines()
    assert len(rows) == 2 and ",KT14," in rows[1]
    record = json.loads(client.get("/api/v1/export?format=jsonl").get_data(as_text=True))
    assert record["area"] is None
    assert client.get("/stats").status_code == 200 and client.get("/areas").status_code == 200
    assert client.get(f"/compare?party=labour&area={WOKING}").status_code == 200


@each_backend
def test_the_index_holds_a_leaflet_with_no_place_and_its_place_once_set(configured):
    leaflet_id = uploaded_leaflet("Save the green belt", area="unknown")
    flush()
    document = indexing.build_document(leaflet_id)
    assert document.area is None and document.area_name is None
    client = configured.test_client()
    assert hit_ids(client.get("/search?q=belt").get_data(as_text=True)) == [leaflet_id]
    place_queue.set_place(leaflet_id, make_user(Role.VOLUNTEER), WOKING)
    flush()
    assert hit_ids(client.get(f"/search?q=belt&area={WOKING}").get_data(as_text=True)) == [leaflet_id]


@both_databases
def test_a_volunteer_sets_the_place_from_the_needs_a_place_queue(app, client, placeless):
    volunteer = make_user(Role.VOLUNTEER)
    log_in(client, volunteer)
    assert "1 leaflet\n      needs a place" in client.get("/volunteer").get_data(as_text=True)
    queue = client.get("/volunteer/places").get_data(as_text=True)
    assert f'id="leaflet-{placeless}"' in queue and "KT14 covers" in queue and "Woking" in queue
    assert f'value="{WOKING}" checked' not in queue  # suggestions, not a choice made for the volunteer
    done = client.post(f"/volunteer/places/{placeless}", data={"area": WOKING})
    assert done.status_code == 302
    leaflet = db.session.get(Leaflet, placeless)
    assert leaflet.area.gss == WOKING
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "set-place"))
    assert entry.user_id == volunteer.id and entry.details["after"] == {"area": WOKING}
    assert "Every leaflet has a place" in client.get("/volunteer/places").get_data(as_text=True)


def test_a_placed_leaflet_is_not_moved_by_a_volunteer_and_bad_input_is_explained(app, client, placeless):
    log_in(client, make_user(Role.VOLUNTEER))
    client.post(f"/volunteer/places/{placeless}", data={"area": "E99999999"})
    assert "that one is not known" in client.get("/volunteer/places").get_data(as_text=True)
    client.post(f"/volunteer/places/{placeless}", data={"area": WOKING})
    again = client.post(f"/volunteer/places/{placeless}", data={"area": "E14001063"}, follow_redirects=True)
    assert "already has a place" in again.get_data(as_text=True)
    assert db.session.get(Leaflet, placeless).area.gss == WOKING


def test_the_queue_is_for_volunteers(client, placeless):
    assert client.get("/volunteer/places").status_code == 302
    assert client.post(f"/volunteer/places/{placeless}", data={"area": WOKING}).status_code == 302
    assert db.session.get(Leaflet, placeless).area_id is None


def test_volunteer_and_moderator_pages_handle_a_leaflet_with_no_place(app, client, placeless):
    log_in(client, make_user(Role.MODERATOR))
    work = client.get(f"/volunteer/leaflets/{placeless}").get_data(as_text=True)
    assert "give it a place" in work
    assert client.get(f"/moderate/leaflets/{placeless}").status_code == 200
    assert client.get("/moderate").status_code == 200


def test_northern_ireland_district_suggests_its_eighteen(app):
    assert len(place_queue.suggestions("BT1")) == 18 and place_queue.suggestions(None) == []


@both_databases
def test_migrations_agree_with_the_models_and_0007_will_not_drop_placeless_leaflets(app, placeless, caplog):
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext
    from alembic.script import ScriptDirectory
    from flask_migrate import downgrade

    with db.engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        # scale (make test-scale): SEARCH_BACKEND=postgres creates its own search_document table, in no model
        assert [
            diff for diff in compare_metadata(context, db.metadata) if "search_document" not in str(diff)
        ] == []
    db.session.remove()
    with pytest.raises(SystemExit):  # Flask-Migrate logs the migration's error and exits
        downgrade(revision="0004")
    assert "1 leaflets have no place yet" in caplog.text
    assert db.session.get(Leaflet, placeless).area_id is None
    # PostgreSQL rolls the whole downgrade back (transactional DDL); SQLite keeps the steps above 0007's
    # refusal.
    head = ScriptDirectory(str(REPO / "migrations")).get_current_head()
    assert db.session.execute(text("SELECT version_num FROM alembic_version")).scalar() in ("0007", head)


@both_databases
def test_0007_goes_down_and_up_with_leaflets_parties_and_their_rows_in_place(app, placeless):
    """SQLite alters the leaflet and party tables by copying them, with claims and images pointing at them."""
    from flask_migrate import downgrade, upgrade

    from leaflets.models import Claim, LeafletImage

    place_queue.set_place(placeless, make_user(Role.VOLUNTEER), WOKING)
    db.session.add(
        Claim(leaflet_id=placeless, text="Green belt saved.", state="accepted", origin="volunteer")
    )
    db.session.commit()
    db.session.remove()
    downgrade(revision="0004")
    upgrade()
    leaflet = db.session.get(Leaflet, placeless)
    assert leaflet.area.gss == WOKING and leaflet.party.slug == "labour"
    assert db.session.scalar(select(LeafletImage.leaflet_id)) == placeless
    assert db.session.scalar(select(Claim.text)) == "Green belt saved."
    db.session.remove()
    with db.engine.connect() as connection:  # the app's connections enforce foreign keys again
        if connection.dialect.name == "sqlite":
            assert connection.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
