"""Demo volunteers' work on the demo leaflets: each headline marked as a claim and rated, some bias ratings,
so a newcomer's /stats shows per-party findings. Deterministic for a seed; through the review services."""

from __future__ import annotations

import logging
import random
import secrets

from sqlalchemy import select

from leaflets.extensions import db
from leaflets.models import Leaflet, Role, User
from leaflets.services import accounts, review

log = logging.getLogger(__name__)
VOLUNTEERS = ("Asha", "Ben", "Carys", "Dev")
SOURCE = "https://example.org/demo-fact-check"
# How often each party's demo headlines get each verdict: made up, so the demo page shows differences.
LEANINGS = {
    "labour": (5, 2, 1, 2),
    "conservative": (3, 3, 2, 2),
    "libdem": (3, 4, 1, 2),
    "reform-uk": (2, 3, 3, 2),
    "green": (5, 1, 1, 3),
    "snp": (4, 2, 1, 3),
    "plaid-cymru": (4, 2, 1, 3),
}


def _volunteers() -> list[User]:
    users = []
    for name in VOLUNTEERS:
        email = f"demo-{name.lower()}@straightchoice.invalid"
        user = db.session.scalar(select(User).where(User.email == email))
        if user is None:
            user = User(
                email=email,
                display_name=f"{name} (demo)",
                role=Role.VOLUNTEER,
                password_hash=accounts.hash_password(secrets.token_urlsafe(24)),
            )
            db.session.add(user)
            db.session.commit()
        users.append(user)
    return users


def rate_demo_leaflets(leaflets: list[Leaflet], seed: int) -> int:
    """Mark each original leaflet's headline as a claim, rate it by three or four demo volunteers (mostly
    agreeing), and rate the bias of half of them; returns how many claims were rated."""
    rng = random.Random(seed)
    users = _volunteers()
    rated = 0
    for leaflet in leaflets:
        if leaflet.duplicate_of_id is not None or not leaflet.title or leaflet.party is None:
            continue
        weights = LEANINGS.get(leaflet.party.slug, (3, 3, 2, 2))
        verdict = rng.choices(review.VERDICTS[: len(weights)], weights)[0]
        claim = review.add_claim(leaflet, users[0], leaflet.title)
        for user in rng.sample(users, rng.choice((3, 3, 4))):
            given = verdict if rng.random() < 0.8 else rng.choice(review.VERDICTS)
            review.rate_claim(claim, user, given, SOURCE, "Demo rating: compared with the published figures.")
        rated += 1
        if rng.random() < 0.5:
            review.rate_bias(leaflet, rng.choice(users), rng.randint(-2, 2), rng.randint(-2, 2), "")
    log.info("demo ratings added", extra={"claims": rated, "seed": seed})
    return rated
