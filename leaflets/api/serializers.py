"""Turn models into the JSON shapes of the API contract."""

from __future__ import annotations

from typing import Any

from flask import url_for

from leaflets.image_urls import image_url
from leaflets.models import Area, Election, Leaflet, LeafletImage, Party
from leaflets.services import review


def party_json(party: Party) -> dict[str, Any]:
    return {
        "slug": party.slug,
        "name": party.name,
        "short_name": party.short_name,
        "ec_ref": party.ec_ref,
        "colour": party.colour,
    }


def area_json(area: Area) -> dict[str, Any]:
    return {
        "gss": area.gss,
        "name": area.name,
        "name_alt": area.name_alt,
        "kind": area.kind,
        "nation": area.nation,
        "region": area.region,
    }


def election_json(election: Election) -> dict[str, Any]:
    return {
        "slug": election.slug,
        "name": election.name,
        "date": election.date.isoformat(),
        "kind": election.kind,
    }


def word_count(image: LeafletImage) -> int:
    """The photo's word boxes, counted by the database when a page of cards loaded it (the boxes are not
    decoded for cards); otherwise the boxes it loaded."""
    if image.ocr_word_count is not None:
        return image.ocr_word_count
    return len(image.ocr_words or [])


def image_json(image: LeafletImage) -> dict[str, Any]:
    urls = {variant: image_url(image, variant, external=True) for variant in ("master", "display", "thumb")}
    return {
        "id": image.id,
        "position": image.position,
        "role": image.role,
        "sha256": image.sha256,
        "width": image.width,
        "height": image.height,
        "mime": image.mime,
        "urls": urls,
        "ocr_status": image.ocr_status,
        # text: the published text, or null while there is none; text_status says why (pending, read,
        # corrected, or unreadable/failed: waiting for a volunteer to type it)
        "text": image.text if image.text_status in ("read", "corrected") else None,
        "text_status": image.text_status,
        "confidence": image.ocr_confidence,
        # ocr: the reason is only given once the job has failed for good; words counts the boxes found
        "ocr_error": image.ocr_error if image.ocr_status == "failed" else None,
        "words": word_count(image) if image.ocr_status == "done" else 0,
        "ocr_attempts": image.ocr_attempts,
    }


def leaflet_json(leaflet: Leaflet, *, detail: bool = True) -> dict[str, Any]:
    body: dict[str, Any] = {
        "id": leaflet.id,
        "url": url_for("archive.leaflet", leaflet_id=leaflet.id, _external=True),
        "title": leaflet.title,
        "display_title": leaflet.display_title,
        "description": leaflet.description,
        "party": party_json(leaflet.party) if leaflet.party else None,
        "area": area_json(leaflet.area) if leaflet.area else None,
        "election": election_json(leaflet.election),
        "delivered_on": leaflet.delivered_on.isoformat(),
        "postcode_district": leaflet.postcode_district,
        "uploaded_at": leaflet.uploaded_at.isoformat() + "Z",
        "status": leaflet.status,
        "duplicate_of": leaflet.duplicate_of_id,
        "images": [image_json(image) for image in leaflet.images],
    }
    if detail:
        body.update(review.leaflet_summary(leaflet))
    return body
