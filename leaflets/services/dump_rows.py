"""The rows of each table of `flask export dump`, read for one chunk of live leaflet ids."""

from __future__ import annotations

from collections import Counter, defaultdict
from typing import TYPE_CHECKING, Any, Iterator

from sqlalchemy import func, select

from leaflets.models import (
    Area,
    BiasRating,
    Claim,
    ClaimRating,
    ClaimState,
    Election,
    Leaflet,
    LeafletImage,
    LeafletStatus,
    LeafletTag,
    Party,
    Tag,
)
from leaflets.services.findings_count import consensus

if TYPE_CHECKING:
    from leaflets.services.dump import DumpContext


def leaflets(ctx: "DumpContext", ids: list[int]) -> Iterator[dict[str, Any]]:
    query = (
        select(
            Leaflet,
            Party.slug,
            Party.name,
            Area.gss,
            Area.name,
            Area.region,
            Area.nation,
            Election.slug,
            Election.name,
        )
        .outerjoin(Party, Leaflet.party_id == Party.id)
        .join(Area, Leaflet.area_id == Area.id)
        .join(Election, Leaflet.election_id == Election.id)
        .where(Leaflet.id.in_(ids))
        .order_by(Leaflet.id)
    )
    images = dict(
        ctx.session.execute(
            select(LeafletImage.leaflet_id, func.count(LeafletImage.id))
            .where(LeafletImage.leaflet_id.in_(ids))
            .group_by(LeafletImage.leaflet_id)
        ).all()
    )
    for (
        leaflet,
        party,
        party_name,
        gss,
        area_name,
        region,
        nation,
        election,
        election_name,
    ) in ctx.session.execute(query):
        yield {
            "leaflet_id": leaflet.id,
            "url": ctx.url("leaflet", leaflet.id),
            "title": leaflet.title,
            "description": leaflet.description,
            "party": party,
            "party_name": party_name,
            "area": gss,
            "area_name": area_name,
            "region": region,
            "nation": nation,
            "election": election,
            "election_name": election_name,
            "delivered_on": leaflet.delivered_on.isoformat(),
            "postcode_district": leaflet.postcode_district,
            "uploaded_at": leaflet.uploaded_at.isoformat() + "Z",
            "copy_of": leaflet.duplicate_of_id,
            "images": images.get(leaflet.id, 0),
        }


def texts(ctx: "DumpContext", ids: list[int]) -> Iterator[dict[str, Any]]:
    query = (
        select(LeafletImage)
        .where(LeafletImage.leaflet_id.in_(ids))
        .order_by(LeafletImage.leaflet_id, LeafletImage.position)
    )
    for image in ctx.session.scalars(query):
        done = image.ocr_status == "done"
        corrected = image.corrected_text is not None
        yield {
            "leaflet_id": image.leaflet_id,
            "image_id": image.id,
            "position": image.position,
            "role": image.role,
            "image_url": ctx.url("image", image.sha256),
            "sha256": image.sha256,
            "width": image.width,
            "height": image.height,
            "ocr_status": image.ocr_status,
            "ocr_confidence": image.ocr_confidence if done else None,
            "corrected": corrected,
            "text": image.text if done or corrected else "",
        }


def tags(ctx: "DumpContext", ids: list[int]) -> Iterator[dict[str, Any]]:
    query = (
        select(LeafletTag.leaflet_id, Tag.slug, Tag.name, Tag.group, func.count(LeafletTag.id))
        .join(Tag, LeafletTag.tag_id == Tag.id)
        .where(LeafletTag.leaflet_id.in_(ids))
        .group_by(LeafletTag.leaflet_id, Tag.slug, Tag.name, Tag.group)
        .order_by(LeafletTag.leaflet_id, Tag.slug)
    )
    for leaflet_id, slug, name, group, applied in ctx.session.execute(query):
        yield {
            "leaflet_id": leaflet_id,
            "tag": slug,
            "tag_name": name,
            "tag_group": group,
            "volunteers": applied,
        }


def claims(ctx: "DumpContext", ids: list[int]) -> Iterator[dict[str, Any]]:
    claims = list(
        ctx.session.scalars(
            select(Claim)
            .where(Claim.leaflet_id.in_(ids), Claim.state == ClaimState.ACCEPTED)
            .order_by(Claim.id)
        )
    )
    verdicts: dict[int, Counter] = defaultdict(Counter)
    for claim_id, accuracy in ctx.session.execute(
        select(ClaimRating.claim_id, ClaimRating.accuracy).where(
            ClaimRating.claim_id.in_([c.id for c in claims])
        )
    ):
        verdicts[claim_id][accuracy] += 1
    for claim in claims:
        counts = verdicts[claim.id]
        rated = sum(counts.values()) >= ctx.threshold
        yield {
            "claim_id": claim.id,
            "leaflet_id": claim.leaflet_id,
            "url": ctx.url("claim", claim.id),
            "image_id": claim.image_id,
            "text": claim.text,
            "span_start": claim.span_start,
            "span_end": claim.span_end,
            "origin": claim.origin,
            "created_at": claim.created_at.isoformat() + "Z",
            "ratings": sum(counts.values()),
            "rated": rated,
            "consensus": consensus(counts) if rated else None,
        }


def claim_ratings(ctx: "DumpContext", ids: list[int]) -> Iterator[dict[str, Any]]:
    query = (
        select(ClaimRating, Claim.leaflet_id)
        .join(Claim, ClaimRating.claim_id == Claim.id)
        .where(Claim.leaflet_id.in_(ids), Claim.state == ClaimState.ACCEPTED)
        .order_by(ClaimRating.id)
    )
    for rating, leaflet_id in ctx.session.execute(query):
        yield {
            "claim_id": rating.claim_id,
            "leaflet_id": leaflet_id,
            "rater": ctx.rater(rating.user_id),
            "accuracy": rating.accuracy,
            "source_url": rating.source_url,
            "note": rating.note,
            "rated_at": rating.updated_at.isoformat() + "Z",
        }


def bias_ratings(ctx: "DumpContext", ids: list[int]) -> Iterator[dict[str, Any]]:
    query = select(BiasRating).where(BiasRating.leaflet_id.in_(ids)).order_by(BiasRating.id)
    for rating in ctx.session.scalars(query):
        yield {
            "leaflet_id": rating.leaflet_id,
            "rater": ctx.rater(rating.user_id),
            "tone": rating.tone,
            "fairness": rating.fairness,
            "note": rating.note,
            "rated_at": rating.updated_at.isoformat() + "Z",
        }


def deliveries(ctx: "DumpContext", ids: list[int]) -> Iterator[dict[str, Any]]:
    """Each live leaflet's own delivery, and those of removed copies a moderator merged into it."""
    merged = (Leaflet.duplicate_of_id.in_(ids)) & (Leaflet.status == LeafletStatus.REMOVED)
    query = (
        select(
            Leaflet.id,
            Leaflet.duplicate_of_id,
            Leaflet.status,
            Area.gss,
            Area.name,
            Leaflet.delivered_on,
            Leaflet.postcode_district,
        )
        .join(Area, Leaflet.area_id == Area.id)
        .where(Leaflet.id.in_(ids) | merged)
        .order_by(Leaflet.id)
    )
    for report_id, original, status, gss, area_name, delivered_on, district in ctx.session.execute(query):
        copy = status == LeafletStatus.REMOVED
        yield {
            "report_id": report_id,
            "leaflet_id": original if copy else report_id,
            "merged_copy": copy,
            "area": gss,
            "area_name": area_name,
            "delivered_on": delivered_on.isoformat(),
            "postcode_district": district,
        }
