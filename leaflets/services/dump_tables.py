"""The tables of `flask export dump`: their columns (documented in the README written beside them), rows."""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Callable, Iterator

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

Rows = Callable[["DumpContext", list[int]], Iterator[dict[str, Any]]]
LICENCE = """\
The archive's own data (the metadata, tags, claims, ratings and corrected texts) is published under the
Creative Commons Attribution 4.0 licence (CC BY 4.0): credit "Straight Choice". The leaflets themselves, and
so the words in their texts, belong to the parties and candidates who published them; they are archived and
shared for the public record, research and reporting. Constituency codes and names: mySociety (CC BY 4.0).
Party data: Democracy Club. Contains OS data, Royal Mail data and National Statistics data, Crown copyright
and database right (Open Government Licence v3.0)."""


@dataclass
class Table:
    name: str
    about: str
    columns: list[tuple[str, str]]
    rows: Rows


def _leaflets(ctx: "DumpContext", ids: list[int]) -> Iterator[dict[str, Any]]:
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


def _texts(ctx: "DumpContext", ids: list[int]) -> Iterator[dict[str, Any]]:
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


def _tags(ctx: "DumpContext", ids: list[int]) -> Iterator[dict[str, Any]]:
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


def _claims(ctx: "DumpContext", ids: list[int]) -> Iterator[dict[str, Any]]:
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


def _claim_ratings(ctx: "DumpContext", ids: list[int]) -> Iterator[dict[str, Any]]:
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


def _bias_ratings(ctx: "DumpContext", ids: list[int]) -> Iterator[dict[str, Any]]:
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


def _deliveries(ctx: "DumpContext", ids: list[int]) -> Iterator[dict[str, Any]]:
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


TABLES = [
    Table(
        "leaflets",
        "One row per live leaflet.",
        [
            ("leaflet_id", "the leaflet's number in the archive"),
            ("url", "its page"),
            ("title", "as uploaded"),
            ("description", "as uploaded"),
            ("party", "party slug (empty: unknown)"),
            ("party_name", "party name"),
            ("area", "constituency GSS code"),
            ("area_name", "constituency name"),
            ("region", "region"),
            ("nation", "nation"),
            ("election", "election slug"),
            ("election_name", "election name"),
            ("delivered_on", "date delivered (ISO 8601)"),
            ("postcode_district", "outward postcode, if given"),
            ("uploaded_at", "when uploaded (UTC)"),
            ("copy_of", "the leaflet this is a copy of, if any"),
            ("images", "number of photos"),
        ],
        _leaflets,
    ),
    Table(
        "texts",
        "One row per photo of a live leaflet, with its text.",
        [
            ("leaflet_id", "leaflet"),
            ("image_id", "photo"),
            ("position", "order on the leaflet page"),
            ("role", "front, back, inside or imprint"),
            ("image_url", "the full-size photo"),
            ("sha256", "SHA-256 of the stored photo"),
            ("width", "pixels"),
            ("height", "pixels"),
            ("ocr_status", "done, pending, running or failed"),
            ("ocr_confidence", "Tesseract's mean confidence"),
            ("corrected", "true when a volunteer corrected the text"),
            ("text", "the text (corrected if it was)"),
        ],
        _texts,
    ),
    Table(
        "tags",
        "One row per tag on a live leaflet.",
        [
            ("leaflet_id", "leaflet"),
            ("tag", "tag slug"),
            ("tag_name", "tag name"),
            ("tag_group", "taxonomy group"),
            ("volunteers", "how many volunteers applied it"),
        ],
        _tags,
    ),
    Table(
        "claims",
        "One row per accepted claim on a live leaflet.",
        [
            ("claim_id", "claim"),
            ("leaflet_id", "leaflet"),
            ("url", "the claim's page"),
            ("image_id", "photo the claim is on, if known"),
            ("text", "the claim's words"),
            ("span_start", "start of the claim in the photo's text"),
            ("span_end", "end of it"),
            ("origin", "volunteer or suggested"),
            ("created_at", "when marked (UTC)"),
            ("ratings", "ratings so far"),
            ("rated", "true once it has the threshold of ratings"),
            ("consensus", "the verdict most raters gave, once rated (empty: none or a tie)"),
        ],
        _claims,
    ),
    Table(
        "claim_ratings",
        "One row per accuracy rating of a claim.",
        [
            ("claim_id", "claim"),
            ("leaflet_id", "leaflet"),
            ("rater", "pseudonym of the volunteer"),
            ("accuracy", "the verdict"),
            ("source_url", "the source given"),
            ("note", "the explanation given"),
            ("rated_at", "last changed (UTC)"),
        ],
        _claim_ratings,
    ),
    Table(
        "bias_ratings",
        "One row per bias rating of a leaflet (each scale from -2 to +2).",
        [
            ("leaflet_id", "leaflet"),
            ("rater", "pseudonym of the volunteer"),
            ("tone", "-2 attacks opponents .. +2 positive about own party"),
            ("fairness", "-2 misleading presentation .. +2 fair presentation"),
            ("note", "the note given"),
            ("rated_at", "last changed (UTC)"),
        ],
        _bias_ratings,
    ),
    Table(
        "deliveries",
        "Where and when each leaflet was delivered, with copies merged into it.",
        [
            ("report_id", "the upload that reported this delivery"),
            ("leaflet_id", "the live leaflet it shows"),
            ("merged_copy", "true for a copy a moderator merged into leaflet_id"),
            ("area", "constituency GSS code"),
            ("area_name", "constituency name"),
            ("delivered_on", "date delivered"),
            ("postcode_district", "outward postcode, if given"),
        ],
        _deliveries,
    ),
]


def readme(counts: dict[str, int], threshold: int) -> str:
    parts = [
        "# Straight Choice: the public archive\n",
        "Every table comes twice, as gzip-compressed CSV (`.csv.gz`, UTF-8, a header row) and JSON lines "
        "(`.jsonl.gz`, one object per line). Only leaflets that are public are included; hidden and removed "
        "ones are not. There are no e-mail addresses or names: a rater is a pseudonym, the same in every "
        f"file. A claim counts as rated once {threshold} volunteers have rated it. A CSV cell that would "
        "start with =, +, - or @ has a leading ' so spreadsheets do not run it.\n",
    ]
    for table in TABLES:
        parts.append(
            f"\n## {table.name} ({counts.get(table.name, 0):,} rows)\n\n{table.about}\n\n"
            "| column | meaning |\n|---|---|\n"
        )
        parts += [f"| `{name}` | {meaning} |\n" for name, meaning in table.columns]
    parts.append(f"\n## Licence\n\n{LICENCE}\n")
    return "".join(parts)
