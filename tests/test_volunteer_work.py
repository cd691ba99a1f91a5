"""The volunteer's work page, round two: a refused rating keeps every choice with its error beside the field;
the "pledge or opinion" verdict everywhere verdicts are listed; a proposed fix of the details accepted by a
moderator in one click; and the invitation to logged-out visitors that leads, through registration, to the
work page."""

from __future__ import annotations

import re

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from leaflets.extensions import db
from leaflets.models import Area, AuditEntry, Claim, DetailProposal, Leaflet
from leaflets.services import findings
from tests.factories import PASSWORD, make_leaflet, make_user
from tests.support import both_databases, log_in


def _claim(leaflet: Leaflet, text: str = "Crime fell by 50%.") -> Claim:
    claim = Claim(leaflet_id=leaflet.id, text=text, state="accepted", origin="volunteer")
    db.session.add(claim)
    db.session.commit()
    return claim


@both_databases
def test_a_refused_rating_keeps_every_choice_and_shows_the_error_beside_the_field(
    app: Flask, client: FlaskClient
) -> None:
    leaflet = make_leaflet()
    claim = _claim(leaflet)
    log_in(client, make_user())
    response = client.post(
        f"/volunteer/claims/{claim.id}/rating", data={"accuracy": "misleading", "note": "Only for one year."}
    )
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert re.search(
        rf'id="accuracy-{claim.id}-misleading" name="accuracy" value="misleading"\s+checked', page
    )
    assert ">Only for one year.</textarea>" in page
    assert (
        f'<span class="field-error" id="source-{claim.id}-error">A misleading rating needs a source.</span>'
        in page
    )
    assert (
        f'aria-describedby="source-{claim.id}-hint source-{claim.id}-error"' in page and "autofocus" in page
    )
    assert db.session.scalar(select(AuditEntry).where(AuditEntry.action == "rate-claim")) is None

    bad_url = client.post(
        f"/volunteer/claims/{claim.id}/rating",
        data={"accuracy": "false", "source_url": "ftp://x", "note": "No."},
    ).get_data(as_text=True)
    assert 'value="ftp://x"' in bad_url and f'id="source-{claim.id}-error"' in bad_url
    assert re.search(rf'id="accuracy-{claim.id}-false" name="accuracy" value="false"\s+checked', bad_url)
    none_chosen = client.post(f"/volunteer/claims/{claim.id}/rating", data={"note": "kept"}).get_data(
        as_text=True
    )
    assert f'id="accuracy-{claim.id}-error"' in none_chosen and ">kept</textarea>" in none_chosen


@both_databases
def test_pledge_or_opinion_is_a_verdict_everywhere_verdicts_are_listed(
    app: Flask, client: FlaskClient
) -> None:
    leaflet = make_leaflet()
    claim = _claim(leaflet, "Fix our NHS")
    log_in(client, make_user())
    page = client.get(f"/volunteer/leaflets/{leaflet.id}").get_data(as_text=True)
    assert "Pledge or opinion (not a factual claim)" in page
    assert (
        client.post(f"/volunteer/claims/{claim.id}/rating", data={"accuracy": "pledge-opinion"}).status_code
        == 302
    )
    api = client.get(f"/api/v1/leaflets/{leaflet.id}/claims").get_json()
    assert api["claims"][0]["ratings"]["by_verdict"]["pledge-opinion"] == 1
    assert "pledge-opinion" in findings.verdicts()
    spec = client.get("/api/v1/openapi.json").get_json()["components"]["schemas"]
    assert "pledge-opinion" in spec["ClaimRatingInput"]["properties"]["accuracy"]["enum"]
    stats = client.get("/stats").get_data(as_text=True)
    assert "Pledge or opinion" in stats


