"""A generated archive with ratings, written with bulk inserts into a migrated database.

Parties, areas and elections are the real reference data; leaflets follow a skew (a few parties and areas
carry most of them), a third of leaflets have claims, most claims have one to five ratings from 300
volunteers, a quarter of leaflets have bias ratings. One seed makes the same archive.
"""

from __future__ import annotations

import logging
import random
from datetime import date, datetime, timedelta
from typing import Any, Callable

from sqlalchemy import insert, select

from leaflets.extensions import db
from leaflets.models import Area, BiasRating, Claim, ClaimRating, Election, Leaflet, LeafletImage, Party, User
from leaflets.services import review

log = logging.getLogger(__name__)
CHUNK = 5000
VOLUNTEERS = 300
# How volunteers tend to rate: a claim has a "true" verdict most raters give, and some disagree.
VERDICT_WEIGHTS = (0.45, 0.25, 0.15, 0.15)


def _weighted(rng: random.Random, items: list[Any], exponent: float) -> Callable[[], Any]:
    weights = [1 / (rank + 1) ** exponent for rank in range(len(items))]
    return lambda: rng.choices(items, weights)[0]


def _volunteers() -> list[int]:
    db.session.execute(
        insert(User),
        [
            {
                "email": f"bench{i}@example.org",
                "display_name": f"Bench {i}",
                "password_hash": "x",
                "role": "volunteer",
            }
            for i in range(VOLUNTEERS)
        ],
    )
    db.session.commit()
    return list(db.session.scalars(select(User.id).where(User.email.like("bench%@example.org"))))


def _leaflet_rows(rng: random.Random, count: int, start_id: int) -> list[dict[str, Any]]:
    party = _weighted(rng, list(db.session.scalars(select(Party.id).order_by(Party.id)))[:40], 1.2)
    area = _weighted(rng, list(db.session.scalars(select(Area.id).order_by(Area.name))), 0.5)
    election = _weighted(
        rng, list(db.session.scalars(select(Election.id).order_by(Election.date.desc()))), 1.5
    )
    base = datetime(2024, 5, 1)
    rows = []
    for offset in range(count):
        uploaded = base + timedelta(minutes=offset * 3)
        rows.append(
            {
                "id": start_id + offset,
                "title": f"Leaflet {start_id + offset}",
                "description": "",
                "party_id": party() if rng.random() > 0.02 else None,
                "area_id": area(),
                "election_id": election(),
                "delivered_on": date(2024, 6, 1) + timedelta(days=offset % 60),
                "postcode_district": None,
                "uploaded_at": uploaded,
                "updated_at": uploaded,
                "status": "live" if rng.random() > 0.03 else "hidden",
            }
        )
    return rows


def _children(
    rng: random.Random, leaflets: list[dict[str, Any]], users: list[int], next_claim: int
) -> tuple[list, list, list, list]:
    images, claims, ratings, bias = [], [], [], []
    for row in leaflets:
        for position in range(rng.choice((1, 1, 2))):
            images.append(
                {
                    "leaflet_id": row["id"],
                    "position": position,
                    "role": "front",
                    "sha256": "0" * 64,
                    "width": 1000,
                    "height": 1414,
                    "mime": "image/jpeg",
                    "ocr_status": "done" if rng.random() > 0.05 else "pending",
                }
            )
        if rng.random() < 0.33:
            for _ in range(rng.randint(1, 3)):
                claims.append(
                    {
                        "id": next_claim,
                        "leaflet_id": row["id"],
                        "text": "A claim",
                        "state": "accepted",
                        "origin": "volunteer",
                    }
                )
                truth = rng.choices(review.VERDICTS[: len(VERDICT_WEIGHTS)], VERDICT_WEIGHTS)[0]
                for user in rng.sample(users, rng.choice((0, 1, 2, 3, 3, 3, 4, 5))):
                    verdict = truth if rng.random() < 0.75 else rng.choice(review.VERDICTS)
                    ratings.append({"claim_id": next_claim, "user_id": user, "accuracy": verdict, "note": ""})
                next_claim += 1
        if rng.random() < 0.25:
            for user in rng.sample(users, rng.randint(1, 3)):
                bias.append(
                    {
                        "leaflet_id": row["id"],
                        "user_id": user,
                        "tone": rng.randint(-2, 2),
                        "fairness": rng.randint(-2, 2),
                        "note": "",
                    }
                )
    return images, claims, ratings, bias


def generate(count: int, seed: int, progress: Callable[[int], None] | None = None) -> dict[str, int]:
    """Insert `count` leaflets with images, claims and ratings; returns the row counts."""
    rng = random.Random(seed)
    users = _volunteers()
    totals = {"leaflets": 0, "images": 0, "claims": 0, "claim_ratings": 0, "bias_ratings": 0}
    next_claim = 1
    for start in range(0, count, CHUNK):
        leaflets = _leaflet_rows(rng, min(CHUNK, count - start), start + 1)
        images, claims, ratings, bias = _children(rng, leaflets, users, next_claim)
        next_claim += len(claims)
        for model, rows, name in (
            (Leaflet, leaflets, "leaflets"),
            (LeafletImage, images, "images"),
            (Claim, claims, "claims"),
            (ClaimRating, ratings, "claim_ratings"),
            (BiasRating, bias, "bias_ratings"),
        ):
            if rows:
                db.session.execute(insert(model), rows)
            totals[name] += len(rows)
        db.session.commit()
        if progress:
            progress(len(leaflets))
    _fix_sequences()
    log.info("archive generated", extra=totals)
    return totals


def _fix_sequences() -> None:
    """Explicit ids leave PostgreSQL's sequences behind: move them past the rows (SQLite needs nothing)."""
    if db.engine.dialect.name != "postgresql":
        return
    for table in ("leaflet", "claim"):
        db.session.execute(
            db.text(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT max(id) FROM {table}))")
        )
    db.session.commit()
