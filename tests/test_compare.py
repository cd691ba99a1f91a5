"""Local versus national: distinctive terms, shared templates, local-only claims, the API and the page."""
from __future__ import annotations

from datetime import date, datetime, timedelta
from itertools import count

import pytest
from sqlalchemy import event, select

from leaflets.extensions import db
from leaflets.models import Area, Claim, Election, Leaflet, LeafletImage, Party
from leaflets.services import compare, text_stats
from leaflets.services.errors import ValidationFailed
from tests.support import both_databases

ALDERSHOT, BANBURY, BARKING, ASHFORD = "E14001063", "E14001072", "E14001073", "E14001069"
T0 = datetime(2024, 6, 1, 9, 0)
_clock = count()

COMMON = ("Our NHS is on its knees after fourteen years. A Labour government will cut waiting lists, "
          "recruit thousands more teachers and build the homes families need. ")
NATIONAL = "Change begins with economic growth and secure borders for working people. "
TEMPLATE = ("Families across the country are paying more for their mortgage, their weekly shop and "
            "their energy bills. The Conservatives crashed the economy and working people paid the price. "
            "Labour has a plan to get Britain's future back: stability in the public finances, cheaper bills "
            "through Great British Energy, and a new deal for working people that makes work pay. On the "
            "fourth of July you can vote for change.")


def add(text: str = "", *, area: str = ALDERSHOT, party: str = "labour", title: str = "",
        status: str = "live", ocr_status: str = "done", corrected: str | None = None,
        election: str = "ge-2024", claims: tuple[tuple[str, str], ...] = ()) -> Leaflet:
    """A leaflet with one image whose OCR text is given, and claims as (text, state) pairs."""
    leaflet = Leaflet(
        title=title, status=status, delivered_on=date(2024, 6, 20),
        party=db.session.scalar(select(Party).where(Party.slug == party)),
        area=db.session.scalar(select(Area).where(Area.gss == area)),
        election=db.session.scalar(select(Election).where(Election.slug == election)),
        uploaded_at=T0 + timedelta(minutes=next(_clock)))
    leaflet.images.append(LeafletImage(position=0, sha256="0" * 64, width=1, height=1, mime="image/jpeg",
                                       ocr_status=ocr_status, ocr_text=text, corrected_text=corrected))
    db.session.add(leaflet)
    for claim_text, state in claims:
        db.session.add(Claim(leaflet=leaflet, text=claim_text, state=state))
    db.session.commit()
    return leaflet


def run(party: str = "labour", area: str = ALDERSHOT, election: str | None = None,
        **kwargs) -> compare.Comparison:
    return compare.compare(compare.resolve(party, area, election), **kwargs)


# --- text statistics ---------------------------------------------------------------------------------------

def test_terms_are_lowercased_without_stop_words_short_words_or_bare_numbers():
    sentences = text_stats.sentences("VOTE for the Bus Station in 2024: it's £5m! Aldershot’s NHS")
    assert sentences == [["vote", "for", "the", "bus", "station", "in", "2024"], ["it", "5m"],
                         ["aldershot", "nhs"]]
    local, _ = text_stats.distinctive_terms_of(sentences, [["something", "else"]], limit=50)
    terms = {t.term for t in local}
    assert terms == {"vote", "bus", "station", "bus station", "aldershot", "nhs", "aldershot nhs"}
    assert all(t.local_count == 1 and t.national_count == 0 for t in local)


def test_counting_words_gives_the_same_scores_as_counted_terms():
    from collections import Counter
    local = text_stats.sentences("Save our bus station. Save the bus station! Gurkha veterans.")
    national = text_stats.sentences("Secure borders. Economic growth and our bus station. Growth!")

    def counted(corpus: list[list[str]]) -> Counter[str]:
        counts: Counter[str] = Counter()
        for sentence in corpus:
            kept = [word if text_stats.is_term(word) else "" for word in sentence]
            counts.update(filter(None, kept))
            counts.update(f"{a} {b}" for a, b in zip(kept, kept[1:]) if a and b)
        return counts

    assert (text_stats.distinctive_terms_of(local, national, limit=50)
            == text_stats.distinctive_terms(counted(local), counted(national), limit=50))


def test_shingles_and_jaccard():
    a = text_stats.shingles("one two three four five six".split())
    assert a == {hash(("one", "two", "three", "four", "five")), hash(("two", "three", "four", "five", "six"))}
    assert text_stats.jaccard(a, a) == 1.0
    b = text_stats.shingles("two three four five six seven".split())
    assert text_stats.jaccard(a, b) == pytest.approx(1 / 3)
    assert text_stats.shingles(["short"]) == {hash(("short",))} and text_stats.jaccard(frozenset(), a) == 0.0


