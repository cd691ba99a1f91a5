"""Compare over the database: templates, figures that vary, terms without names or noise, topics, neighbours,
a seat's parties, the precomputed rows staying true as leaflets change, and the API."""

from __future__ import annotations

import threading

import pytest
from sqlalchemy import delete, event, func, select

from leaflets.extensions import db
from leaflets.models import CompareBand, CompareNumber, CompareTermCount, CompareText, Leaflet
from leaflets.models.compare import ALL_ELECTIONS
from leaflets.services import compare
from leaflets.services.compare import corpus, overview, store
from leaflets.services.errors import ValidationFailed
from tests.compare_support import (
    ALDERSHOT,
    ASHFORD,
    BANBURY,
    BARKING,
    BASINGSTOKE,
    TEMPLATE,
    WOKING,
    add,
    add_template_in_four_places,
    local_text,
    ocr_words,
)
from tests.support import both_databases

COMMON = (
    "Our NHS is on its knees after fourteen years. A Labour government will cut waiting lists, recruit "
    "thousands more teachers and build the homes families need. "
)
NATIONAL = "Change begins with economic growth and secure borders for working people. "


def run(
    party: str = "labour", area: str = ALDERSHOT, election: str | None = None, against: str | None = None
) -> compare.Comparison:
    return compare.compare(compare.resolve(party, area, election, against))


@both_databases
def test_the_national_template_is_found_with_names_and_figures_swapped(app):
    here, banbury, barking, ashford = add_template_in_four_places()
    different = add(COMMON + NATIONAL * 3, area=BASINGSTOKE)  # another leaflet: not the template
    add(local_text("Greg Smith", "Woking", "£40m", "5"), area=WOKING, party="conservative")  # another party
    result = run()
    [match] = result.templates
    assert match.local == [(here.id, "A fresh start for Aldershot")]
    assert {place.name for place in match.places} == {"Banbury", "Barking", "Ashford"}
    assert match.leaflets == 3 and match.example_id in {banbury.id, barking.id, ashford.id}
    assert (
        "Alex Baker",
        {banbury.id: "Sean Woodcock", barking.id: "Jas Athwal", ashford.id: "Sojan Joseph"}[match.example_id],
    ) in match.diff.swaps
    assert match.map is not None and sum(1 for h in match.map.hexes if h.count) == 3
    assert [h.marker for h in match.map.hexes if h.cell.gss == ALDERSHOT] == ["here"]
    templates = dict(db.session.execute(select(CompareText.leaflet_id, CompareText.template_id)).all())
    assert len({templates[leaflet.id] for leaflet in (here, banbury, barking, ashford)}) == 1
    assert templates[different.id] not in {templates[here.id]}
    assert result.unmatched == 0


@both_databases
def test_numbers_that_vary_are_listed_with_places_and_figures(app):
    add_template_in_four_places()
    add(COMMON + "We will spend £5m on the new bypass.", area=BARKING)  # a figure in another sentence
    numbers = {number.context: number for number in run().numbers}
    stat = numbers["{} for local services"]
    assert [f.figure for f in stat.local] == ["£31m"]
    assert {(f.figure, f.example_place) for f in stat.other_figures} == {
        ("£18m", "Banbury"),
        ("£12m", "Barking"),
    }
    assert stat.same_elsewhere == 1 and stat.places == 3  # Ashford prints £31m too
    potholes = next(n for context, n in numbers.items() if "reported {} times" in context)
    assert {f.figure for f in potholes.other_figures} == {"12", "30", "61"}
    assert all("bypass" not in context for context in numbers)


@both_databases
def test_names_and_ocr_noise_are_not_distinctive_terms(app):
    misread = "Chloe Okafor will save the Gurkha community centre in Brent East. Brent East needs it."
    add(
        f"{misread}\nThe Gurkha community centre must stay open, says Chloe Okafor.",
        area=ALDERSHOT,
        words=ocr_words(
            f"{misread}\nThe Gurkha community centre must stay open, says hloe Okafor.", low={"hloe": 41.0}
        ),
        description="Chloe Okafor for Aldershot",
    )
    for gss in (BANBURY, BARKING, ASHFORD):
        add(COMMON + NATIONAL + " Patrick Lloyd and Chloe Okafor agree.", area=gss)
    result = run()
    terms = {term.term for term in result.terms.local + result.terms.national}
    assert {"gurkha", "community centre"} <= {term.term for term in result.terms.local}
    assert not terms & {
        "chloe",
        "okafor",
        "brent",
        "east",
        "brent east",
        "patrick",
        "lloyd",
        "labour",
        "hloe",
    }
    assert {"chloe", "okafor", "brent"} <= set(result.terms.excluded.names) | {"brent"}
    assert "hloe" in result.terms.excluded.noise
    gurkha = result.evidence["gurkha"]
    assert (
        gurkha.box
        and gurkha.image_id
        == db.session.scalar(select(Leaflet).where(Leaflet.area.has(gss=ALDERSHOT))).images[0].id
    )


