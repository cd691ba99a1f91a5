"""Per-party findings on /stats and GET /api/v1/stats: verdict shares, agreement, bias, CSV, and the cache."""

from __future__ import annotations

import csv
import io
from datetime import date

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from leaflets.extensions import db
from leaflets.models import BiasRating, ClaimRating, FindingsGroup, Leaflet, Party, User
from leaflets.services import findings, moderation, review
from tests.factories import SOURCE, add_leaflet, raters
from tests.support import both_databases, wait_until


def rate(leaflet: Leaflet, users: list[User], *verdicts: str, text: str = "A claim") -> int:
    """Add a claim to the leaflet and one rating per verdict, each by the next user; the claim's id."""
    claim = review.add_claim(leaflet, users[0], text)
    for user, verdict in zip(users, verdicts):
        review.rate_claim(claim, user, verdict, SOURCE, "Because.")
    return claim.id


def stats_json(client, **args) -> dict:
    response = client.get("/api/v1/stats", query_string=args)
    assert response.status_code == 200, response.get_data(as_text=True)
    return response.get_json()


def group(body: dict, party: str | None, election: str = "ge-2024") -> dict:
    found = [
        g
        for g in body["groups"]
        if (g["party"] or {}).get("slug") == party and g["election"]["slug"] == election
    ]
    assert len(found) == 1, [(g["party"], g["election"]["slug"]) for g in body["groups"]]
    return found[0]


@both_databases
def test_verdict_shares_counts_agreement_and_bias_per_party(app, client):
    app.config["STATS_MIN_RATED_CLAIMS"] = 3
    users = raters(4)
    labour = add_leaflet("labour", title="Labour one")
    labour_two = add_leaflet("labour", title="Labour two")
    add_leaflet("labour", title="Labour unrated")
    green = add_leaflet("green", title="Green one")
    rate(labour, users, "accurate", "accurate", "accurate")
    rate(labour, users, "accurate", "accurate", "false")
    rate(labour_two, users, "misleading", "misleading", "false", "misleading")
    rate(labour_two, users, "false", "accurate", "misleading")  # three-way tie: no consensus
    rate(labour_two, users, "false", "false")  # under the threshold of 3: not rated
    rate(green, users, "unverifiable", "unverifiable", "unverifiable")
    review.rate_bias(labour, users[0], 2, -1, "")
    review.rate_bias(labour, users[1], 1, -2, "")
    review.rate_bias(labour_two, users[0], -1, 0, "")

    body = stats_json(client)
    assert (
        body["verdicts"] == list(review.VERDICTS) and body["threshold"] == 3 and body["min_rated_claims"] == 3
    )
    lab = group(body, "labour")
    assert (lab["leaflets"], lab["leaflets_rated"], lab["claims"], lab["claims_rated"]) == (3, 2, 5, 4)
    assert lab["enough"] is True
    assert {v: s["count"] for v, s in lab["verdicts"].items()} == {
        "accurate": 2,
        "misleading": 1,
        "false": 0,
        "unverifiable": 0,
        "pledge-opinion": 0,
    }
    assert lab["verdicts"]["accurate"]["share"] == 0.5 and lab["no_consensus"] == {
        **lab["no_consensus"],
        "count": 1,
        "share": 0.25,
    }
    low, high = lab["verdicts"]["accurate"]["low"], lab["verdicts"]["accurate"]["high"]
    assert low == pytest.approx(0.1500, abs=1e-4) and high == pytest.approx(0.8500, abs=1e-4)  # Wilson, n=4
    assert lab["ratings"] == {
        "accurate": 6,
        "misleading": 4,
        "false": 5,
        "unverifiable": 0,
        "pledge-opinion": 0,
    }
    # Krippendorff's alpha (nominal) over the five claims with two or more ratings: 25/74 (worked below)
    assert lab["agreement"]["accuracy"]["units"] == 5 and lab["agreement"]["accuracy"]["ratings"] == 15
    assert lab["agreement"]["accuracy"]["alpha"] == round(25 / 74, 3)
    assert lab["bias"] == {"ratings": 3, "leaflets": 2, "tone_mean": 0.67, "fairness_mean": -1.0}
    grn = group(body, "green")
    assert (
        grn["claims_rated"] == 1
        and grn["enough"] is False
        and grn["verdicts"]["unverifiable"]["share"] == 1.0
    )
    assert grn["agreement"]["accuracy"]["alpha"] is None  # one claim, all agree: nothing to compare against


def test_hand_worked_alpha_matches_the_agreement_module():
    """The 25/74 above, by hand: coincidences o_aa=4, o_ff=2, o_mm=2, o_af=o_fa=1.5, o_mf=o_fm=1.5,
    o_am=o_ma=0.5; n_a=6, n_f=5, n_m=4, n=15; alpha = 1 - (n-1) * 7 / (n^2 - 36 - 25 - 16) = 1 - 98/148."""
    from leaflets.services.agreement import krippendorff_alpha

    units = [["a", "a", "a"], ["a", "a", "f"], ["m", "m", "f", "m"], ["f", "a", "m"], ["f", "f"]]
    assert krippendorff_alpha(units) == pytest.approx(25 / 74)


