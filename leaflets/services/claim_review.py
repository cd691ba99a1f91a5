"""schema.org ClaimReview for a claim whose rating has passed CLAIM_RATED_THRESHOLD with a consensus verdict.

Follows Google's fact-check markup: required claimReviewed, reviewRating (alternateName) and url; recommended
author, datePublished, itemReviewed (a Claim with author, datePublished, appearance, firstAppearance). The
numeric scale covers the verdicts that say how true a claim is; any other verdict (unverifiable, or one added
to the model later) is published by its name alone, as the markup allows.
"""

from __future__ import annotations

from typing import Any, Callable

from leaflets.models import Claim
from leaflets.services import review

SITE_NAME = "Straight Choice"
# How true the claim is, worst to best; documented in docs/findings.md.
TRUTH_SCALE = {"false": 1, "misleading": 2, "accurate": 3}


def rating_json(verdict: str) -> dict[str, Any]:
    rating: dict[str, Any] = {
        "@type": "Rating",
        "alternateName": verdict.capitalize(),
        "name": verdict.capitalize(),
    }
    if verdict in TRUTH_SCALE:
        rating.update(
            ratingValue=TRUTH_SCALE[verdict],
            worstRating=min(TRUTH_SCALE.values()),
            bestRating=max(TRUTH_SCALE.values()),
        )
    return rating


def _claim_json(claim: Claim, leaflet_url: str) -> dict[str, Any]:
    leaflet = claim.leaflet
    appearance = {"@type": "CreativeWork", "url": leaflet_url, "name": leaflet.display_title}
    item: dict[str, Any] = {
        "@type": "Claim",
        "datePublished": leaflet.delivered_on.isoformat(),
        "appearance": appearance,
        "firstAppearance": appearance,
    }
    if leaflet.area is not None:  # a leaflet waiting for a place has none to give
        item["spatialCoverage"] = {
            "@type": "Place",
            "name": f"{leaflet.area.name}, {leaflet.area.nation}",
            "identifier": leaflet.area.gss,
        }
    if leaflet.party is not None:
        item["author"] = {"@type": "Organization", "name": leaflet.party.name}
    return item


# Verdicts that say the text is no factual claim at all: a fact check would be a false statement about it.
NOT_A_CLAIM = {"pledge-opinion"}


def claim_review(claim: Claim, url_for: Callable[..., str], threshold: int) -> dict[str, Any] | None:
    """The ClaimReview document, or None while the claim is not rated (too few ratings, or no consensus), and
    for a pledge or opinion (volunteers agreed there is no factual claim to review)."""
    ratings = sorted(claim.ratings, key=lambda rating: (rating.created_at, rating.id))
    summary = review.rating_summary(ratings, threshold)
    if not summary["rated"] or summary["consensus"] is None or not claim.leaflet.is_live:
        return None
    if summary["consensus"] in NOT_A_CLAIM:
        return None
    rated_on = ratings[threshold - 1].created_at  # the rating that made it count as rated
    return {
        "@context": "https://schema.org",
        "@type": "ClaimReview",
        "url": url_for("volunteer.claim_page", claim_id=claim.id, _external=True),
        "claimReviewed": claim.text,
        "author": {
            "@type": "Organization",
            "name": SITE_NAME,
            "url": url_for("archive.index", _external=True),
        },
        "datePublished": rated_on.date().isoformat(),
        "reviewRating": rating_json(summary["consensus"]),
        "itemReviewed": _claim_json(
            claim, url_for("archive.leaflet", leaflet_id=claim.leaflet_id, _external=True)
        ),
    }