@both_databases
def test_topic_shares_compare_the_local_share_with_the_national_one(app):
    add("Potholes everywhere on our roads. Potholes again.")
    add("Council tax is up again.")
    for gss in (BANBURY, BARKING, ASHFORD, BASINGSTOKE):
        add("Council tax is too high here. The NHS needs doctors.", area=gss)
    shares = {share.slug: share for share in run().shares}
    transport = shares["transport"]
    assert (transport.local, transport.local_total, transport.national) == (1, 2, 0)
    assert (shares["tax"].local_share, shares["tax"].national_share) == (0.5, 1.0)
    assert shares["health"].difference == -100.0


def test_a_seat_against_its_neighbours_uses_only_the_seats_around_it(app):
    add_template_in_four_places()
    add(COMMON + "Basingstoke bus station", area=BASINGSTOKE)
    result = run(against="neighbours")
    assert result.baseline_label == "the neighbouring seats" and result.baseline_leaflets == 1
    assert {area.gss for area in result.neighbours} >= {BASINGSTOKE, WOKING}
    assert result.templates == [] and result.numbers == []  # the template went to seats not next door


def test_several_parties_in_one_seat_side_by_side(app):
    add_template_in_four_places()
    add("Only the Conservatives can stop Labour here. Secure borders and lower taxes.", party="conservative")
    add(
        "Our new hospital wing opened this spring after years of campaigning.",
        area=BANBURY,
        party="conservative",
    )
    found = overview.compare_page("", ALDERSHOT, "", "")
    assert [result.subject.party.slug for result in found.seat] == ["labour", "conservative"]
    assert found.seat[0].templates and found.seat[1].templates == []


def test_empty_and_thin_comparisons_give_a_message(app):
    add(COMMON, area=BANBURY)
    assert run().message == "No Labour Party leaflets from Aldershot have been read yet."
    assert "nothing to compare with" in run(area=BANBURY).message
    add(COMMON, ocr_status="pending")
    assert run().message == "No Labour Party leaflets from Aldershot have been read yet."


@both_databases
def test_precomputed_rows_follow_hiding_correcting_and_a_rebuild(app):
    here, banbury, *_ = add_template_in_four_places()
    run()  # analyses the leaflets that have no rows yet

    def count(term: str) -> int:
        return (
            db.session.scalar(
                select(CompareTermCount.count).where(
                    CompareTermCount.party_id == here.party_id,
                    CompareTermCount.election_id == ALL_ELECTIONS,
                    CompareTermCount.term == term,
                )
            )
            or 0
        )

    assert (count("#leaflets"), count("surgery")) == (4, 4)
    assert store.refresh([here.id, banbury.id]) == 0  # nothing changed: nothing written
    banbury.status = "hidden"
    db.session.commit()
    store.leaflet_changed(banbury.id)
    assert (count("#leaflets"), count("surgery")) == (3, 3)
    assert not db.session.scalar(
        select(func.count()).select_from(CompareNumber).where(CompareNumber.leaflet_id == banbury.id)
    )
    assert not db.session.scalar(
        select(func.count()).select_from(CompareBand).where(CompareBand.leaflet_id == banbury.id)
    )
    here.images[0].corrected_text = "The surgery and the surgery again. Trolleybus."
    db.session.commit()
    store.leaflet_changed(here.id)
    assert (count("surgery"), count("trolleybus")) == (4, 1)
    before = {row.term: row.count for row in db.session.scalars(select(CompareTermCount))}
    assert store.rebuild() == 4
    after = {row.term: row.count for row in db.session.scalars(select(CompareTermCount)) if row.count}
    assert after == {term: n for term, n in before.items() if n}


def test_leaflets_without_rows_are_analysed_a_bounded_number_at_a_time(app, monkeypatch):
    monkeypatch.setattr(corpus, "MISSING_CAP", 2)
    for gss in (ALDERSHOT, BANBURY, BARKING, ASHFORD, BASINGSTOKE):
        add(COMMON + NATIONAL, area=gss)
    assert run().waiting == 3
    assert run().waiting == 1
    assert run().waiting == 0 and run().baseline_leaflets == 4 and run().local_leaflets == 1


