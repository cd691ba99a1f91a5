"""The /search sidebar's facet links: `toggling` encodes the pairs around a facet once for all its values
(scale), and every link must still be exactly the search with that one value added or removed."""

from __future__ import annotations

from datetime import date
from urllib.parse import parse_qsl, urlencode

import pytest

from leaflets.services.search_service import toggled, toggling
from search import FACET_NAMES, SearchQuery

QUERIES = [
    SearchQuery(text="bins"),
    SearchQuery(
        text='"council tax" & more',
        party=["labour", "green"],
        area=["E14000530"],
        tag=["nhs"],
        verdict=["false"],
        date_from=date(2024, 1, 1),
        date_to=date(2024, 12, 31),
        sort="newest",
        page=3,
        per_page=50,
    ),
    SearchQuery(region=["Wales"], bias=["attacks-opponents"]),
]
VALUES = ["labour", "green", "E14000530", "nhs", "Wales", "false", "attacks-opponents", "a&b=c d", "Ynys Môn"]


@pytest.mark.parametrize("query", QUERIES)
@pytest.mark.parametrize("name", [name for name in FACET_NAMES if name != "year"])
def test_each_link_is_the_search_with_that_value_toggled(query, name):
    link_to = toggling(query, name)
    for value in VALUES:
        assert link_to(value) == urlencode(toggled(query, name, value)), (name, value)


def test_a_link_adds_a_value_after_the_chosen_ones_and_removes_a_chosen_one_on_page_one():
    link_to = toggling(QUERIES[1], "party")
    added = parse_qsl(link_to("reform-uk"))
    assert [v for k, v in added if k == "party"] == ["labour", "green", "reform-uk"]
    assert "page" not in dict(added) and dict(added)["q"] == '"council tax" & more'
    assert [v for k, v in parse_qsl(link_to("labour")) if k == "party"] == ["green"]


def test_years_toggle_the_date_range():
    link_to = toggling(QUERIES[0], "year")
    assert dict(parse_qsl(link_to("2024"))) == {"q": "bins", "from": "2024-01-01", "to": "2024-12-31"}
    assert dict(parse_qsl(toggling(QUERIES[1], "year")("2024"))).keys() == {
        "q",
        "party",
        "area",
        "tag",
        "verdict",
        "sort",
        "per_page",
    }
