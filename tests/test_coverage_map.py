"""The coverage hex map: 650 hexes linking to their areas, a colour scale with a legend, a table alternative,
filters by party and election, and the view against the 2024 results."""

from __future__ import annotations

import math
import re

import pytest
from sqlalchemy import select

from leaflets.extensions import db
from leaflets.models import Area, AreaResult, Party
from leaflets.services import browse, coverage, hexmap
from tests.compare_support import ALDERSHOT, BANBURY, BARKING, add
from tests.support import both_databases


def test_the_layout_places_650_hexes_without_overlap_and_neighbours_side_by_side(app):
    layout = hexmap.layout()
    assert len(layout.cells) == 650
    centres = {(cell.x, cell.y) for cell in layout.cells}
    assert len(centres) == 650
    by_gss = {cell.gss: cell for cell in layout.cells}
    aldershot = db.session.scalar(select(Area).where(Area.gss == ALDERSHOT))
    for other in browse.neighbours(aldershot):  # the hex neighbours of browse are the ones drawn touching
        a, b = by_gss[ALDERSHOT], by_gss[other.gss]
        assert math.dist((a.x, a.y), (b.x, b.y)) == pytest.approx(hexmap.WIDTH, abs=0.2)
    north = max(layout.cells, key=lambda cell: -cell.y)
    assert north.region == "Scotland"  # r grows upwards: the top of the map is the north
    assert all(0 < cell.x < layout.width and 0 < cell.y < layout.height for cell in layout.cells)


@pytest.mark.parametrize(
    "largest, labels",
    [
        (0, []),
        (1, ["1"]),
        (4, ["1", "2", "3+"]),
        (12, ["1", "2", "3–4", "5–9", "10+"]),
        (250, ["1–2", "3–9", "10–19", "20–49", "50–199", "200+"]),
        (200, ["1–2", "3–9", "10–19", "20–49", "50–199", "200"]),
    ],
)
def test_the_scale_has_nice_classes_from_light_to_dark(largest, labels):
    bands = hexmap.scale(largest)
    assert [band.label for band in bands] == labels
    assert len({band.colour for band in bands}) == len(bands) <= len(hexmap.VIRIDIS)
    if bands:
        assert bands[-1].colour == hexmap.VIRIDIS[-1]  # the most is the darkest, even with one class
        assert hexmap.colour(0, bands) == hexmap.EMPTY and hexmap.colour(largest, bands) == bands[-1].colour


def svg_of(page: str) -> str:
    return page[
        page.index('<svg class="hexmap-svg"') : page.index("</svg>", page.index('<svg class="hexmap-svg"'))
    ]


@both_databases
def test_the_map_page_has_650_titled_hex_links_a_legend_and_a_table(app, client):
    add("one")
    add("two")
    add("three", area=BANBURY, party="conservative")
    add("hidden", area=BARKING, status="hidden")
    page = client.get("/map").get_data(as_text=True)
    svg = svg_of(page)
    hexes = re.findall(r'<a href="/areas/([A-Z0-9]+)" class="hex[^"]*"><title>([^<]+)</title>', svg)
    assert len(hexes) == 650 and len({gss for gss, _title in hexes}) == 650
    titles = dict(hexes)
    assert titles[ALDERSHOT] == "Aldershot: 2 leaflets" and titles[BANBURY] == "Banbury: 1 leaflet"
    assert titles[BARKING] == "Barking: 0 leaflets"
    assert 'aria-label="Key"' in page and "Skip the map" in page
    table = page[page.index('<details class="hexmap-table"') :]
    assert table.count('<th scope="row">') == 650
    row = '<a href="/areas/E14001063">Aldershot</a></th><td class="wide-only">South East</td><td>2</td>'
    assert row in table


@both_databases
def test_the_map_filters_by_party_and_election(app, client):
    add("one")
    add("two", election="local-2026")
    add("three", party="conservative")

    def titles(query: str) -> dict[str, str]:
        return dict(
            re.findall(
                r'<a href="/areas/([A-Z0-9]+)" class="hex[^"]*"><title>([^<]+)</title>',
                svg_of(client.get(f"/map?{query}").get_data(as_text=True)),
            )
        )

    assert titles("")[ALDERSHOT] == "Aldershot: 3 leaflets"
    assert titles("party=labour")[ALDERSHOT] == "Aldershot: 2 Lab leaflets"
    assert titles("party=labour&election=ge-2024")[ALDERSHOT] == "Aldershot: 1 Lab leaflet"
    response = client.get("/map?party=nope")
    assert response.status_code == 422 and "There is no party called &#39;nope&#39;." in response.get_data(
        as_text=True
    )
    assert client.get("/map?view=sideways").status_code == 422


@both_databases
def test_the_results_view_marks_where_the_party_won_and_came_second(app, client):
    labour = db.session.scalar(select(Party).where(Party.slug == "labour"))
    results = coverage.results_2024()
    won = [area_id for area_id, result in results.items() if result.winner is labour]
    second = [area_id for area_id, result in results.items() if result.second is labour]
    assert len(results) == 650 and len(won) > 300 and len(second) > 50
    winner = select(AreaResult.winner_name).join(Area).where(Area.gss == ALDERSHOT)
    assert db.session.scalar(winner) == "Alex Baker"
    add("one")  # Aldershot: Labour won in 2024
    add("two", area=BANBURY)
    add("three", area=BANBURY)
    view = coverage.results_view(coverage.Filters(labour, None, "results"))
    assert sum(1 for h in view.map.hexes if h.marker == "won") == len(won)
    assert sum(1 for h in view.map.hexes if h.marker == "second") == len(second)
    grounds = {ground.label: ground for ground in view.battlegrounds}
    assert grounds["Seats it won"].leaflets == 3 and grounds["Seats it won"].seats == len(won)
    assert view.hardest[0][0].name == "Banbury" and view.hardest[0][1] == 2
    [campaign] = view.parties
    assert (campaign.party, campaign.leaflets, campaign.won, campaign.second) == (labour, 3, 3, 0)
    page = client.get("/map?view=results&party=labour").get_data(as_text=True)
    assert "Aldershot: 1 Lab leaflet; 2024: Lab won, Con second" in page
    assert page.count('class="marker"') >= len(won) + len(second)
    assert "Lab won the seat in 2024" in page and "<td>came second</td>" in page  # the legend, the table


def test_the_places_page_shows_the_map(app, client):
    add("one")
    page = client.get("/areas").get_data(as_text=True)
    assert len(re.findall(r'<a href="/areas/[A-Z0-9]+" class="hex', page)) == 650
    assert "Aldershot: 1 leaflet" in page and 'href="#regions"' in page and 'id="regions"' in page
