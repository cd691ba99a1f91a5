"""Test data: leaflets, images and users made straight in the database (or through the upload service), for
any test to import. Each factory commits what it makes; all of them need an app context (the `app`
fixture)."""

from __future__ import annotations

import hashlib
import io
import itertools
import uuid
from datetime import date, datetime, timedelta
from typing import Any

from PIL import Image
from sqlalchemy import select

from leaflets import runtime
from leaflets.extensions import db
from leaflets.models import Area, Election, Leaflet, LeafletImage, LeafletTag, Party, Tag, User
from leaflets.services import accounts, indexing
from leaflets.services.uploads import IncomingImage, LeafletSubmission, submit_leaflet
from tests.support import PASSWORD, leaflet_image

OCR_TEXT = (
    "VOTE FOR BETTER BUSES\nWe will cut bus fares by 20%. Only the Greens can win here.\n"
    "The council wasted £3m on a new office. Thank you for reading."
)


def make_user(role: str = "volunteer", email: str | None = None, name: str | None = None) -> User:
    email = email or f"{role}-{uuid.uuid4().hex[:8]}@example.org"
    return accounts.register(email, name or role.capitalize(), PASSWORD, role)


def make_leaflet(text: str = OCR_TEXT, status: str = "live", images: int = 1) -> Leaflet:
    area = db.session.scalars(select(Area).order_by(Area.id)).first()
    election = db.session.scalars(select(Election).order_by(Election.id)).first()
    party = db.session.scalar(select(Party).where(Party.slug == "labour"))
    leaflet = Leaflet(
        title="Better buses",
        area=area,
        election=election,
        party=party,
        delivered_on=date(2024, 6, 20),
        status=status,
    )
    for position in range(images):
        sha = hashlib.sha256(f"{uuid.uuid4()}".encode()).hexdigest()
        leaflet.images.append(
            LeafletImage(
                position=position,
                sha256=sha,
                width=1240,
                height=1754,
                mime="image/jpeg",
                ocr_status="done",
                ocr_text=text,
            )
        )
    db.session.add(leaflet)
    db.session.commit()
    return leaflet


T0 = datetime(2024, 6, 20, 9, 0, 0)


def add_leaflet(
    party: str | None = "labour",
    area: str = "E14001063",
    election: str = "ge-2024",
    *,
    title: str = "",
    description: str = "",
    status: str = "live",
    images: int = 1,
    uploaded_at: datetime | None = None,
    duplicate_of: Leaflet | None = None,
    tags: tuple[str, ...] = (),
    delivered_on: date = date(2024, 6, 18),
) -> Leaflet:
    """Insert one leaflet with stored images and commit."""
    leaflet = Leaflet(
        title=title,
        description=description,
        status=status,
        delivered_on=delivered_on,
        postcode_district="GU11",
        party=db.session.scalar(select(Party).where(Party.slug == party)) if party else None,
        area=db.session.scalar(select(Area).where(Area.gss == area)),
        election=db.session.scalar(select(Election).where(Election.slug == election)),
        uploaded_at=uploaded_at or T0,
        duplicate_of=duplicate_of,
    )
    for position in range(images):
        data = leaflet_image([title or "VOTE", f"page {position + 1}"], size=(300, 424))
        sha = hashlib.sha256(data).hexdigest()
        for variant in ("master", "display", "thumb"):
            runtime.storage().put(sha, variant, data, "image/jpeg")
        role = "front" if position == 0 else "back"
        leaflet.images.append(
            LeafletImage(
                position=position,
                role=role,
                sha256=sha,
                width=300,
                height=424,
                mime="image/jpeg",
                byte_size=len(data),
            )
        )
    db.session.add(leaflet)
    for slug in tags:
        tag = db.session.scalar(select(Tag).where(Tag.slug == slug))
        db.session.add(LeafletTag(leaflet=leaflet, tag=tag))
    db.session.commit()
    return leaflet


def add_many(count: int, start: datetime = T0, **kwargs: Any) -> list[Leaflet]:
    return [add_leaflet(uploaded_at=start + timedelta(minutes=i), images=0, **kwargs) for i in range(count)]