def test_fightin_words_scores_exclusive_and_shared_terms_sensibly():
    from collections import Counter
    local = Counter({"aldershot": 10, "potholes": 10, "labour": 10, "other": 270})
    national = Counter({"potholes": 100, "labour": 20000, "growth": 5000, "other": 574900})
    local_top, national_top = text_stats.distinctive_terms(local, national, limit=3)
    assert [t.term for t in local_top][:2] == ["aldershot", "potholes"]
    assert local_top[0].z > 1.96 and local_top[0].national_count == 0
    assert "labour" not in [t.term for t in local_top[:2]]
    assert "growth" in [t.term for t in national_top] and all(t.z < 0 for t in national_top)
    assert text_stats.distinctive_terms(Counter(), national) == ([], [])


# --- the service over both databases -------------------------------------------------------------------

@both_databases
def test_a_term_used_only_locally_ranks_top_local(app):
    first = COMMON + "The Gurkha community centre will stay open. Gurkha veterans deserve better."
    second = COMMON + "Gurkha families welcome here."
    add(first, title="Gurkha pledge")
    add(second)
    for area in (BANBURY, BARKING, ASHFORD):
        add(COMMON + NATIONAL + NATIONAL, area=area)
    result = run()
    top = result.local_terms[0]
    assert (top.term, top.local_count, top.national_count) == ("gurkha", 4, 0)
    assert top.z > 0
    assert all(word in NATIONAL.lower() for word in result.national_terms[0].term.split())
    assert all(t.national_count > 0 and t.z < 0 for t in result.national_terms)
    assert (result.local.leaflets, result.national.leaflets) == (2, 3)
    assert result.local.words == len(text_stats.words(f"Gurkha pledge {first} {second}"))  # titles count
    assert result.message is None


@both_databases
def test_a_shared_template_is_detected_with_its_similarity(app):
    local_text = TEMPLATE + " Alex Baker lives in Aldershot and will fight for the Queen's Avenue surgery."
    local = add(local_text)
    copy = add(TEMPLATE + " Sean Woodcock lives in Banbury.", area=BANBURY)
    exact = add(TEMPLATE, area=BARKING)
    add(COMMON + NATIONAL, area=ASHFORD)  # unrelated
    add(TEMPLATE, area=BARKING, party="conservative")  # another party's leaflet is not the party's template
    result = run()
    assert len(result.templates) == 1
    group = result.templates[0]
    assert group.leaflet_id == local.id and group.match_count == 2
    similarities = {m.leaflet_id: m.similarity for m in group.matches}
    assert set(similarities) == {copy.id, exact.id}
    ours, theirs = (text_stats.shingles(text_stats.words(text)) for text in (local_text, TEMPLATE))
    expected = len(ours & theirs) / len(ours | theirs)
    assert similarities[exact.id] == pytest.approx(expected, abs=1e-3)
    assert all(compare.TEMPLATE_THRESHOLD <= s < 1 for s in similarities.values())
    assert {m.area_name for m in group.matches} == {"Banbury", "Barking"}


@both_databases
def test_local_only_claims_exclude_those_made_elsewhere(app):
    local = add(COMMON, claims=(
        ("We saved the Aldershot maternity unit from closure", "accepted"),
        ("Labour will cut NHS waiting lists by 40,000 appointments a week", "accepted"),
        ("Free breakfast clubs in every primary school", "accepted"),
        ("The council wasted £2m on a new logo", "dismissed"),
        ("Potholes fixed within a week", "suggested")))
    add(COMMON + "And free breakfast clubs in every primary school!", area=BANBURY,
        claims=(("Labour will cut NHS waiting lists with 40,000 more appointments every week", "accepted"),))
    add(NATIONAL, area=BARKING)
    result = run()
    assert [c.text for c in result.local_only_claims] == [
        "We saved the Aldershot maternity unit from closure"]
    claim = result.local_only_claims[0]
    assert claim.leaflet_id == local.id and claim.claim_id > 0


