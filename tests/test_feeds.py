"""Atom feeds: latest, per party, per area; valid XML, escaped, live leaflets only."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from datetime import datetime, timedelta

from leaflets.services.feeds import xml_text
from tests.factories import T0, add_leaflet
from tests.support import both_databases

ATOM = "{http://www.w3.org/2005/Atom}"


def parse(client, url: str) -> ET.Element:
    response = client.get(url)
    assert response.status_code == 200
    assert response.mimetype == "application/atom+xml"
    return ET.fromstring(response.data)


def titles(feed: ET.Element) -> list[str]:
    return [entry.findtext(f"{ATOM}title") for entry in feed.iter(f"{ATOM}entry")]


@both_databases
def test_latest_feed_lists_live_leaflets_newest_first(client):
    older = add_leaflet(title="Potholes & <pavements>", description='Ctrl\x0bchar and "quotes"', images=1)
    add_leaflet(title="Newer one", party="green", uploaded_at=T0 + timedelta(hours=1))
    add_leaflet(title="Hidden one", status="hidden", uploaded_at=T0 + timedelta(hours=2))
    feed = parse(client, "/feeds/latest.atom")
    assert feed.tag == f"{ATOM}feed"
    assert titles(feed) == ["Newer one", "Potholes & <pavements>"]
    assert feed.find(f"{ATOM}link[@rel='self']").get("href") == "http://localhost/feeds/latest.atom"
    updated = feed.findtext(f"{ATOM}updated")
    assert updated.endswith("Z") and datetime.fromisoformat(updated[:-1]) >= datetime(2024, 6, 20, 10)
    entry = [e for e in feed.iter(f"{ATOM}entry") if e.findtext(f"{ATOM}title").startswith("Potholes")][0]
    assert entry.findtext(f"{ATOM}id") == f"http://localhost/leaflets/{older.id}"
    assert entry.find(f"{ATOM}link[@rel='alternate']").get("href") == f"http://localhost/leaflets/{older.id}"
    assert entry.find(f"{ATOM}link[@rel='enclosure']").get("href").endswith("/thumb")
    summary = entry.findtext(f"{ATOM}summary")
    assert "Labour Party leaflet delivered in Aldershot" in summary and 'Ctrlchar and "quotes"' in summary
    assert entry.findtext(f"{ATOM}published") == "2024-06-20T09:00:00Z"


def test_party_and_area_feeds_filter(client):
    add_leaflet(title="Labour in Aldershot", party="labour", area="E14001063")
    add_leaflet(title="Green in Aldershot", party="green", area="E14001063")
    add_leaflet(title="Labour elsewhere", party="labour", area="E14001064")
    labour = titles(parse(client, "/feeds/party/labour.atom"))
    assert sorted(labour) == ["Labour elsewhere", "Labour in Aldershot"]
    aldershot = titles(parse(client, "/feeds/area/E14001063.atom"))
    assert sorted(aldershot) == ["Green in Aldershot", "Labour in Aldershot"]
    assert titles(parse(client, "/feeds/party/reform-uk.atom")) == []
    assert "Labour Party" in parse(client, "/feeds/party/labour.atom").findtext(f"{ATOM}title")


def test_unknown_party_or_area_feed_is_404(client):
    assert client.get("/feeds/party/no-such-party.atom").status_code == 404
    assert client.get("/feeds/area/X00000000.atom").status_code == 404


def test_pages_advertise_their_feeds(client):
    assert 'type="application/atom+xml"' in client.get("/parties/labour").get_data(as_text=True)
    assert "/feeds/area/E14001063.atom" in client.get("/areas/E14001063").get_data(as_text=True)


def test_xml_text_drops_characters_xml_cannot_carry():
    assert xml_text("a\x00b\x0bc\ufffed\te\n") == "abcd\te\n"
    assert xml_text(None) == ""
