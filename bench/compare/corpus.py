"""A generated archive for the compare benchmark: one party with N leaflets nationally, others besides.

Texts are the demo generator's campaign paragraphs (leaflets/services/demo_data.py): half of the big party's
leaflets are its national template with the place, the candidate and the figures changed, the rest six random
paragraphs, as OCR text with word boxes (what compare reads). Rows are inserted in bulk, then compare's rows
are built as `flask compare rebuild` builds them.
"""

from __future__ import annotations

import random
from datetime import date, datetime, timedelta
from typing import Any, Iterator

from sqlalchemy import insert, select

from leaflets.extensions import db
from leaflets.models import Area, Election, Leaflet, LeafletImage, Party
from leaflets.services import demo_data

BIG_PARTY = "labour"
OTHER_PARTIES = ("conservative", "libdem", "reform-uk", "green")
CHUNK = 1000


def words_of(text: str) -> list[dict[str, Any]]:
    """Word boxes as Tesseract gives them: a paragraph a block, 12 words a line."""
    out, top = [], 40
    for block, paragraph in enumerate(text.split("\n\n"), start=1):
        words = paragraph.split()
        for line in range(0, len(words), 12):
            left = 40
            for word in words[line : line + 12]:
                out.append(
                    {
                        "text": word,
                        "confidence": 93.0,
                        "left": left,
                        "top": top,
                        "width": 14 * len(word),
                        "height": 24,
                        "block": block,
                        "paragraph": 1,
                        "line": line // 12 + 1,
                    }
                )
                left += 14 * len(word) + 10
            top += 34
        top += 20
    return out


def leaflet_text(rng: random.Random, area: str, party_slug: str, template: bool) -> tuple[str, str]:
    """(title, text) of one leaflet."""
    values = {
        "area": area,
        "party": demo_data.SPOKEN.get(party_slug, party_slug),
        "candidate": f"{rng.choice(demo_data.FIRST)} {rng.choice(demo_data.LAST)}",
        "rival": demo_data.RIVALS.get(party_slug, "the Conservatives"),
    }
    if template:
        chooser = random.Random(f"national-template-{party_slug}")
        headline = chooser.choice(demo_data.TEMPLATE_HEADLINES)
        paragraphs = chooser.sample(demo_data.PARAGRAPHS, 4)
        stat = f"£{rng.randint(8, 40)}m for local services"
    else:
        headline, paragraphs = rng.choice(demo_data.HEADLINES), rng.sample(demo_data.PARAGRAPHS, 6)
        stat = f"{rng.randint(52, 88)}% of residents back our plan"
    title = demo_data.fill_template(rng, headline, values)
    body = [demo_data.fill_template(rng, paragraph, values) for paragraph in paragraphs]
    agent = f"{rng.choice(demo_data.FIRST)} {rng.choice(demo_data.LAST)}"
    imprint = f"Promoted by {agent} on behalf of {values['candidate']}."
    return title, "\n\n".join([title, f"Your local candidate: {values['candidate']}", *body, stat, imprint])


def plan(party_leaflets: int, other_leaflets: int, seed: int) -> Iterator[tuple[str, bool]]:
    """(party slug, is its national template) per leaflet, the big party's first."""
    rng = random.Random(seed)
    for _ in range(party_leaflets):
        yield BIG_PARTY, rng.random() < 0.5
    for _ in range(other_leaflets):
        yield rng.choice(OTHER_PARTIES), rng.random() < 0.3


def fill(party_leaflets: int, other_leaflets: int, seed: int = 12) -> int:
    """Insert the leaflets (live, OCR done) in bulk; returns how many."""
    rng = random.Random(seed)
    areas = list(db.session.execute(select(Area.id, Area.name).where(Area.nation != "Northern Ireland")))
    weights = [1.0 / (rank + 10) for rank in range(len(areas))]  # a few seats get many leaflets
    parties = {slug: party_id for slug, party_id in db.session.execute(select(Party.slug, Party.id))}
    election = db.session.scalar(select(Election.id).where(Election.slug == "ge-2024"))
    next_id = (db.session.scalar(select(Leaflet.id).order_by(Leaflet.id.desc()).limit(1)) or 0) + 1
    leaflets: list[dict[str, Any]] = []
    images: list[dict[str, Any]] = []
    started = datetime(2024, 5, 20)
    for number, (slug, template) in enumerate(plan(party_leaflets, other_leaflets, seed)):
        area_id, area_name = rng.choices(areas, weights)[0]
        title, text = leaflet_text(rng, area_name, slug, template)
        leaflet_id = next_id + number
        leaflets.append(
            {
                "id": leaflet_id,
                "title": title,
                "description": "",
                "party_id": parties[slug],
                "area_id": area_id,
                "election_id": election,
                "delivered_on": date(2024, 6, 1),
                "uploaded_at": started + timedelta(minutes=number),
                "updated_at": started,
                "status": "live",
            }
        )
        images.append(
            {
                "leaflet_id": leaflet_id,
                "position": 0,
                "role": "front",
                "sha256": f"{leaflet_id:064x}",
                "width": 1000,
                "height": 1414,
                "mime": "image/jpeg",
                "byte_size": 1,
                "rotation": 0,
                "ocr_status": "done",
                "ocr_text": text,
                "ocr_confidence": 93.0,
                "ocr_words": words_of(text) if slug == BIG_PARTY else None,
                "ocr_attempts": 1,
                "created_at": started,
            }
        )
        if len(leaflets) == CHUNK:
            _write(leaflets, images)
    _write(leaflets, images)
    return party_leaflets + other_leaflets


def _write(leaflets: list[dict[str, Any]], images: list[dict[str, Any]]) -> None:
    if leaflets:
        db.session.execute(insert(Leaflet), leaflets)
        db.session.execute(insert(LeafletImage), images)
        db.session.commit()
    leaflets.clear()
    images.clear()
