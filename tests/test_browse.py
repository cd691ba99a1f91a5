"""Browsing pages: latest, one leaflet, parties, areas (notspots, neighbours), elections, stats.

`add_leaflet` inserts leaflets straight through the models (with stored images), so these tests do not
depend on the upload pipeline; test_api_read and test_feeds import it too.
"""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import inspect, select

from leaflets.extensions import db
from leaflets.models import Area
from leaflets.services import browse
from tests.factories import T0, add_leaflet, add_many
from tests.support import both_databases, log_in_as


@both_databases
def test_home_shows_latest_leaflets_totals_and_search(client):
    add_leaflet("labour", title="Fix our potholes", images=2)
    add_leaflet(
        "conservative", area="S14000021", title="Scottish leaflet", uploaded_at=T0 + timedelta(hours=1)
    )
    add_leaflet("green", title="Hidden one", status="hidden", uploaded_at=T0 + timedelta(hours=2))
    page = client.get("/").get_data(as_text=True)
    assert "Fix our potholes" in page and "Scottish leaflet" in page
    assert "Hidden one" not in page
    assert page.index("Scottish leaflet") < page.index("Fix our potholes")  # newest first
    assert 'action="/search"' in page and 'name="q"' in page and '<label for="home-q"' in page
    assert "<strong>2</strong> leaflets" in page and "<strong>3</strong> photos" in page
    assert 'href="/upload"' in page


def test_home_paginates(app, client):
    app.config["PAGE_SIZE"] = 4
    add_many(9, title="Numbered")
    assert client.get("/").get_data(as_text=True).count('class="leaflet-card"') == 4
    last = client.get("/?page=3").get_data(as_text=True)
    assert last.count('class="leaflet-card"') == 1 and "Page 3 of 3" in last and 'rel="prev"' in last
    assert client.get("/?page=nonsense").status_code == 200
    assert client.get("/?page=4").status_code == 404


def test_leaflet_page_shows_images_metadata_and_copies(client):
    original = add_leaflet(
        "libdem", title="Only the Lib Dems can win here", description="Line one\nLine <two>", images=2
    )
    copy = add_leaflet("libdem", area="E14001064", duplicate_of=original, uploaded_at=T0 + timedelta(days=1))
    merged = add_leaflet("libdem", area="E14001065", duplicate_of=original, status="removed")
    add_leaflet("libdem", area="E14001066", duplicate_of=original, status="hidden")
    page = client.get(f"/leaflets/{original.id}").get_data(as_text=True)
    for expected in (
        "Only the Lib Dems can win here",
        "/parties/libdem",
        "/areas/E14001063",
        "/elections/ge-2024",
        "GU11",
        "Line &lt;two&gt;",
        "Also delivered to",
        "Aldridge-Brownhills",
        f"/images/{original.images[0].sha256}/display",
        f"/images/{original.images[1].sha256}/master",
    ):
        assert expected in page
    assert "Line <two>" not in page
    assert "Altrincham and Sale West" in page  # merged by a moderator: its place and date, without a link
    assert f'href="/leaflets/{merged.id}"' not in page
    assert "Amber Valley" not in page  # hidden copies stay out
    copy_page = client.get(f"/leaflets/{copy.id}").get_data(as_text=True)
    assert f'href="/leaflets/{original.id}"' in copy_page and "first reported in Aldershot" in copy_page


@both_databases
def test_hidden_leaflets_are_404_for_the_public_and_bannered_for_moderators(app, client):
    hidden = add_leaflet(title="Secret", status="hidden")
    hidden.status_reason = "Shows a home address"
    db.session.commit()
    assert client.get(f"/leaflets/{hidden.id}").status_code == 404
    assert client.get("/leaflets/999999").status_code == 404
    log_in_as(app, client, "moderator")
    page = client.get(f"/leaflets/{hidden.id}")
    assert page.status_code == 200
    assert "This leaflet is hidden" in page.get_data(as_text=True)
    assert "Shows a home address" in page.get_data(as_text=True)


@both_databases
def test_party_pages(client):
    add_leaflet("labour", title="Labour one")
    add_leaflet("labour", title="Labour two")
    add_leaflet("green", title="Green one")
    add_leaflet("conservative", title="Hidden Tory", status="hidden")
    index = client.get("/parties").get_data(as_text=True)
    assert "/parties/labour" in index and "/parties/green" in index and "/parties/conservative" not in index
    assert index.index("/parties/labour") < index.index("/parties/green")
    labour = client.get("/parties/labour").get_data(as_text=True)
    assert "Labour one" in labour and "Labour two" in labour and "Green one" not in labour
    assert "2 leaflets" in labour
    assert client.get("/parties/no-such-party").status_code == 404


