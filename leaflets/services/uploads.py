"""Submitting a leaflet: validate metadata and images, store the images, create the rows, enqueue OCR."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date


@dataclass
class IncomingImage:
    data: bytes
    filename: str = ""
    role: str = "front"


@dataclass
class LeafletSubmission:
    party: str | None              # party slug; "unknown" when the voter does not know
    election: str | None           # election slug
    delivered_on: date | str | None
    area: str | None = None        # GSS code; or give a postcode
    postcode: str | None = None
    title: str = ""
    description: str = ""
    uploader_id: int | None = None
    images: list[IncomingImage] = field(default_factory=list)


def submit_leaflet(submission: LeafletSubmission, *, today: date | None = None):  # -> Leaflet
    raise NotImplementedError