def store_image(data: bytes) -> tuple[str, int, int]:
    """Put bytes into storage as all three variants, as the upload service would."""
    sha256 = hashlib.sha256(data).hexdigest()
    with Image.open(io.BytesIO(data)) as opened:
        width, height = opened.size
    if not runtime.storage().has(sha256):
        for variant in ("master", "display", "thumb"):
            runtime.storage().put(sha256, variant, data, "image/jpeg")
    return sha256, width, height


def pending_leaflet(
    images: list[bytes], *, status: str = "live", manual: bool = False
) -> tuple[int, list[int]]:
    """A committed leaflet whose images are pending OCR (what an upload leaves behind)."""
    area = db.session.scalars(select(Area).order_by(Area.id).limit(1)).one()
    election = db.session.scalars(select(Election).order_by(Election.id).limit(1)).one()
    leaflet = Leaflet(
        area=area, election=election, delivered_on=date(2024, 6, 20), title="Test leaflet", status=status
    )
    for position, data in enumerate(images):
        sha256, width, height = store_image(data)
        leaflet.images.append(
            LeafletImage(
                position=position,
                sha256=sha256,
                width=width,
                height=height,
                mime="image/jpeg",
                byte_size=len(data),
                rotation_manual=manual,
            )
        )
    db.session.add(leaflet)
    db.session.commit()
    return leaflet.id, [image.id for image in leaflet.images]


def image_row(image_id: int) -> LeafletImage:
    db.session.expire_all()
    image = db.session.get(LeafletImage, image_id)
    assert image is not None
    return image


_counter = itertools.count(1)


def uploaded_leaflet(
    text: str,
    *,
    party: str = "labour",
    area: str = "E14001063",
    election: str = "ge-2024",
    delivered_on: str = "2024-06-20",
    title: str = "",
    description: str = "",
) -> int:
    """Upload a small leaflet through the real service and give its image this OCR text (as OCR would)."""
    image = leaflet_image([f"leaflet {next(_counter)}"], size=(240, 320))
    submission = LeafletSubmission(
        party=party,
        area=area,
        election=election,
        delivered_on=delivered_on,
        title=title,
        description=description,
        images=[IncomingImage(image, "photo.jpg")],
    )
    leaflet = submit_leaflet(submission)
    stored = db.session.get(LeafletImage, leaflet.images[0].id)
    stored.ocr_text, stored.ocr_status = text, "done"
    db.session.commit()
    indexing.leaflet_changed(leaflet.id)
    return leaflet.id


def moderator() -> User:
    user = User(
        email=f"mod{next(_counter)}@example.org", display_name="Mod", password_hash="-", role="moderator"
    )
    db.session.add(user)
    db.session.commit()
    return user


SOURCE = "https://example.org/fact"


def raters(count: int) -> list[User]:
    batch = uuid.uuid4().hex[:8]
    users = [
        User(
            email=f"rater{i}-{batch}@example.org",
            display_name=f"Rater {i}",
            password_hash="x",
            role="moderator",
        )
        for i in range(count)
    ]
    db.session.add_all(users)
    db.session.commit()
    return users


WORDS = [
    {
        "text": "Fix",
        "confidence": 95,
        "left": 40,
        "top": 50,
        "width": 60,
        "height": 30,
        "block": 1,
        "paragraph": 1,
        "line": 1,
    },
    {
        "text": "potholes",
        "confidence": 93,
        "left": 110,
        "top": 50,
        "width": 140,
        "height": 30,
        "block": 1,
        "paragraph": 1,
        "line": 1,
    },
    {
        "text": "<script>alert(1)</script>",
        "confidence": 40,
        "left": 40,
        "top": 100,
        "width": 200,
        "height": 30,
        "block": 1,
        "paragraph": 1,
        "line": 2,
    },
]


def leaflet_with_words():
    leaflet = add_leaflet(title="Roads")
    image = leaflet.images[0]
    image.ocr_status, image.ocr_words, image.ocr_confidence = "done", WORDS, 76.0
    image.ocr_text = "Fix potholes\n<script>alert(1)</script>"
    db.session.commit()
    return leaflet


def store_files(image: LeafletImage, size: tuple[int, int] = (300, 200)) -> None:
    """Give a made-up image row real files (a turn reads and writes them)."""
    data = leaflet_image(size=size)
    for variant in ("master", "display", "thumb"):
        runtime.storage().put(image.stored_sha256, variant, data, "image/jpeg")
    image.width, image.height = size
    db.session.commit()