@both_databases
def test_areas_index_groups_counts_and_notspots(client):
    add_many(2, area="E14001063", title="In Aldershot")
    page = client.get("/areas").get_data(as_text=True)
    for heading in (
        "England",
        "Scotland",
        "Wales",
        "Northern Ireland",
        "South East",
        "Where we need leaflets",
    ):
        assert heading in page
    assert page.count('href="/areas/') >= 650
    notspots = page[page.index("Where we need leaflets") : page.index("</section>")]
    assert "Aldershot" not in notspots and "0 leaflets" in notspots


def test_area_page_shows_its_leaflets_and_neighbours(client):
    aldershot = db.session.scalar(select(Area).where(Area.gss == "E14001063"))
    nearby = browse.neighbours(aldershot)
    assert 1 <= len(nearby) <= 6
    assert all(abs(other.hex_r - aldershot.hex_r) <= 1 for other in nearby)
    add_leaflet(area="E14001063", title="Local one")
    add_leaflet(area=nearby[0].gss, title="Next door one")
    page = client.get("/areas/E14001063").get_data(as_text=True)
    assert "Local one" in page and "Next door one" in page and nearby[0].name in page
    assert client.get("/areas/e14001063").status_code == 200
    assert client.get("/areas/X99999999").status_code == 404


@both_databases
def test_latest_nearby_is_the_newest_eight_live_of_the_neighbours_together(app):
    aldershot = db.session.scalar(select(Area).where(Area.gss == "E14001063"))
    nearby = browse.neighbours(aldershot)
    assert len(nearby) == 6
    made = {}
    for n in range(12):  # two neighbours' leaflets interleaved in time, the newest hidden
        area = nearby[n % 2]
        made[n] = add_leaflet(area=area.gss, images=0, uploaded_at=T0 + timedelta(hours=n), title=f"N{n}")
    made[11].status = "hidden"
    add_leaflet(area=nearby[5].gss, images=0, uploaded_at=T0 - timedelta(days=1), title="old")
    add_leaflet(area="E14001063", images=0, uploaded_at=T0 + timedelta(days=1), title="not a neighbour")
    db.session.commit()

    newest = browse.latest_nearby(nearby)
    assert [leaflet.title for leaflet in newest] == [f"N{n}" for n in range(10, 2, -1)]
    assert [leaflet.title for leaflet in browse.latest_nearby(nearby[2:5])] == []  # fewer than six areas
    assert [leaflet.title for leaflet in browse.latest_nearby(nearby[5:])] == ["old"]
    assert browse.latest_nearby([]) == []


def test_hex_neighbours_follow_odd_r_layout():
    assert set(browse.neighbour_cells(4, 2)) == {(5, 2), (3, 2), (3, 1), (4, 1), (3, 3), (4, 3)}
    assert set(browse.neighbour_cells(4, 3)) == {(5, 3), (3, 3), (4, 2), (5, 2), (4, 4), (5, 4)}
    # -1 is an odd row too
    assert set(browse.neighbour_cells(4, -1)) == {(5, -1), (3, -1), (4, -2), (5, -2), (4, 0), (5, 0)}


@both_databases
def test_election_page_and_stats(client):
    add_leaflet(election="ge-2024", title="General one", images=2)
    add_leaflet(election="local-2026", title="Local one", party="green", area="W07000081")
    add_leaflet(election="local-2026", title="Hidden", status="hidden")
    ge = client.get("/elections/ge-2024").get_data(as_text=True)
    assert "General one" in ge and "Local one" not in ge
    assert client.get("/elections/no-such").status_code == 404
    stats = client.get("/stats").get_data(as_text=True)
    for expected in ("Leaflets per party", "South East", "Wales", "Local elections 2026", "Pending"):
        assert expected in stats
    summary = browse.stats()
    assert summary.totals.leaflets == 2 and summary.ocr_status == {"pending": 3}


def test_pages_render_on_an_empty_archive(client):
    for url in (
        "/",
        "/parties",
        "/areas",
        "/stats",
        "/parties/labour",
        "/areas/E14001063",
        "/elections/ge-2024",
    ):
        assert client.get(url).status_code == 200, url


@both_databases
def test_cards_leave_the_word_boxes_unread_but_a_page_that_asks_still_gets_them(app):
    """The home and area pages' cards show a thumbnail: decoding every photo's word boxes (JSON) for them
    was 6-20% of the home page's time in an upload burst. Anything that does ask gets them all the same."""
    leaflet = add_leaflet("labour", title="Word boxes", images=1)
    words = [{"text": "VOTE", "left": 1, "top": 2, "width": 3, "height": 4, "conf": 90.0}]
    leaflet.images[0].ocr_words = words
    db.session.commit()
    db.session.expunge_all()
    card = browse.leaflet_page(1, 10).items[0]
    assert "ocr_words" in inspect(card.images[0]).unloaded
    assert card.images[0].ocr_words == words
