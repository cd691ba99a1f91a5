"""Postcodes to constituencies: full-postcode ranges, sectors, districts, Northern Ireland, and the API."""

from __future__ import annotations

import json

import pytest

from leaflets.services import locations, postcode_data
from leaflets.services.errors import ValidationFailed
from leaflets.services.reference_data import REFERENCE_DIR
from tests.support import both_databases


def names(found: locations.PostcodeLookup) -> list[str]:
    return [choice.name for choice in found.choices]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("NG7 2RD", ("NG7", "2", "RD")),
        ("ng72rd", ("NG7", "2", "RD")),
        ("  sw1a   1aa ", ("SW1A", "1", "AA")),
        ("E14 3", ("E14", "3", None)),
        ("NG72", ("NG72", None, None)),
        ("KT14", ("KT14", None, None)),
        ("BT1 5GS", ("BT1", "5", "GS")),
    ],
)
def test_postcodes_are_read_in_any_case_and_spacing(text, expected):
    parsed = locations.parse_postcode(text)
    assert (parsed.outward, parsed.digit, parsed.unit) == expected


@pytest.mark.parametrize("text", ["not a postcode", "SW1A AA", "12345", "NG7 2RDX", "", "N G7"])
def test_malformed_postcodes_get_a_clear_error(text):
    with pytest.raises(ValidationFailed) as caught:
        locations.parse_postcode(text)
    assert caught.value.field == "postcode" and "is not a UK postcode" in caught.value.message


def test_the_range_file_decodes_to_sorted_starts_and_known_constituencies():
    data = json.loads((REFERENCE_DIR / postcode_data.RANGES_FILE).read_text())
    ranges = list(postcode_data.decode_ranges(data))
    starts = [start for start, _code in ranges]
    assert len(ranges) == 54076 and starts == sorted(starts) and len(set(starts)) == len(starts)
    assert {code for _start, code in ranges} - {None} <= set(data["value_values"][1:])


@both_databases
def test_a_full_postcode_gives_its_one_constituency(app):
    found = locations.lookup("NG7 2RD")
    assert found.kind == "postcode" and names(found) == ["Nottingham South"]
    assert found.choices[0].share is None
    assert found.district == "NG7"
    assert found.question == "NG7 2RD is in Nottingham South: is that where it was delivered?"
    assert names(locations.lookup("sw1a1aa")) == ["Cities of London and Westminster"]


@both_databases
def test_a_full_postcode_beats_its_sectors_shares(app):
    """KT14 6 is 99% Woking, but KT14 6AU is in Runnymede and Weybridge; the generalised boundaries put part
    of E14 3 across the Thames, the full-postcode lookup keeps it in Poplar and Limehouse."""
    assert names(locations.lookup("KT14 6")) == ["Woking", "Runnymede and Weybridge"]
    assert names(locations.lookup("KT14 6AU")) == ["Runnymede and Weybridge"]
    sector = locations.lookup("E14 3")
    assert sector.kind == "sector" and len(sector.choices) == 3 and names(sector)[0] == "Poplar and Limehouse"
    assert names(locations.lookup("E14 3BT")) == ["Poplar and Limehouse"]


@both_databases
def test_a_sector_split_between_two_offers_both_with_their_shares(app):
    found = locations.lookup("B31 1")
    assert found.kind == "sector" and str(found.postcode) == "B31 1"
    assert [(c.name, c.share) for c in found.choices] == [
        ("Birmingham Northfield", 0.5045),
        ("Birmingham Edgbaston", 0.4955),
    ]
    assert found.question == "B31 1 covers 2 constituencies: which one was it delivered in?"


@both_databases
def test_a_district_or_an_unknown_sector_offers_the_districts_constituencies(app):
    district = locations.lookup("KT14")
    assert district.kind == "district" and names(district)[:2] == ["Woking", "Runnymede and Weybridge"]
    assert sum(c.share for c in district.choices) == pytest.approx(1, abs=0.01)
    assert locations.lookup("KT14 2").kind == "district"  # no such sector: the district's answer


@both_databases
def test_northern_ireland_offers_its_eighteen_constituencies(app):
    found = locations.lookup("BT1 5GS")
    assert found.kind == "northern-ireland" and len(found.choices) == 18 and found.district == "BT1"
    assert "Belfast South and Mid Down" in names(found) and all(c.share is None for c in found.choices)
    assert "Northern Ireland" in found.question


@both_databases
def test_an_unknown_district_is_not_found_even_inside_a_range(app):
    with pytest.raises(locations.UnknownPostcode):
        locations.lookup("ZZ99 9ZZ")  # the last range runs on past the alphabet: the district decides


@both_databases
@pytest.mark.parametrize(
    ("postcode", "kind", "first"),
    [
        ("NG7 2RD", "postcode", "Nottingham South"),
        ("SW1A 1AA", "postcode", "Cities of London and Westminster"),
        ("B31 1", "sector", "Birmingham Northfield"),
        ("NG7", "district", "Nottingham East"),
        ("BT1 5GS", "northern-ireland", "Belfast East"),
    ],
)
def test_api_answers_full_partial_and_northern_ireland_postcodes(app, client, postcode, kind, first):
    response = client.get(f"/api/v1/postcodes/{postcode}")
    assert response.status_code == 200, response.get_json()
    body = response.get_json()
    assert body["kind"] == kind and body["areas"][0]["name"] == first
    assert body["district"] == postcode.split()[0] and body["question"]
    assert set(body["areas"][0]) == {"gss", "name", "share"}
    if kind == "postcode":
        assert len(body["areas"]) == 1 and body["areas"][0]["share"] is None and body["postcode"] == postcode


@both_databases
def test_api_refuses_malformed_and_unknown_postcodes(app, client):
    malformed = client.get("/api/v1/postcodes/not-a-postcode")
    assert malformed.status_code == 422
    assert malformed.get_json()["error"] == {
        "code": "postcode_malformed",
        "field": "postcode",
        "message": malformed.get_json()["error"]["message"],
    }
    assert "is not a UK postcode" in malformed.get_json()["error"]["message"]
    unknown = client.get("/api/v1/postcodes/ZZ99%209ZZ")
    assert unknown.status_code == 404 and unknown.get_json()["error"]["code"] == "postcode_not_found"


def test_openapi_describes_the_postcode_answers(client):
    spec = client.get("/api/v1/openapi.json").get_json()
    operation = spec["paths"]["/postcodes/{postcode}"]["get"]
    assert {"200", "404", "422"} <= set(operation["responses"])
    schema = operation["responses"]["200"]["content"]["application/json"]["schema"]
    assert schema["properties"]["kind"]["enum"] == ["postcode", "sector", "district", "northern-ireland"]