@both_databases
def test_cache_recomputes_only_groups_a_write_touched(app, client):
    users = raters(3)
    labour, green = add_leaflet("labour"), add_leaflet("green")
    rate(labour, users, "accurate", "accurate", "accurate")
    rate(green, users, "false", "false", "false")
    assert group(stats_json(client), "labour")["claims_rated"] == 1
    rows = {row.party_key: row for row in db.session.scalars(select(FindingsGroup))}
    assert all(not row.stale for row in rows.values())
    green_id = db.session.scalar(select(Party.id).where(Party.slug == "green"))
    green_computed = rows[green_id].computed_at

    rate(labour, users, "misleading", "misleading", "misleading", text="Another claim")
    db.session.expire_all()
    labour_row = db.session.get(FindingsGroup, (labour.party_id, labour.election_id))
    # the rating service recounts the group it touched right after its commit: readers find it fresh
    assert not labour_row.stale and labour_row.data["consensus"] == {"accurate": 1, "misleading": 1}
    assert group(stats_json(client), "labour")["verdicts"]["misleading"]["count"] == 1
    db.session.expire_all()
    assert db.session.get(FindingsGroup, (green_id, labour.election_id)).computed_at == green_computed


@both_databases
def test_direct_writes_hiding_and_moving_leaflets_refresh_the_findings(app, client):
    users = raters(3)
    moved = add_leaflet("labour")
    claim_id = rate(moved, users, "accurate", "accurate", "accurate")
    assert group(stats_json(client), "labour")["claims_rated"] == 1

    # a rating written straight through the ORM (an import, a script) is seen too
    extra = User(email="direct@example.org", display_name="Direct", password_hash="x")
    db.session.add(extra)
    db.session.add(ClaimRating(claim_id=claim_id, user=extra, accuracy="false", note=""))
    db.session.add(BiasRating(leaflet_id=moved.id, user=extra, tone=-2, fairness=-2))
    db.session.commit()
    assert db.session.get(FindingsGroup, (moved.party_id, moved.election_id)).stale  # marked in that commit
    lab = group(stats_json(client), "labour")
    assert lab["ratings"]["false"] == 1 and lab["bias"]["ratings"] == 1

    moderation.edit_details(
        moved.id,
        users[0],
        party="green",
        area="E14001063",
        election="ge-2024",
        delivered_on=date(2024, 6, 18),
    )
    body = stats_json(client)
    assert group(body, "green")["claims_rated"] == 1
    assert not [
        g for g in body["groups"] if (g["party"] or {}).get("slug") == "labour"
    ]  # no live leaflets left

    moderation.set_status(moved.id, users[0], "hide", "test")
    assert stats_json(client)["groups"] == []


def test_a_group_changed_while_it_was_computed_stays_stale(app):
    users = raters(3)
    leaflet = add_leaflet("labour")
    rate(leaflet, users, "accurate", "accurate", "accurate")
    key = (leaflet.party_id, leaflet.election_id)
    groups = findings.cached_groups(*key)
    seen = groups[0].generation  # a reader has read the generation and is about to count ...
    with Session(db.engine) as other:  # ... when another writer commits a rating of the same group
        other.add(BiasRating(leaflet_id=leaflet.id, user_id=users[0].id, tone=1, fairness=1))
        other.commit()
    findings.refresh(groups, review.rated_threshold())
    db.session.expire_all()
    stored = db.session.get(FindingsGroup, key)
    assert stored.computed_generation == seen and stored.generation == seen + 1 and stored.stale
    assert findings.party_findings()[0].data["bias"]["ratings"] == 1  # the next read counts it


def test_few_rated_claims_show_counts_not_shares(app, client):
    app.config["STATS_MIN_RATED_CLAIMS"] = 3
    users = raters(3)
    few, many = add_leaflet("green"), add_leaflet("labour")
    rate(few, users, "accurate", "accurate", "accurate")
    for n in range(3):
        rate(many, users, "false", "false", "false", text=f"Claim {n}")
    page = client.get("/stats").get_data(as_text=True)
    labour_row = page[page.index("Labour Party</span></a></th>") :]
    labour_row = labour_row[: labour_row.index("</tr>")]
    assert "100%" in labour_row and "3 claims" in labour_row  # the share, the count behind it and a range
    green_row = page[page.index("Green Party</span></a></th>") :]
    green_row = green_row[: green_row.index("</tr>")]
    assert "%" not in green_row and "1 of 1" in green_row
    assert "fewer than 3 rated claims" in page
    assert 'href="/api/v1/stats?format=csv"' in page


