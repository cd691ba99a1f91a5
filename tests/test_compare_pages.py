"""The compare pages through the test client: every finding links to the leaflets behind it and to the
photo."""

from __future__ import annotations

import html
import io
import re

from PIL import Image
from sqlalchemy import select

from leaflets.extensions import db
from leaflets.models import CompareNumber, CompareText
from leaflets.services.uploads import submit_leaflet
from tests.compare_support import ALDERSHOT, BANBURY, add, add_template_in_four_places, local_text, ocr_words
from tests.support import leaflet_image

COMPARE = f"/compare?party=labour&area={ALDERSHOT}"


def links(page: str) -> list[str]:
    return [html.unescape(href) for href in re.findall(r'href="([^"]+)"', page)]


def test_compare_is_in_the_nav_and_linked_from_party_and_area_pages(app, client):
    add_template_in_four_places()
    home = client.get("/").get_data(as_text=True)
    assert '<a href="/compare">Compare</a>' in home
    assert "/compare?party=labour" in links(client.get("/parties/labour").get_data(as_text=True))
    assert f"/compare?area={ALDERSHOT}" in links(client.get(f"/areas/{ALDERSHOT}").get_data(as_text=True))


def test_the_landing_page_lists_the_widest_templates(app, client):
    add_template_in_four_places()
    client.get(COMPARE)  # analyses the leaflets
    page = client.get("/compare").get_data(as_text=True)
    template_id = db.session.scalar(select(CompareText.template_id).limit(1))
    assert f"/compare/templates/{template_id}?party=labour" in links(page)
    assert "delivered in 4 constituencies (4 leaflets)" in " ".join(page.split())


def test_the_comparison_links_every_finding(app, client):
    here, *_ = add_template_in_four_places()
    response = client.get(COMPARE)
    page = response.get_data(as_text=True)
    text = " ".join(re.sub(r"<[^>]+>", " ", page).split())
    assert response.status_code == 200
    assert "Labour Party's national template, also delivered in 3 constituencies" in text
    assert (
        "Alex Baker → became Sean Woodcock" in text
        or "Alex Baker → became Jas Athwal" in text
        or "Alex Baker → became Sojan Joseph" in text
    )
    hrefs = links(page)
    template_id = db.session.scalar(select(CompareText.template_id).where(CompareText.leaflet_id == here.id))
    assert any(h.startswith(f"/compare/templates/{template_id}?") and f"base={here.id}" in h for h in hrefs)
    assert any(h.startswith("/compare/numbers?") and "key=" in h for h in hrefs)
    assert any(
        re.fullmatch(r"/search\?q=%22[a-z+]+%22&party=labour", h) for h in hrefs
    )  # used more elsewhere
    assert page.count('<a href="/areas/') >= 650  # the template's map, a link per hex
    assert '<mark class="figure">£31m</mark>' in page
    assert re.search(
        r"<strong>£18m</strong> in <a href=\"/leaflets/\d+\?highlight=%C2%A318m\">Banbury</a>", page
    )


def test_terms_link_to_the_photo_where_they_are_printed(app, client):
    text = "The Gurkha community centre will stay open.\nGurkha veterans deserve better."
    leaflet = add(text, words=ocr_words(text))
    add("Secure borders and economic growth for working people.", area=BANBURY)
    page = client.get(COMPARE).get_data(as_text=True)
    image_id = leaflet.images[0].id
    assert f"/leaflets/{leaflet.id}?highlight=gurkha#ocr-{image_id}" in links(page)
    assert f"/search?q=%22gurkha%22&party=labour&area={ALDERSHOT}" in links(page)


def test_the_template_page_shows_every_copy_with_its_swaps_and_a_map(app, client):
    here, banbury, *_ = add_template_in_four_places()
    client.get(COMPARE)
    template_id = db.session.scalar(select(CompareText.template_id).where(CompareText.leaflet_id == here.id))
    page = client.get(f"/compare/templates/{template_id}?party=labour&area={ALDERSHOT}&base={here.id}")
    text = " ".join(re.sub(r"<[^>]+>", " ", page.get_data(as_text=True)).split())
    assert page.status_code == 200
    assert "delivered in 4 constituencies" in text and "the base copy" in text
    assert "Alex Baker → became Sean Woodcock" in text and "£31m → became £18m" in text
    assert "Figures that change between copies" in text and "3 different figures in 4 places" in text
    assert client.get(f"/compare/templates/{template_id}?party=conservative").status_code == 404
    assert client.get(f"/compare/templates/{template_id}?party=nope").status_code == 404