def test_a_comparison_reads_a_fixed_number_of_queries_however_big_the_party(app):
    def queries(national: int) -> int:
        for number in range(national):
            add(local_text(f"Name {number}", "Elsewhere", f"£{number}m", str(number)), area=BANBURY)
        run()  # rows for the new leaflets
        statements: list[str] = []
        listener = lambda *args: statements.append(args[2])  # noqa: E731
        event.listen(db.engine, "before_cursor_execute", listener)
        try:
            run()
        finally:
            event.remove(db.engine, "before_cursor_execute", listener)
        return len(statements)

    add(local_text("Alex Baker", "Aldershot", "£31m", "47"))
    assert queries(3) == queries(30)


@pytest.mark.parametrize(
    "party, area, election, against, field, code",
    [
        (None, ALDERSHOT, None, None, "party", "missing_party"),
        ("labour", None, None, None, "area", "missing_area"),
        ("no-such-party", ALDERSHOT, None, None, "party", "unknown_party"),
        ("labour", "E14999999", None, None, "area", "unknown_area"),
        ("labour", ALDERSHOT, "no-such-election", None, "election", "unknown_election"),
        ("labour", ALDERSHOT, None, "mars", "against", "unknown_against"),
    ],
)
def test_bad_parameters_are_422(app, client, party, area, election, against, field, code):
    with pytest.raises(ValidationFailed) as failure:
        compare.resolve(party, area, election, against)
    assert failure.value.field == field
    params = {
        k: v for k, v in {"party": party, "area": area, "election": election, "against": against}.items() if v
    }
    response = client.get("/api/v1/compare", query_string=params)
    assert response.status_code == 422 and response.json["error"]["code"] == code
    if party or area:  # the page takes a party alone or a seat alone
        page = client.get("/compare", query_string=params)
        if code != "missing_party" and code != "missing_area":
            assert page.status_code == 422
            assert failure.value.message.replace("'", "&#39;") in page.get_data(as_text=True)


def test_api_shape(app, client):
    here, *_ = add_template_in_four_places()
    body = client.get("/api/v1/compare", query_string={"party": "labour", "area": ALDERSHOT.lower()}).json
    assert (body["party"]["slug"], body["area"]["gss"], body["against"]) == ("labour", ALDERSHOT, "national")
    assert body["local"]["leaflets"] == 1 and body["baseline"]["leaflets"] == 3 and body["message"] is None
    [template] = body["templates"]
    assert template["local"][0]["leaflet_id"] == here.id and len(template["places"]) == 3
    assert {"here", "there"} == set(template["swaps"][0]) and template["url"].startswith("http")
    stat = next(n for n in body["numbers"] if n["context"] == "{} for local services")
    assert stat["here"][0]["figure"] == "£31m" and {f["figure"] for f in stat["elsewhere"]} >= {
        "£18m",
        "£12m",
    }
    assert all(
        set(term) >= {"term", "z", "local_count", "national_count", "topic"}
        for term in body["distinctive_terms"]["local"]
    )
    assert body["distinctive_terms"]["left_out"]["names"] > 0 and body["topics"] is not None


def test_the_compare_commands_rebuild_and_update_the_rows(app, runner):
    banbury_id = add_template_in_four_places()[1].id
    result = runner.invoke(args=["compare", "rebuild"])
    assert result.exit_code == 0, result.output
    assert "Analysed 4 leaflets" in result.output
    counted = select(func.count()).select_from(CompareText).where(CompareText.counted.is_(True))
    assert db.session.scalar(counted) == 4
    db.session.get(Leaflet, banbury_id).images[0].corrected_text = "Something else, corrected by a volunteer."
    db.session.commit()  # a change the hooks did not hear of
    result = runner.invoke(args=["compare", "update"])
    assert result.exit_code == 0 and "1 leaflets changed." in result.output


@both_databases
def test_two_workers_refreshing_the_same_new_leaflets_at_once_write_each_row_once(app):
    """Background workers in several processes (and web requests) refresh the same new leaflets; on
    PostgreSQL both inserted a leaflet's row and one failed (bench-load's log) until writers took a lock."""
    ids = [add(f"{TEMPLATE} Leaflet number {n} for the town.").id for n in range(40)]
    db.session.execute(delete(CompareText).where(CompareText.leaflet_id.in_(ids)))
    db.session.commit()
    start, errors = threading.Barrier(2), []

    def worker() -> None:
        with app.app_context():
            start.wait()
            try:
                store.refresh(ids)
            except Exception as exc:  # noqa: BLE001  (the assertion below reports it)
                errors.append(exc)
            finally:
                db.session.remove()

    threads = [threading.Thread(target=worker) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    rows = db.session.scalars(select(CompareText.leaflet_id).where(CompareText.leaflet_id.in_(ids))).all()
    assert sorted(rows) == sorted(ids)
