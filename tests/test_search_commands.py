"""`flask search rebuild` (progress bar, repairs) and `flask search check` (missing, stale, extra; exit 1)."""

from __future__ import annotations

from sqlalchemy import update

from leaflets import runtime
from leaflets.extensions import db
from leaflets.models import Leaflet, LeafletImage
from tests.factories import uploaded_leaflet
from tests.support import both_databases, each_backend, flush


def _ids_hit(client, q: str) -> list[int]:
    return [hit["leaflet"]["id"] for hit in client.get(f"/api/v1/search?q={q}").get_json()["hits"]]


@each_backend
def test_rebuild_shows_progress_and_check_finds_drift(configured):
    client, runner = configured.test_client(), configured.test_cli_runner()
    ids = [uploaded_leaflet(f"Community centre plan {n}") for n in range(3)]
    flush()
    check = runner.invoke(args=["search", "check"])
    assert check.exit_code == 0, check.output
    assert "Checked 3 live leaflets" in check.output and "matches the database" in check.output

    # Changes written straight to the database, without leaflet_changed: the index drifts.
    db.session.execute(
        update(LeafletImage)
        .where(LeafletImage.leaflet_id == ids[0])
        .values(corrected_text="Swimming pool plan")
    )
    db.session.execute(update(Leaflet).where(Leaflet.id == ids[1]).values(status="hidden"))
    db.session.commit()
    runtime.search_backend().delete([ids[2]])
    check = runner.invoke(args=["search", "check"])
    assert check.exit_code == 1
    assert f"1 stale in the index: {ids[0]}" in check.output
    assert f"1 missing from the index: {ids[2]}" in check.output
    assert f"1 in the index but not live: {ids[1]}" in check.output
    assert _ids_hit(client, "swimming") == []

    rebuild = runner.invoke(args=["search", "rebuild"])
    assert rebuild.exit_code == 0, rebuild.output
    assert "Indexing leaflets" in rebuild.output and "Indexed 2 live leaflets" in rebuild.output
    assert runner.invoke(args=["search", "check"]).exit_code == 0
    assert _ids_hit(client, "swimming") == [ids[0]]
    assert sorted(_ids_hit(client, "plan")) == [ids[0], ids[2]]


@both_databases
def test_check_repair_fixes_drift_without_a_rebuild(app, runner):
    leaflet_id = uploaded_leaflet("Repair me")
    db.session.execute(update(Leaflet).where(Leaflet.id == leaflet_id).values(title="A new title"))
    db.session.commit()
    result = runner.invoke(args=["search", "check", "--repair"])
    assert result.exit_code == 0 and "Repaired 1 documents" in result.output
    assert runner.invoke(args=["search", "check"]).exit_code == 0


def test_check_and_rebuild_report_an_unusable_backend(make_app):
    app = make_app(SEARCH_BACKEND="postgres")  # on SQLite: a configuration mistake, reported, not a crash
    with app.app_context():
        runner = app.test_cli_runner()
        check = runner.invoke(args=["search", "check"])
        assert check.exit_code == 1 and "needs a PostgreSQL DATABASE_URL" in check.output
        rebuild = runner.invoke(args=["search", "rebuild"])
        assert rebuild.exit_code == 1 and "could not be rebuilt" in rebuild.output
        assert app.test_client().get("/search?q=x").status_code == 503
        assert app.test_client().get("/").status_code == 200