def test_the_numbers_page_lists_places_and_figures(app, client):
    add_template_in_four_places()
    page = client.get(COMPARE).get_data(as_text=True)
    key = db.session.scalar(select(CompareNumber.key).where(CompareNumber.figure == "£12m"))
    assert f"/compare/numbers?party=labour&key={key}&area={ALDERSHOT}" in links(page)
    numbers = client.get(f"/compare/numbers?party=labour&key={key}").get_data(as_text=True)
    rows = re.findall(
        r'<th scope="row"><a href="/areas/[^"]+">([^<]+)</a>.*?highlight=[^"]+">([^<]+)</a>', numbers, re.S
    )
    assert rows == [("Barking", "£12m"), ("Banbury", "£18m"), ("Aldershot", "£31m"), ("Ashford", "£31m")]
    assert client.get("/compare/numbers?party=labour&key=0000000000000000").status_code == 404
    assert client.get("/compare/numbers?party=labour").status_code == 422


def test_the_leaflets_behind_a_finding(app, client):
    here, *_ = add_template_in_four_places()
    client.get(COMPARE)
    template_id = db.session.scalar(select(CompareText.template_id).where(CompareText.leaflet_id == here.id))
    page = client.get(
        f"/compare/leaflets?party=labour&template={template_id}&where=elsewhere&area={ALDERSHOT}"
    )
    assert page.status_code == 200 and page.get_data(as_text=True).count('class="leaflet-card"') == 3
    topics = db.session.scalar(select(CompareText.topics).where(CompareText.leaflet_id == here.id))
    slug = topics.split(",")[1]
    topic = client.get(f"/compare/leaflets?party=labour&topic={slug}&where=here&area={ALDERSHOT}")
    assert topic.get_data(as_text=True).count('class="leaflet-card"') == 1
    assert client.get("/compare/leaflets?party=labour&where=here").status_code == 422
    assert client.get("/compare/leaflets?party=labour&where=moon").status_code == 422


def test_a_party_alone_and_a_seat_alone(app, client):
    add_template_in_four_places()
    party = client.get("/compare?party=labour").get_data(as_text=True)
    assert f"/compare?party=labour&area={ALDERSHOT}" in links(party)
    seat = client.get(f"/compare?area={ALDERSHOT}").get_data(as_text=True)
    assert "the parties side by side" in seat and "Labour Party in Aldershot: the full comparison" in seat


def test_untrusted_text_is_escaped(app, client):
    script = "<script>alert('ocr')</script>"
    for gss in (ALDERSHOT, BANBURY):
        add(
            local_text("Alex Baker", "Aldershot", "£31m", "47") + f" {script}",
            area=gss,
            title="<img src=x onerror=alert('title')>",
            claims=(("<img src=x onerror=alert('claim')> we built it", "accepted"),),
        )
    page = client.get(COMPARE).get_data(as_text=True)
    assert "<script>alert" not in page and "<img src=x" not in page
    assert "&lt;img src=x onerror=alert(&#39;title&#39;)&gt;" in page


def test_a_crop_of_the_photo_around_a_box(app, client):
    from datetime import date

    from leaflets.services.uploads import IncomingImage, LeafletSubmission

    leaflet = submit_leaflet(
        LeafletSubmission(
            party="labour",
            election="ge-2024",
            delivered_on=date(2024, 6, 20),
            area=ALDERSHOT,
            title="Roads",
            description="",
            images=[IncomingImage(data=leaflet_image(["Fix our potholes"]), filename="a.jpg", role="front")],
        )
    )
    image = leaflet.images[0]
    response = client.get(f"/crops/{image.id}?box=100,170,400,70")
    assert response.status_code == 200 and response.mimetype == "image/jpeg"
    assert response.headers["Cache-Control"] == "public, max-age=86400"
    crop = Image.open(io.BytesIO(response.data))
    assert 0 < crop.width <= 640 and crop.height < crop.width
    assert client.get(f"/crops/{image.id}?box=0,0,99999,10").status_code == 422
    assert client.get(f"/crops/{image.id}?box=a,b").status_code == 422
    assert client.get(f"/crops/{image.id + 99}?box=1,1,1,1").status_code == 404
    assert client.get(f"/crops/{2**40}?box=1,1,1,1").status_code == 404
    leaflet.status = "hidden"
    db.session.commit()
    assert client.get(f"/crops/{image.id}?box=100,170,400,70").status_code == 404