@both_databases
def test_hidden_other_party_and_unread_leaflets_are_excluded(app):
    add(COMMON + "trolleybus", title="Local")
    add(COMMON + "zeppelin zeppelin", status="hidden")
    add(COMMON + "hovercraft", ocr_status="pending")
    add(COMMON + "monorail", party="green")
    add(COMMON, ocr_status="done", corrected="Corrected text about funiculars")
    add(COMMON + NATIONAL, area=BANBURY)
    add(COMMON + "airship airship", area=BARKING, status="removed")
    result = run()
    assert (result.local.leaflets, result.national.leaflets, result.national_available) == (3, 1, 1)
    local_terms = {t.term for t in result.local_terms}
    assert {"trolleybus", "funiculars"} <= local_terms
    assert not {"zeppelin", "hovercraft", "monorail"} & local_terms
    assert "airship" not in {t.term for t in result.national_terms}


@both_databases
def test_empty_corpora_give_a_message_not_an_error(app):
    add(COMMON, area=BANBURY)
    result = run()
    assert result.message == "No Labour Party leaflets from Aldershot yet."
    assert result.local_terms == [] and result.templates == []
    result = run(area=BANBURY)
    assert "anywhere other than Banbury" in result.message


def test_the_national_corpus_is_capped_at_the_most_recent(app):
    add(COMMON)
    oldest = add(COMMON + "dirigible", area=BANBURY)
    add(COMMON + NATIONAL, area=BARKING)
    add(COMMON + NATIONAL, area=ASHFORD)
    result = run(national_cap=2)
    assert (result.national.leaflets, result.national_available, result.national_capped) == (2, 3, True)
    assert "dirigible" not in {t.term for t in result.national_terms}
    assert oldest.id not in {m.leaflet_id for g in result.templates for m in g.matches}


def test_the_cap_can_be_set_in_the_app_config(make_app):
    app = make_app(COMPARE_NATIONAL_CAP=1)
    with app.app_context():
        add(COMMON)
        add(COMMON, area=BANBURY)
        add(COMMON + NATIONAL, area=BARKING)
        body = app.test_client().get(f"/api/v1/compare?party=labour&area={ALDERSHOT}").json
    assert body["national"] == {"leaflets": 1, "words": len(text_stats.words(COMMON + NATIONAL)),
                                "available": 2, "cap": 1, "capped": True}


def test_an_election_narrows_both_corpora(app):
    add(COMMON + "trolleybus")
    add(COMMON + "monorail", election="local-2025")
    add(COMMON + NATIONAL, area=BANBURY)
    add(COMMON + "zeppelin", area=BARKING, election="local-2025")
    result = run(election="ge-2024")
    assert (result.local.leaflets, result.national.leaflets) == (1, 1)
    assert result.subject.election.slug == "ge-2024"


def test_texts_are_read_with_a_fixed_number_of_queries(app):
    def queries_for(leaflets: int) -> int:
        for n in range(leaflets):
            add(COMMON + f"word{n}", claims=(("A claim", "accepted"),))
            add(COMMON + NATIONAL, area=BANBURY, claims=(("Another claim", "accepted"),))
        db.session.expire_all()
        subject = compare.resolve("labour", ALDERSHOT)
        statements: list[str] = []
        listener = lambda *args: statements.append(args[2])  # noqa: E731
        event.listen(db.engine, "before_cursor_execute", listener)
        try:
            compare.compare(subject)
        finally:
            event.remove(db.engine, "before_cursor_execute", listener)
        return len(statements)

    assert queries_for(2) == queries_for(10) <= 5


@pytest.mark.parametrize("party, area, election, field, code", [
    (None, ALDERSHOT, None, "party", "missing_party"),
    ("labour", None, None, "area", "missing_area"),
    ("no-such-party", ALDERSHOT, None, "party", "unknown_party"),
    ("labour", "E14999999", None, "area", "unknown_area"),
    ("labour", ALDERSHOT, "no-such-election", "election", "unknown_election"),
])
def test_bad_parameters_are_422(app, client, party, area, election, field, code):
    with pytest.raises(ValidationFailed) as failure:
        compare.resolve(party, area, election)
    assert failure.value.field == field
    params = {k: v for k, v in {"party": party, "area": area, "election": election}.items() if v}
    response = client.get("/api/v1/compare", query_string=params)
    assert response.status_code == 422
    assert response.json["error"]["code"] == code and response.json["error"]["message"]
    page = client.get("/compare", query_string=params)
    assert page.status_code == 422
    assert failure.value.message.replace("'", "&#39;") in page.get_data(as_text=True)


# --- API and page ------------------------------------------------------------------------------------------

