"""Where was it delivered? The upload form without JavaScript: confirm a full postcode's constituency, choose
among a partial one's, Northern Ireland's 18, or "I don't know"; the script's fragment; the kept photos."""

from __future__ import annotations

import re

from sqlalchemy import func, select

from leaflets.extensions import db
from leaflets.models import Area, Leaflet
from tests.support import both_databases, leaflet_image, multipart, upload_fields


def gss(name: str) -> str:
    return db.session.scalar(select(Area.gss).where(Area.name == name))


def send(client, images=None, **fields):
    images = [(leaflet_image(), "a.jpg")] if images is None else images
    return client.post(
        "/upload", data=multipart(upload_fields(**fields), images), content_type="multipart/form-data"
    )


def token_of(page: str) -> str:
    return re.search(r'name="staged" value="([^"]+)"', page).group(1)


def radios(page: str) -> dict[str, bool]:
    """value -> checked, for the radios named area."""
    found = re.findall(r'<input type="radio" name="area" id="[^"]+" value="([^"]+)"( checked)?', page)
    return {value: bool(checked) for value, checked in found}


def leaflet_count() -> int:
    return db.session.scalar(select(func.count(Leaflet.id)))


@both_databases
def test_a_full_postcode_is_shown_for_the_voter_to_confirm_then_only_its_district_is_kept(app, client):
    first = send(client, area="", postcode="ng7 2rd")
    assert first.status_code == 422 and leaflet_count() == 0
    page = first.get_data(as_text=True)
    assert "NG7 2RD is in Nottingham South: is that where it was delivered?" in page  # the question
    assert '<a href="#area">Confirm the constituency: NG7 2RD is in Nottingham South.</a>' in page  # summary
    assert radios(page) == {gss("Nottingham South"): True, "unknown": False}
    assert "Yes, Nottingham South" in page and "We kept your 1 photo" in page
    fields = upload_fields(area=gss("Nottingham South"), postcode="ng7 2rd")
    confirmed = client.post("/upload", data={**fields, "staged": token_of(page)})
    assert confirmed.status_code == 302
    leaflet = db.session.scalar(select(Leaflet))
    assert leaflet.area.name == "Nottingham South" and leaflet.postcode_district == "NG7"
    assert "2RD" not in client.get(confirmed.headers["Location"]).get_data(as_text=True)


@both_databases
def test_the_api_takes_a_full_postcodes_constituency_as_it_is(app, client):
    response = client.post(
        "/api/v1/leaflets",
        data=multipart(upload_fields(area="", postcode="SW1A 1AA"), [(leaflet_image(), "a.jpg")]),
        content_type="multipart/form-data",
    )
    assert response.status_code == 201, response.get_json()
    body = response.get_json()
    assert body["area"]["name"] == "Cities of London and Westminster" and body["postcode_district"] == "SW1A"


@both_databases
def test_a_sector_split_between_two_offers_both_with_no_preselection(app, client):
    response = send(client, area="", postcode="B31 1")
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "B31 1 covers 2 constituencies: which one was it delivered in?" in page
    assert radios(page) == {
        gss("Birmingham Northfield"): False,
        gss("Birmingham Edgbaston"): False,
        "unknown": False,
    }
    assert "(50% of its postcodes)" in page
    chosen = client.post(
        "/upload",
        data={**upload_fields(area=gss("Birmingham Edgbaston"), postcode="B31 1"), "staged": token_of(page)},
    )
    assert chosen.status_code == 302
    assert db.session.scalar(select(Leaflet)).area.name == "Birmingham Edgbaston"


def test_a_tiny_share_reads_less_than_one_percent(client):
    page = client.get("/upload/place?postcode=NG7").get_data(as_text=True)  # Broxtowe: 0.26% of NG7
    assert re.search(r'Broxtowe\s*<span class="share">\(less than 1% of its postcodes\)</span>', page)
    assert "(0%" not in page


@both_databases
def test_a_northern_ireland_postcode_offers_its_eighteen_constituencies(app, client):
    response = send(client, area="", postcode="BT1 5GS")
    page = response.get_data(as_text=True)
    assert response.status_code == 422 and "is in Northern Ireland" in page
    choices = radios(page)
    assert len(choices) == 19 and not any(choices.values())  # 18 and "I don't know", none chosen for them
    fields = upload_fields(area=gss("Belfast South and Mid Down"), postcode="BT1 5GS")
    chosen = client.post("/upload", data={**fields, "staged": token_of(page)})
    assert chosen.status_code == 302
    leaflet = db.session.scalar(select(Leaflet))
    assert leaflet.area.name == "Belfast South and Mid Down" and leaflet.postcode_district == "BT1"


