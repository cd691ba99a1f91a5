"""The volunteer queue: hand out the live leaflet most needing attention, and gather a work page."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Iterable

from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from leaflets.extensions import db
from leaflets.models import (
    BiasRating,
    Claim,
    ClaimRating,
    ClaimState,
    Leaflet,
    LeafletImage,
    LeafletStatus,
    LeafletTag,
    OcrStatus,
    Tag,
    User,
)
from leaflets.services import claim_suggestions, review

MAX_SKIPS = 500


def remember_skip(skipped: Iterable[int], leaflet_id: int) -> list[int]:
    """The session's skip list with one more leaflet (bounded, newest kept)."""
    kept = [int(x) for x in skipped if int(x) != leaflet_id]
    return (kept + [leaflet_id])[-MAX_SKIPS:]


def next_leaflet(user: User, skipped: Iterable[int] = ()) -> Leaflet | None:
    """Live, with recognised text, not yet bias-rated by this volunteer, not skipped; fewest ratings first,
    then the newest OCR."""
    claim_ratings = (
        select(Claim.leaflet_id.label("leaflet_id"), func.count(ClaimRating.id).label("n"))
        .join(ClaimRating, ClaimRating.claim_id == Claim.id)
        .group_by(Claim.leaflet_id)
        .subquery()
    )
    bias_ratings = (
        select(BiasRating.leaflet_id.label("leaflet_id"), func.count(BiasRating.id).label("n"))
        .group_by(BiasRating.leaflet_id)
        .subquery()
    )
    latest_ocr = (
        select(
            LeafletImage.leaflet_id.label("leaflet_id"),
            func.max(func.coalesce(LeafletImage.ocr_finished_at, LeafletImage.created_at)).label("at"),
        )
        .where(LeafletImage.ocr_status == OcrStatus.DONE, LeafletImage.text != "")
        .group_by(LeafletImage.leaflet_id)
        .subquery()
    )
    mine = select(BiasRating.leaflet_id).where(BiasRating.user_id == user.id)
    total = func.coalesce(claim_ratings.c.n, 0) + func.coalesce(bias_ratings.c.n, 0)
    query = (
        select(Leaflet)
        .join(latest_ocr, latest_ocr.c.leaflet_id == Leaflet.id)
        .outerjoin(claim_ratings, claim_ratings.c.leaflet_id == Leaflet.id)
        .outerjoin(bias_ratings, bias_ratings.c.leaflet_id == Leaflet.id)
        .where(Leaflet.status == LeafletStatus.LIVE, Leaflet.id.not_in(mine))
        .order_by(total, latest_ocr.c.at.desc(), Leaflet.id.desc())
        .limit(1)
    )
    skips = [int(x) for x in skipped]
    if skips:
        query = query.where(Leaflet.id.not_in(skips))
    return db.session.scalar(query)


def next_transcription(skipped: Iterable[int] = ()) -> Leaflet | None:
    """A live leaflet with a photo OCR could not read and no volunteer has typed yet (newest upload first)."""
    waiting = select(LeafletImage.leaflet_id).where(LeafletImage.needs_transcription)
    query = (
        select(Leaflet)
        .where(Leaflet.status == LeafletStatus.LIVE, Leaflet.id.in_(waiting))
        .order_by(Leaflet.uploaded_at.desc(), Leaflet.id.desc())
        .limit(1)
    )
    skips = [int(x) for x in skipped]
    if skips:
        query = query.where(Leaflet.id.not_in(skips))
    return db.session.scalar(query)


def transcriptions_waiting() -> int:
    """How many photos of live leaflets wait for a volunteer to type their text."""
    query = (
        select(func.count(LeafletImage.id))
        .join(Leaflet)
        .where(Leaflet.status == LeafletStatus.LIVE, LeafletImage.needs_transcription)
    )
    return db.session.scalar(query) or 0


@dataclass
class ClaimView:
    claim: Claim
    summary: dict[str, Any]
    mine: ClaimRating | None


@dataclass
class WorkPage:
    leaflet: Leaflet
    taxonomy: dict[str, list[Tag]]
    my_tags: set[str]
    tag_counts: list[dict[str, Any]]
    claims: list[ClaimView] = field(default_factory=list)
    suggestions: list[Claim] = field(default_factory=list)
    my_bias: BiasRating | None = None
    bias: dict[str, Any] | None = None


def work_page(leaflet: Leaflet, user: User) -> WorkPage:
    """Everything the volunteer's page for one leaflet shows (suggestions are made first if new text came)."""
    claim_suggestions.ensure_for_leaflet(leaflet)
    my_tags = set(
        db.session.scalars(
            select(Tag.slug)
            .join(LeafletTag, LeafletTag.tag_id == Tag.id)
            .where(LeafletTag.leaflet_id == leaflet.id, LeafletTag.user_id == user.id)
        )
    )
    claims = list(
        db.session.scalars(
            select(Claim)
            .where(Claim.leaflet_id == leaflet.id, Claim.state != ClaimState.DISMISSED)
            .options(selectinload(Claim.ratings))
            .order_by(Claim.id)
        )
    )
    threshold = review.rated_threshold()
    page = WorkPage(
        leaflet=leaflet,
        taxonomy=review.taxonomy(),
        my_tags=my_tags,
        tag_counts=review.tag_counts(leaflet.id),
        bias=review.bias_summary(leaflet.id),
    )
    for claim in claims:
        if claim.state == ClaimState.SUGGESTED:
            page.suggestions.append(claim)
            continue
        mine = next((r for r in claim.ratings if r.user_id == user.id), None)
        page.claims.append(ClaimView(claim, review.rating_summary(list(claim.ratings), threshold), mine))
    page.my_bias = db.session.scalar(
        select(BiasRating).where(BiasRating.leaflet_id == leaflet.id, BiasRating.user_id == user.id)
    )
    return page