@both_databases
def test_a_proposed_fix_is_accepted_by_a_moderator_in_one_click(app: Flask, client: FlaskClient) -> None:
    leaflet = make_leaflet()
    volunteer = make_user(name="Vera")
    log_in(client, volunteer)
    bristol = db.session.scalar(select(Area).where(Area.name == "Bristol Central"))
    response = client.post(
        f"/volunteer/leaflets/{leaflet.id}/proposal",
        data={"party": "green", "area": "Bristol Central", "note": "Imprint says Green Party"},
    )
    assert response.status_code == 302 and response.headers["Location"].endswith("#details-fix")
    proposal = db.session.scalar(select(DetailProposal))
    assert (proposal.party.slug, proposal.area_id, proposal.election_id) == ("green", bristol.id, None)

    moderator = app.test_client()
    log_in(moderator, make_user("moderator"))
    board = moderator.get("/moderate").get_data(as_text=True)
    assert "Fixes proposed by volunteers (1)" in board and "Labour Party → Green Party" in board
    assert "→ Bristol Central" in board and "Imprint says Green Party" in board
    assert moderator.post(f"/moderate/proposals/{proposal.id}/accept").status_code == 302
    db.session.expire_all()
    fixed = db.session.get(Leaflet, leaflet.id)
    assert (fixed.party.slug, fixed.area.name) == ("green", "Bristol Central")
    entry = db.session.scalars(select(AuditEntry).where(AuditEntry.action == "accept-proposal")).one()
    assert entry.details["before"]["party"] == "labour" and entry.details["after"]["area"] == bristol.gss
    assert entry.details["proposed_by"] == "Vera"
    assert (
        moderator.post(f"/moderate/proposals/{proposal.id}/accept", follow_redirects=True).status_code == 200
    )
    assert "Fixes proposed by volunteers (0)" in moderator.get("/moderate").get_data(as_text=True)
    volunteer_client = app.test_client()
    log_in(volunteer_client, volunteer)
    assert volunteer_client.post(f"/moderate/proposals/{proposal.id}/dismiss").status_code == 403


def test_a_refused_proposal_shows_every_error_beside_its_field_and_keeps_the_choices(
    app: Flask, client: FlaskClient
) -> None:
    leaflet = make_leaflet()
    log_in(client, make_user())
    response = client.post(
        f"/volunteer/leaflets/{leaflet.id}/proposal",
        data={"party": "no-such-party", "area": "Atlantis", "election": leaflet.election.slug},
    )
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert '<span class="field-error" id="fix-party-error">Choose the party from the list.</span>' in page
    assert 'id="fix-area-error">There is no constituency called &#39;Atlantis&#39;' in page
    assert f'<option value="{leaflet.election.slug}" selected>' in page
    same = client.post(f"/volunteer/leaflets/{leaflet.id}/proposal", data={"party": leaflet.party.slug})
    assert same.status_code == 422 and "different from the leaflet" in same.get_data(as_text=True)
    assert db.session.scalar(select(DetailProposal)) is None


@both_databases
def test_a_logged_out_visitor_is_invited_to_help_and_lands_on_the_work_page(
    app: Flask, client: FlaskClient
) -> None:
    leaflet = make_leaflet()
    page = client.get(f"/leaflets/{leaflet.id}").get_data(as_text=True)
    work = f"/volunteer/leaflets/{leaflet.id}"
    assert "Help check this leaflet" in page
    assert f'href="/register?next={work}"' in page.replace("%2F", "/")
    form = client.get(f"/register?next={work}").get_data(as_text=True)
    assert f'name="next" type="hidden" value="{work}"' in form
    response = client.post(
        "/register",
        data={
            "email": "new@example.org",
            "display_name": "Newcomer",
            "password": PASSWORD,
            "confirm": PASSWORD,
            "next": work,
        },
    )
    assert response.status_code == 302 and response.headers["Location"] == work
    assert client.get(work).status_code == 200
    assert "Help check this leaflet" not in client.get(f"/leaflets/{leaflet.id}").get_data(as_text=True)
    evil = app.test_client().post(
        "/register",
        data={
            "email": "b@example.org",
            "display_name": "B",
            "password": PASSWORD,
            "confirm": PASSWORD,
            "next": "//evil.example",
        },
    )
    assert evil.headers["Location"] == "/volunteer"