@both_databases
def test_i_dont_know_stores_the_leaflet_without_a_place(app, client):
    response = send(client, area="unknown", postcode="")
    assert response.status_code == 302
    leaflet = db.session.scalar(select(Leaflet))
    assert leaflet.area_id is None and leaflet.postcode_district is None
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Not known yet" in page


def test_i_dont_know_keeps_the_district_of_a_postcode_given(client):
    assert send(client, area="unknown", postcode="KT14").status_code == 302
    leaflet = db.session.scalar(select(Leaflet))
    assert leaflet.area_id is None and leaflet.postcode_district == "KT14"


def test_a_constituency_from_the_full_list_wins_over_the_radios(client):
    response = send(client, area=gss("Nottingham South"), area_other=gss("Broxtowe"), postcode="NG7 2RD")
    assert response.status_code == 302
    assert db.session.scalar(select(Leaflet)).area.name == "Broxtowe"


def test_find_button_without_javascript_answers_the_postcode_and_keeps_the_photos(client):
    response = send(client, area="", postcode="NG7 2RD", find="place")
    assert response.status_code == 200 and leaflet_count() == 0
    page = response.get_data(as_text=True)
    assert "NG7 2RD is in Nottingham South" in page and "We kept your 1 photo" in page
    assert 'class="error-summary"' not in page
    assert (
        client.post(
            "/upload", data={**upload_fields(area=gss("Nottingham South")), "staged": token_of(page)}
        ).status_code
        == 302
    )


def test_find_with_a_bad_postcode_says_so_beside_it(client):
    response = send(client, area="", postcode="XX", find="place", images=[])
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert 'id="postcode-error"' in page and "is not a UK postcode" in page


def test_the_place_fragment_for_the_script(client):
    full = client.get("/upload/place?postcode=NG7+2RD").get_data(as_text=True)
    assert "<html" not in full and "Yes, Nottingham South" in full and 'name="area_other"' in full
    unknown = client.get("/upload/place?postcode=ZZ99+9ZZ").get_data(as_text=True)
    assert "know the postcode district ZZ99" in unknown and '<select id="area" name="area"' in unknown
    empty = client.get("/upload/place").get_data(as_text=True)
    assert '<select id="area" name="area"' in empty and "I don't know" in empty


def test_kept_photos_are_shown_to_the_holder_of_the_token_only(client):
    page = send(client, party="").get_data(as_text=True)
    thumb = re.search(r'src="(/upload/staged/0\?token=[^"]+)"', page).group(1).replace("&amp;", "&")
    image = client.get(thumb)
    assert image.status_code == 200 and image.mimetype == "image/jpeg" and image.data[:2] == b"\xff\xd8"
    assert "no-store" in image.headers["Cache-Control"]
    image.close()
    assert client.get("/upload/staged/0?token=forged").status_code == 404
    assert client.get(thumb.replace("/staged/0", "/staged/5")).status_code == 404


def test_main_parties_come_first_derived_from_the_2024_results(client):
    page = client.get("/upload").get_data(as_text=True)
    groups = re.findall(r'<optgroup label="([^"]+)">(.*?)</optgroup>', page, re.S)
    labels = [label for label, _ in groups]
    assert labels == ["Main parties", "Main parties in Northern Ireland", "Other parties"]
    main = re.findall(r'value="([^"]+)"', groups[0][1])
    assert main[:4] == ["labour", "conservative", "reform-uk", "libdem"]
    assert {"snp", "green", "plaid-cymru"} <= set(main) and "independent" not in main
    ulster = set(re.findall(r'value="([^"]+)"', groups[1][1]))
    assert ulster == {"dup", "sinn-fein", "alliance", "sdlp", "uup", "tuv"}
    other = re.findall(r">([^<]+)</option>", groups[2][1])
    assert other == sorted(other, key=str.lower) and "Workers Party of Britain" in other


def test_find_with_no_postcode_asks_for_one(client):
    page = send(client, area="", postcode="", find="place", images=[]).get_data(as_text=True)
    assert "Type a postcode to find its constituency." in page
