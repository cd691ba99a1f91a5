"""Filters by claim verdict and by bias on the search page, the API and the export (issue 10 item 6)."""

from __future__ import annotations

from leaflets.extensions import db
from leaflets.models import BiasRating, Claim, ClaimRating, ClaimState, User
from leaflets.services import indexing
from tests.factories import uploaded_leaflet as add_leaflet
from tests.support import each_backend, flush, hit_ids

_users = iter(range(1, 10_000))


def _rater() -> User:
    user = User(
        email=f"rater{next(_users)}@example.org", display_name="Rater", password_hash="-", role="volunteer"
    )
    db.session.add(user)
    db.session.flush()
    return user


def rate(
    leaflet_id: int, verdicts: list[str], *, tone: int | None = None, fairness: int | None = None
) -> None:
    """One accepted claim rated by one volunteer per verdict given; optionally one bias rating."""
    claim = Claim(leaflet_id=leaflet_id, text="Bus fares were cut", state=ClaimState.ACCEPTED)
    db.session.add(claim)
    db.session.flush()
    for verdict in verdicts:
        db.session.add(ClaimRating(claim_id=claim.id, user_id=_rater().id, accuracy=verdict))
    if tone is not None:
        db.session.add(BiasRating(leaflet_id=leaflet_id, user_id=_rater().id, tone=tone, fairness=fairness))
    db.session.commit()
    indexing.leaflet_changed(leaflet_id)


def api_facets(client, text: str, name: str) -> list[dict]:
    return client.get(f"/api/v1/search?q={text}").get_json()["facets"][name]


@each_backend
def test_verdict_and_bias_filters_on_the_page_api_and_export(configured):
    client = configured.test_client()
    false_claim = add_leaflet("Bus fares and the new timetable")
    accurate = add_leaflet("Bus fares explained")
    unrated = add_leaflet("Bus fares petition")
    rate(false_claim, ["false", "false", "false"], tone=-2, fairness=-1)
    rate(accurate, ["accurate", "accurate", "accurate"], tone=1, fairness=2)
    rate(unrated, ["false"])  # one rating is not a consensus yet (CLAIM_RATED_THRESHOLD is 3)
    flush()

    assert hit_ids(client.get("/search?q=bus&verdict=false").get_data(as_text=True)) == [false_claim]
    both = client.get("/search?q=bus&verdict=false&verdict=accurate&sort=newest").get_data(as_text=True)
    assert sorted(hit_ids(both)) == sorted([false_claim, accurate])
    page = client.get("/search?q=bus&bias=attacks-opponents").get_data(as_text=True)
    assert hit_ids(page) == [false_claim]
    assert (
        'name="bias" value="attacks-opponents"\n                   checked' in page
        or 'value="attacks-opponents" checked' in " ".join(page.split())
    )
    assert hit_ids(
        client.get("/search?q=bus&bias=fair-presentation&bias=promotes-own-party").get_data(as_text=True)
    ) == [accurate]
    api = client.get("/api/v1/search?q=bus&verdict=accurate").get_json()
    assert [h["leaflet"]["id"] for h in api["hits"]] == [accurate] and api["total"] == 1
    assert [
        h["leaflet"]["id"] for h in client.get("/api/v1/search?q=verdict:false bus").get_json()["hits"]
    ] == [false_claim]
    export = client.get("/api/v1/export?format=jsonl&q=bus&verdict=false").get_data(as_text=True)
    assert export.count("\n") == 1 and f'"id": {false_claim}' in export

    sidebar = " ".join(client.get("/search?q=bus").get_data(as_text=True).split())
    assert (
        '<h3 id="facet-verdict">Claims rated</h3>' in sidebar
        and '<h3 id="facet-bias">Bias rated</h3>' in sidebar
    )
    assert "verdict=false" in sidebar and '>False</a> <span class="count">1</span>' in sidebar
    assert '>Attacks opponents</a> <span class="count">1</span>' in sidebar
    assert dict((f["value"], f["count"]) for f in api_facets(client, "bus", "verdict")) == {
        "false": 1,
        "accurate": 1,
    }

    bad = client.get("/api/v1/search?q=bus&verdict=wrong")
    assert (
        bad.status_code == 400
        and "accurate, misleading, false, unverifiable" in bad.get_json()["error"]["message"]
    )
    assert client.get("/search?q=bus&bias=rude").status_code == 400

    rate(unrated, ["false", "false", "false"])  # a second claim rated by three: found at once, no rebuild
    flush()
    assert sorted(hit_ids(client.get("/search?q=bus&verdict=false").get_data(as_text=True))) == sorted(
        [false_claim, unrated]
    )