@both_databases
def test_csv_has_a_column_set_per_verdict_of_the_model(app, client, monkeypatch):
    users = raters(3)
    leaflet = add_leaflet("labour")
    rate(leaflet, users, "accurate", "accurate", "accurate")
    response = client.get("/api/v1/stats?format=csv")
    assert response.status_code == 200 and response.content_type.startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(response.get_data(as_text=True))))
    assert len(rows) == 1 and rows[0]["party"] == "labour" and rows[0]["accurate_count"] == "1"
    assert rows[0]["accurate_share"] == "1.0" and rows[0]["ratings_accurate"] == "3"
    # a verdict added to the model later gets its columns without a change here
    monkeypatch.setattr(findings, "verdicts", lambda: (*review.VERDICTS, "pledge or opinion"))
    header = next(csv.reader(io.StringIO(client.get("/api/v1/stats?format=csv").get_data(as_text=True))))
    assert "pledge_or_opinion_count" in header and "ratings_pledge_or_opinion" in header
    assert "pledge or opinion" in stats_json(client)["groups"][0]["verdicts"]


def test_filters_and_bad_input(app, client):
    users = raters(3)
    rate(add_leaflet("labour"), users, "accurate", "accurate", "accurate")
    rate(add_leaflet("green", election="local-2025"), users, "false", "false", "false")
    assert [g["party"]["slug"] for g in stats_json(client, party="green")["groups"]] == ["green"]
    assert [g["election"]["slug"] for g in stats_json(client, election="ge-2024")["groups"]] == ["ge-2024"]
    bad = client.get("/api/v1/stats?format=xml")
    assert bad.status_code == 422 and bad.get_json()["error"]["field"] == "format"
    assert client.get("/api/v1/stats?party=no-such-party").get_json()["error"]["code"] == "not_found"
    assert client.get("/stats?election=no-such-election").status_code == 404
    assert "Local elections 2025" in client.get("/stats?election=local-2025").get_data(as_text=True)


def test_refresh_command_recounts_after_bulk_sql(app, runner):
    users = raters(3)
    leaflet = add_leaflet("labour")
    claim_id = rate(leaflet, users, "accurate", "accurate", "accurate")
    findings.party_findings()
    db.session.execute(
        findings.update(ClaimRating)
        .where(ClaimRating.claim_id == claim_id)
        .values(accuracy="false")
        .execution_options(synchronize_session=False)
    )
    db.session.commit()  # bulk SQL bypasses the ORM: the cache cannot know
    assert findings.party_findings()[0].shares[0].count == 1
    result = runner.invoke(args=["stats", "refresh"])
    assert result.exit_code == 0, result.output
    assert "1 group" in result.output
    assert [s.count for s in findings.party_findings()[0].shares if s.verdict == "false"] == [1]


def test_archive_counts_are_kept_then_recounted_in_the_background(app):
    from leaflets.services import archive_counts

    app.config["STATS_COUNTS_TTL_S"] = 0
    add_leaflet("labour")
    assert archive_counts.stats().totals.leaflets == 1  # the first reader counts
    add_leaflet("green")
    assert archive_counts.stats().totals.leaflets == 1  # then readers get the kept figures at once ...
    wait_until(
        lambda: archive_counts.stats().totals.leaflets == 2, 30, "the background recount"
    )  # ... updated
    assert sorted(party.slug for party, _n in archive_counts.stats().by_party) == ["green", "labour"]


def test_the_response_matches_its_openapi_schema(app, client):
    import json
    from pathlib import Path

    import jsonschema

    users = raters(3)
    rate(add_leaflet("labour"), users, "accurate", "accurate", "false")
    add_leaflet(None)
    document = json.loads((Path(__file__).parents[1] / "leaflets/api/openapi.json").read_text())
    schema = document["paths"]["/stats"]["get"]["responses"]["200"]["content"]["application/json"]["schema"]
    body = stats_json(client)
    assert len(body["groups"]) == 2 and any(group["party"] is None for group in body["groups"])
    # "#/components/..." references resolve against the schema's own root
    jsonschema.Draft202012Validator({**schema, "components": document["components"]}).validate(body)


def test_demo_data_comes_with_per_party_findings(app, runner, client):
    app.config["STATS_MIN_RATED_CLAIMS"] = 1
    result = runner.invoke(args=["demo-data", "--count", "6", "--seed", "11"])
    assert result.exit_code == 0, result.output
    rated = int(result.output.split("Demo volunteers rated ")[1].split()[0])
    body = stats_json(client)
    assert rated >= 1 and sum(group["claims_rated"] for group in body["groups"]) == rated
    assert all(group["agreement"]["accuracy"]["units"] == group["claims_rated"] for group in body["groups"])
    assert "What volunteers found" in client.get("/stats").get_data(as_text=True)