def test_api_shape(app, client):
    local = add(TEMPLATE + " Gurkha Gurkha", claims=(("We saved the Aldershot maternity unit", "accepted"),))
    copy = add(TEMPLATE, area=BANBURY)
    add(COMMON + NATIONAL, area=BARKING)
    response = client.get("/api/v1/compare", query_string={"party": "labour", "area": ALDERSHOT.lower()})
    assert response.status_code == 200
    body = response.json
    assert body["party"]["slug"] == "labour" and body["area"] == {
        "gss": ALDERSHOT, "name": "Aldershot", "name_alt": None, "kind": "westminster-constituency",
        "nation": "England", "region": "South East"}
    assert body["local"] == {"leaflets": 1, "words": len(text_stats.words(TEMPLATE)) + 2}
    assert body["national"]["leaflets"] == 2 and body["national"]["cap"] == compare.NATIONAL_CAP
    assert body["national"]["capped"] is False and body["message"] is None
    term = body["distinctive_terms"]["local"][0]
    assert set(term) == {"term", "z", "local_count", "national_count"} and term["term"] == "gurkha"
    assert body["distinctive_terms"]["national"] and body["distinctive_terms"]["national"][0]["z"] < 0
    [group] = body["templates"]
    assert group["leaflet_id"] == local.id
    [match] = group["matches"]
    assert match["leaflet_id"] == copy.id and match["area"] == {"gss": BANBURY, "name": "Banbury"}
    assert 0.5 <= match["similarity"] < 1 and match["url"].endswith(f"/leaflets/{copy.id}")
    [claim] = body["local_only_claims"]
    assert {"claim_id", "leaflet_id", "text"} <= set(claim) and claim["leaflet_id"] == local.id


def test_api_empty_local_corpus_is_not_an_error(app, client):
    response = client.get("/api/v1/compare?party=labour&area=" + ALDERSHOT)
    assert response.status_code == 200
    assert response.json["message"] == "No Labour Party leaflets from Aldershot yet."
    assert response.json["distinctive_terms"] == {"local": [], "national": []}


def test_form_alone_without_parameters(app, client):
    page = client.get("/compare").get_data(as_text=True)
    assert '<label for="party">Party</label>' in page and '<label for="area">Constituency</label>' in page
    assert 'method="get"' in page and '<option value="E14001063">Aldershot</option>' in page
    assert "compare-results" not in page


def test_page_shows_results_with_links(app, client):
    local = add(TEMPLATE + " Gurkha Gurkha", title="Our plan for Aldershot",
                claims=(("We saved the Aldershot maternity unit", "accepted"),))
    copy = add(TEMPLATE, area=BANBURY, title="Our plan for Banbury")
    add(COMMON + NATIONAL, area=BARKING)
    response = client.get(f"/compare?party=labour&area={ALDERSHOT}")
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert '<option value="labour" selected>' in page and f'<option value="{ALDERSHOT}" selected>' in page
    assert '<span class="term">gurkha</span>' in page and "term-w100" in page
    assert f'href="/leaflets/{local.id}">Our plan for Aldershot</a>' in page
    assert f'href="/leaflets/{copy.id}">Our plan for Banbury</a>' in page
    assert "also delivered in Banbury." in " ".join(page.split())
    assert "We saved the Aldershot maternity unit" in page


def test_page_empty_local_corpus_message(app, client):
    add(COMMON, area=BANBURY)
    response = client.get(f"/compare?party=labour&area={ALDERSHOT}")
    assert response.status_code == 200
    assert "No Labour Party leaflets from Aldershot yet." in response.get_data(as_text=True)


def test_untrusted_text_is_escaped_on_the_page(app, client):
    script = "<script>alert('ocr')</script>"
    add(TEMPLATE + f" {script} <b>bold</b>", title="<img src=x onerror=alert('title')>",
        claims=(("<img src=x onerror=alert('claim')> we built it", "accepted"),))
    add(TEMPLATE, area=BANBURY, title="<svg onload=alert('match')>")
    add(COMMON + NATIONAL, area=BARKING)
    page = client.get(f"/compare?party=labour&area={ALDERSHOT}").get_data(as_text=True)
    assert "<script>alert" not in page and "<img src=x" not in page and "<svg onload" not in page
    assert "&lt;img src=x onerror=alert(&#39;claim&#39;)&gt; we built it" in page
    assert "&lt;img src=x onerror=alert(&#39;title&#39;)&gt;" in page
    assert "&lt;svg onload=alert(&#39;match&#39;)&gt;" in page
