"""About, privacy and licence: reachable from every page's footer and from the upload page, and truthful."""

from __future__ import annotations

import re

import pytest


@pytest.mark.parametrize(
    ("path", "words"),
    [
        ("/about", ["open archive of election campaign leaflets", "How it works"]),
        (
            "/privacy",
            [
                "first part of the postcode only",
                "no metadata at all",
                "six hours",
                "Shows personal information",
            ],
        ),
        ("/licence", ["CC BY-SA 4.0", "Open Government Licence", "mySociety", "CC BY 4.0", "Democracy Club"]),
    ],
)
def test_each_page_says_what_it_is_for(client, path, words):
    response = client.get(path)
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    for word in words:
        assert word in page, word


@pytest.mark.parametrize("path", ["/", "/upload", "/search", "/about"])
def test_the_footer_links_the_pages_and_credits_mysociety(client, path):
    page = client.get(path).get_data(as_text=True)
    footer = re.search(r'<footer class="site-footer">(.*?)</footer>', page, re.S)
    links = set(re.findall(r'href="([^"]+)"', footer.group(1)))
    assert {"/about", "/privacy", "/licence"} <= links
    assert "Postcode to constituency lookup: mySociety (CC BY 4.0)" in footer.group(1)


def test_the_upload_page_guides_before_the_photos_and_links_the_pages(client):
    page = client.get("/upload").get_data(as_text=True)
    guidance = page.index('id="guidance-title"')
    assert guidance < page.index('id="images"')
    for words in (
        "Cover your name and address",
        "Photograph the imprint",
        "Promoted by",
        "What we publish and what we strip",
        "EXIF, GPS",
    ):
        assert page.index(words) > guidance and page.index(words) < page.index('id="images"'), words
    main = page[page.index("<main") : page.index("</main>")]
    assert {"/privacy", "/licence", "/about"} <= set(re.findall(r'href="([^"]+)"', main))


def test_privacy_names_the_contact_address_only_when_configured(make_app):
    app = make_app(CONTACT_EMAIL="privacy@straight-choice.example")
    with app.app_context():
        page = app.test_client().get("/privacy").get_data(as_text=True)
        assert 'href="mailto:privacy@straight-choice.example"' in page
    other = make_app()
    with other.app_context():
        assert "mailto:" not in other.test_client().get("/privacy").get_data(as_text=True)


def test_contact_email_comes_from_the_environment(monkeypatch, tmp_path):
    from leaflets import config

    built = config.build(tmp_path, None, {"CONTACT_EMAIL": "help@example.org"})
    assert built["CONTACT_EMAIL"] == "help@example.org"
