"""Helpers for the compare and map tests: leaflets from given text, and demo leaflets read by real Tesseract.

Reading a demo page takes Tesseract a few seconds, so each distinct image is read once per test session
(through the real OCR job runner) and its result stored again for later tests that upload the same bytes.
"""

from __future__ import annotations

import random
from datetime import date, datetime, timedelta
from itertools import count
from typing import Any

from flask import Flask
from sqlalchemy import select

from leaflets.extensions import db
from leaflets.models import Area, Claim, Election, Leaflet, LeafletImage, Party
from leaflets.ocr_queue import jobs, runner
from leaflets.ocr_queue.jobs import OcrOutcome
from leaflets.ocr_queue.settings import QueueSettings
from leaflets.services import demo_data, indexing
from leaflets.services.uploads import submit_leaflet

ALDERSHOT, BANBURY, BARKING, ASHFORD = "E14001063", "E14001072", "E14001073", "E14001069"
BASINGSTOKE, WOKING = "E14001078", "E14001592"  # two of Aldershot's neighbours on the hex map
T0 = datetime(2024, 6, 1, 9, 0)
_clock = count()

TEMPLATE = (
    "Families across the country are paying more for their mortgage, their weekly shop and their "
    "energy bills. The Conservatives crashed the economy and working people paid the price. Labour "
    "has a plan to get Britain's future back: stability in the public finances, cheaper bills "
    "through Great British Energy, and a new deal for working people that makes work pay. On the "
    "fourth of July you can vote for change."
)


def add(
    text: str = "",
    *,
    area: str = ALDERSHOT,
    party: str = "labour",
    title: str = "",
    status: str = "live",
    ocr_status: str = "done",
    corrected: str | None = None,
    election: str = "ge-2024",
    claims: tuple[tuple[str, str], ...] = (),
    words: list[dict[str, Any]] | None = None,
    confidence: float | None = None,
    description: str = "",
) -> Leaflet:
    """A leaflet with one image whose OCR text (and optionally word boxes) is given; claims as (text,
    state)."""
    leaflet = Leaflet(
        title=title,
        description=description,
        status=status,
        delivered_on=date(2024, 6, 20),
        party=db.session.scalar(select(Party).where(Party.slug == party)),
        area=db.session.scalar(select(Area).where(Area.gss == area)),
        election=db.session.scalar(select(Election).where(Election.slug == election)),
        uploaded_at=T0 + timedelta(minutes=next(_clock)),
    )
    leaflet.images.append(
        LeafletImage(
            position=0,
            sha256="0" * 64,
            width=1000,
            height=1414,
            mime="image/jpeg",
            ocr_status=ocr_status,
            ocr_text=text,
            corrected_text=corrected,
            ocr_words=words,
            ocr_confidence=confidence,
        )
    )
    db.session.add(leaflet)
    for claim_text, state in claims:
        db.session.add(Claim(leaflet=leaflet, text=claim_text, state=state))
    db.session.commit()
    return leaflet


def ocr_words(
    text: str, confidence: float = 95.0, low: dict[str, float] | None = None
) -> list[dict[str, Any]]:
    """Word boxes for text as Tesseract gives them: one line per text line, 20 px a character; `low` gives
    some words a lower confidence."""
    out = []
    for line_number, line in enumerate(text.splitlines(), start=1):
        left = 40
        for word in line.split():
            out.append(
                {
                    "text": word,
                    "confidence": (low or {}).get(word, confidence),
                    "left": left,
                    "top": 40 * line_number,
                    "width": 20 * len(word),
                    "height": 30,
                    "block": 1,
                    "paragraph": 1,
                    "line": line_number,
                }
            )
            left += 20 * len(word) + 12
    return out


_read: dict[str, OcrOutcome] = {}  # sha256 -> what Tesseract read, for this test session


def read_pending(app: Flask) -> None:
    """Run OCR on every pending image (real Tesseract the first time an image is seen), as the worker
    would."""
    settings = QueueSettings.from_config(app.config)
    for image in db.session.scalars(select(LeafletImage).where(LeafletImage.ocr_status == "pending")).all():
        job = jobs.claim(image.id, "tests", settings)
        assert job is not None
        cached = _read.get(image.sha256)
        if cached is None:
            assert runner.run_job(job, settings) == "done"
            done = db.session.get(LeafletImage, image.id)
            _read[image.sha256] = OcrOutcome(
                done.ocr_text or "",
                done.ocr_confidence or 0.0,
                list(done.ocr_words or []),
                done.ocr_rotation or 0,
            )
        else:
            assert jobs.complete(job, cached)
            indexing.leaflet_changed(job.leaflet_id)


def demo_template_leaflets(
    app: Flask, party_slug: str = "labour", areas: tuple[str, ...] = (ALDERSHOT, BANBURY, BARKING, ASHFORD)
) -> list[Leaflet]:
    """The party's national demo template delivered in these seats (one page each), uploaded and read."""
    party = db.session.scalar(select(Party).where(Party.slug == party_slug))
    made = []
    for number, gss in enumerate(areas):
        area = db.session.scalar(select(Area).where(Area.gss == gss))
        made.append(submit_leaflet(demo_data.plan_template_leaflet(random.Random(number), area, party)))
    read_pending(app)
    return made


def local_text(name: str, place: str, figure: str, times: str) -> str:
    return (
        f"{TEMPLATE}\n\n{name} lives in {place} and will fight for the surgery on Station Road. "
        f"Potholes here have been reported {times} times this year.\n\n{figure} for local services\n\n"
        f"Promoted by Chloe Lloyd on behalf of {name}."
    )


def add_template_in_four_places() -> list[Leaflet]:
    return [
        add(
            local_text(name, place, figure, times),
            area=gss,
            title=f"A fresh start for {place}",
            description=f"{name} for {place}",
        )
        for name, place, gss, figure, times in (
            ("Alex Baker", "Aldershot", ALDERSHOT, "£31m", "47"),
            ("Sean Woodcock", "Banbury", BANBURY, "£18m", "12"),
            ("Jas Athwal", "Barking", BARKING, "£12m", "30"),
            ("Sojan Joseph", "Ashford", ASHFORD, "£31m", "61"),
        )
    ]
