"""ClaimReview JSON-LD on the claim page: published once the claim is rated with a consensus, valid against
the properties Google's fact-check markup documentation requires and recommends, and safe inside <script>."""

from __future__ import annotations

import json
import re
from html.parser import HTMLParser

import jsonschema
import pytest

from leaflets.extensions import db
from leaflets.models import Claim
from leaflets.services import moderation, review
from tests.factories import SOURCE, add_leaflet, raters
from tests.support import both_databases

URL = {"type": "string", "pattern": "^https?://"}
DATE = {"type": "string", "pattern": r"^\d{4}-\d{2}-\d{2}"}
ORGANIZATION = {
    "type": "object",
    "required": ["@type", "name"],
    "properties": {
        "@type": {"const": "Organization"},
        "name": {"type": "string", "minLength": 1},
        "url": URL,
    },
}
CREATIVE_WORK_OR_URL = {
    "oneOf": [
        URL,
        {
            "type": "object",
            "required": ["@type", "url"],
            "properties": {"@type": {"const": "CreativeWork"}, "url": URL},
        },
    ]
}
# From Google's "Fact check (ClaimReview) structured data" type definitions: required and recommended
# properties of ClaimReview, its Claim (itemReviewed) and its Rating (reviewRating), with their types.
CLAIM_REVIEW_SCHEMA = {
    "type": "object",
    "required": [
        "@context",
        "@type",
        "claimReviewed",
        "reviewRating",
        "url",  # required
        "author",
        "datePublished",
        "itemReviewed",
    ],  # recommended
    "properties": {
        "@context": {"const": "https://schema.org"},
        "@type": {"const": "ClaimReview"},
        "claimReviewed": {"type": "string", "minLength": 1},
        "url": URL,
        "author": ORGANIZATION,
        "datePublished": DATE,
        "reviewRating": {
            "type": "object",
            "required": ["@type", "alternateName"],
            "properties": {
                "@type": {"const": "Rating"},
                "alternateName": {"type": "string", "minLength": 1},
                "name": {"type": "string"},
                "ratingValue": {"type": "number"},
                "bestRating": {"type": "number"},
                "worstRating": {"type": "number"},
            },
            "dependentRequired": {"ratingValue": ["bestRating", "worstRating"]},
        },
        "itemReviewed": {
            "type": "object",
            "required": ["@type", "author", "datePublished", "appearance", "firstAppearance"],
            "properties": {
                "@type": {"const": "Claim"},
                "author": ORGANIZATION,
                "datePublished": DATE,
                "appearance": CREATIVE_WORK_OR_URL,
                "firstAppearance": CREATIVE_WORK_OR_URL,
            },
        },
    },
}


class ScriptBlocks(HTMLParser):
    """The text of every <script type="application/ld+json"> as a browser's parser splits it."""

    def __init__(self) -> None:
        super().__init__()
        self.blocks: list[str] = []
        self._open = False

    def handle_starttag(self, tag: str, attrs: list) -> None:
        self._open = tag == "script" and ("type", "application/ld+json") in attrs
        if self._open:
            self.blocks.append("")

    def handle_data(self, data: str) -> None:
        if self._open:
            self.blocks[-1] += data

    def handle_endtag(self, tag: str) -> None:
        self._open = False


def json_ld(client, claim_id: int) -> list[dict]:
    response = client.get(f"/claims/{claim_id}")
    assert response.status_code == 200
    parser = ScriptBlocks()
    parser.feed(response.get_data(as_text=True))
    return [json.loads(block) for block in parser.blocks]


def rated_claim(text: str, *verdicts: str, party: str | None = "labour") -> int:
    users = raters(len(verdicts))
    leaflet = add_leaflet(party, title="Our plan")
    claim = review.add_claim(leaflet, users[0], text)
    for user, verdict in zip(users, verdicts):
        review.rate_claim(claim, user, verdict, SOURCE, "Because.")
    return claim.id


@both_databases
def test_a_rated_claim_publishes_a_valid_claim_review(client):
    claim_id = rated_claim("Crime fell by 20% here", "misleading", "misleading", "false")
    [document] = json_ld(client, claim_id)
    jsonschema.validate(document, CLAIM_REVIEW_SCHEMA, format_checker=jsonschema.FormatChecker())
    assert document["claimReviewed"] == "Crime fell by 20% here"
    assert document["url"] == f"http://localhost/claims/{claim_id}"
    assert document["author"] == {
        "@type": "Organization",
        "name": "Straight Choice",
        "url": "http://localhost/",
    }
    assert document["reviewRating"] == {
        "@type": "Rating",
        "alternateName": "Misleading",
        "name": "Misleading",
        "ratingValue": 2,
        "worstRating": 1,
        "bestRating": 3,
    }
    item = document["itemReviewed"]
    assert item["author"] == {"@type": "Organization", "name": "Labour Party"}
    assert item["datePublished"] == "2024-06-18"  # the delivery date
    assert item["appearance"]["url"].startswith("http://localhost/leaflets/") and item["firstAppearance"]
    assert item["spatialCoverage"] == {
        "@type": "Place",
        "name": "Aldershot, England",
        "identifier": "E14001063",
    }
    assert re.fullmatch(r"\d{4}-\d{2}-\d{2}", document["datePublished"])


def test_no_claim_review_before_the_threshold_or_without_consensus(client):
    assert json_ld(client, rated_claim("Two ratings only", "accurate", "accurate")) == []
    assert json_ld(client, rated_claim("Split three ways", "accurate", "false", "misleading")) == []
    unverifiable = json_ld(client, rated_claim("We will win", "unverifiable", "unverifiable", "unverifiable"))
    assert unverifiable[0]["reviewRating"] == {
        "@type": "Rating",
        "alternateName": "Unverifiable",
        "name": "Unverifiable",
    }  # off the numeric truth scale
    jsonschema.validate(unverifiable[0], CLAIM_REVIEW_SCHEMA)


def test_hidden_leaflets_publish_nothing(app, client):
    claim_id = rated_claim("True enough", "accurate", "accurate", "accurate")
    [moderator] = raters(1)
    claim = db.session.get(Claim, claim_id)
    moderation.set_status(claim.leaflet_id, moderator, "hide", "test")
    assert client.get(f"/claims/{claim_id}").status_code == 404  # the public do not see it at all


@pytest.mark.parametrize(
    "text", ["</script><script>alert(1)</script>", "a <!-- b", "it's & <b>bold</b>", "</SCRIPT >\u2028\u2029"]
)
def test_claim_text_cannot_break_out_of_the_script(client, text):
    claim_id = rated_claim(text, "false", "false", "false")
    body = client.get(f"/claims/{claim_id}").get_data(as_text=True)
    start = body.index('<script type="application/ld+json">')
    block = body[start : body.index("</script>", start)]
    assert "<" not in block[len('<script type="application/ld+json">') :]
    [document] = json_ld(client, claim_id)
    assert document["claimReviewed"] == " ".join(text.split())


def test_a_pledge_or_opinion_is_never_published_as_a_rating(client):
    """Volunteers agreeing "Fix our NHS" is no factual claim is not a fact check: no ClaimReview at all."""
    claim_id = rated_claim("Fix our NHS", "pledge-opinion", "pledge-opinion", "pledge-opinion")
    assert json_ld(client, claim_id) == []
    page = client.get(f"/claims/{claim_id}").get_data(as_text=True)
    assert "Consensus: pledge or opinion" in page
