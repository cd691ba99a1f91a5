"""Volunteer review of leaflets: tags, claims, accuracy and bias ratings, OCR corrections, and their
summaries.

Each use case commits once, with its audit entry (every volunteer action is in the audit log beside the
moderators'); the search index is told after the commit.
"""

from __future__ import annotations

import logging
from typing import Any, TypeVar
from urllib.parse import urlsplit

from flask import current_app
from sqlalchemy import delete, func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectinload

from leaflets.extensions import db, rows_changed
from leaflets.models import (
    Accuracy,
    BiasRating,
    Claim,
    ClaimOrigin,
    ClaimRating,
    ClaimState,
    Leaflet,
    LeafletImage,
    LeafletTag,
    OcrCorrection,
    Tag,
    User,
)
from leaflets.services import audit, findings, indexing
from leaflets.services.errors import Conflict, NotFound, ValidationFailed
from leaflets.services.leaflet_access import visible_leaflet
from leaflets.services.rating_summary import VERDICTS, rating_summary

log = logging.getLogger(__name__)
M = TypeVar("M")
# How verdicts read in a sentence ("Consensus: pledge or opinion"); the rating form says more.
VERDICT_LABELS = {verdict: verdict for verdict in VERDICTS} | {
    Accuracy.PLEDGE_OR_OPINION.value: "pledge or opinion"
}
NEEDS_SOURCE = (Accuracy.MISLEADING.value, Accuracy.FALSE.value)
SCALE = range(-2, 3)
MAX_CLAIM = 2000
MAX_NOTE = 2000
TAG_GROUP_ORDER = ("topic", "feature", "style", "parties-attacked")


# --- summaries ----------------------------------------------------------------------------------------------


def rated_threshold() -> int:
    return int(current_app.config["CLAIM_RATED_THRESHOLD"])


def claim_json(claim: Claim, threshold: int) -> dict[str, Any]:
    return {
        "id": claim.id,
        "text": claim.text,
        "origin": claim.origin,
        "state": claim.state,
        "image_id": claim.image_id,
        "span": [claim.span_start, claim.span_end] if claim.span_start is not None else None,
        "ratings": rating_summary(list(claim.ratings), threshold),
    }


def tag_counts(leaflet_id: int) -> list[dict[str, Any]]:
    rows = db.session.execute(
        select(Tag.slug, Tag.name, Tag.group, func.count(LeafletTag.id))
        .join(LeafletTag, LeafletTag.tag_id == Tag.id)
        .where(LeafletTag.leaflet_id == leaflet_id)
        .group_by(Tag.id, Tag.slug, Tag.name, Tag.group)
        .order_by(Tag.group, Tag.name)
    )
    return [{"slug": slug, "name": name, "group": group, "count": count} for slug, name, group, count in rows]


def leaflet_claims(leaflet_id: int) -> list[Claim]:
    """Claims that are not dismissed, oldest first, with their ratings loaded."""
    return list(
        db.session.scalars(
            select(Claim)
            .where(Claim.leaflet_id == leaflet_id, Claim.state != ClaimState.DISMISSED)
            .options(selectinload(Claim.ratings))
            .order_by(Claim.id)
        )
    )


def bias_summary(leaflet_id: int) -> dict[str, Any] | None:
    count, tone, fairness = db.session.execute(
        select(func.count(BiasRating.id), func.avg(BiasRating.tone), func.avg(BiasRating.fairness)).where(
            BiasRating.leaflet_id == leaflet_id
        )
    ).one()
    if not count:
        return None
    return {"count": count, "tone_mean": round(float(tone), 2), "fairness_mean": round(float(fairness), 2)}


def leaflet_summary(leaflet: Leaflet) -> dict[str, Any]:
    """Tags, claims with rating summaries, and the bias summary, as the API's leaflet JSON carries them."""
    threshold = rated_threshold()
    return {
        "tags": tag_counts(leaflet.id),
        "claims": [claim_json(claim, threshold) for claim in leaflet_claims(leaflet.id)],
        "bias": bias_summary(leaflet.id),
    }


# --- tags ---------------------------------------------------------------------------------------------------


def _tag(slug: str) -> Tag:
    tag = db.session.scalar(select(Tag).where(Tag.slug == (slug or "").strip().lower()))
    if tag is None:
        raise ValidationFailed(f"There is no tag {slug!r} in the taxonomy.", field="tags")
    return tag


def set_my_tags(leaflet: Leaflet, user: User, slugs: list[str]) -> None:
    """Make the user's tags on this leaflet exactly `slugs` (others' tags stay)."""
    wanted = {_tag(slug).id for slug in slugs}
    mine = {
        row.tag_id: row
        for row in db.session.scalars(
            select(LeafletTag).where(LeafletTag.leaflet_id == leaflet.id, LeafletTag.user_id == user.id)
        )
    }
    for tag_id, row in mine.items():
        if tag_id not in wanted:
            db.session.delete(row)
    for tag_id in wanted - mine.keys():
        db.session.add(LeafletTag(leaflet_id=leaflet.id, tag_id=tag_id, user_id=user.id))
    if wanted != mine.keys():
        audit.record(
            user,
            "set-tags",
            "leaflet",
            leaflet.id,
            before={"tags": _slugs(mine.keys())},
            after={"tags": _slugs(wanted)},
        )
    _commit_or_conflict("Those tags were just changed; try again.")
    log.info("tags set", extra={"leaflet_id": leaflet.id, "user_id": user.id, "tags": sorted(wanted)})
    indexing.leaflet_changed(leaflet.id)


def add_tag(leaflet: Leaflet, user: User, slug: str) -> bool:
    """Apply a tag as this user; False when it was already applied."""
    tag = _tag(slug)
    exists = db.session.scalar(
        select(LeafletTag.id).where(
            LeafletTag.leaflet_id == leaflet.id, LeafletTag.tag_id == tag.id, LeafletTag.user_id == user.id
        )
    )
    if exists:
        return False
    db.session.add(LeafletTag(leaflet_id=leaflet.id, tag_id=tag.id, user_id=user.id))
    audit.record(user, "add-tag", "leaflet", leaflet.id, after={"tag": tag.slug})
    try:
        db.session.commit()
    except IntegrityError:
        db.session.rollback()
        return False
    indexing.leaflet_changed(leaflet.id)
    return True


def remove_tag(leaflet: Leaflet, user: User, slug: str, *, everyone: bool = False) -> int:
    """Take off this user's tag (or everyone's: a moderator's action, audited); how many were removed."""
    tag = _tag(slug)
    query = delete(LeafletTag).where(LeafletTag.leaflet_id == leaflet.id, LeafletTag.tag_id == tag.id)
    if not everyone:
        query = query.where(LeafletTag.user_id == user.id)
    removed = rows_changed(query)
    if everyone and removed:
        audit.record(
            user,
            "remove-tag",
            "leaflet",
            leaflet.id,
            before={"tag": tag.slug, "applied": removed},
            after={"tag": tag.slug, "applied": 0},
        )
    db.session.commit()
    if removed:
        indexing.leaflet_changed(leaflet.id)
    return removed


def _slugs(tag_ids: Any) -> list[str]:
    ids = list(tag_ids)
    return sorted(db.session.scalars(select(Tag.slug).where(Tag.id.in_(ids)))) if ids else []


def taxonomy() -> dict[str, list[Tag]]:
    """Tags by group, in the order a volunteer works: topic, feature, style, parties attacked, then any
    other."""
    groups: dict[str, list[Tag]] = {group: [] for group in TAG_GROUP_ORDER}
    for tag in db.session.scalars(select(Tag).order_by(Tag.group, Tag.name)):
        groups.setdefault(tag.group, []).append(tag)
    return {group: tags for group, tags in groups.items() if tags}


# --- claims -------------------------------------------------------------------------------------------------


def _image_of(leaflet: Leaflet, image_id: int | None) -> LeafletImage | None:
    if image_id is None:
        return None
    image = next((img for img in leaflet.images if img.id == image_id), None)
    if image is None:
        raise ValidationFailed("That photo is not part of this leaflet.", field="image_id")
    return image


def clean_claim_text(text: str) -> str:
    cleaned = " ".join((text or "").split())
    if not cleaned:
        raise ValidationFailed("Enter the words of the claim.", field="text")
    if len(cleaned) > MAX_CLAIM:
        raise ValidationFailed(f"A claim is at most {MAX_CLAIM} characters.", field="text")
    return cleaned


def _span(
    image: LeafletImage | None, text: str, start: int | None, end: int | None
) -> tuple[int | None, int | None]:
    """Keep a span only when it really covers the claim in the image's text; else find the text, else none."""
    if image is None:
        return None, None
    source = image.text
    if start is not None and end is not None and 0 <= start < end <= len(source):
        if " ".join(source[start:end].split()) == text:
            return start, end
    found = source.find(text)
    return (found, found + len(text)) if found >= 0 else (None, None)


def add_claim(
    leaflet: Leaflet,
    user: User,
    text: str,
    image_id: int | None = None,
    span_start: int | None = None,
    span_end: int | None = None,
) -> Claim:
    cleaned = clean_claim_text(text)
    image = _image_of(leaflet, image_id)
    start, end = _span(image, cleaned, span_start, span_end)
    claim = Claim(
        leaflet_id=leaflet.id,
        image_id=image.id if image else None,
        text=cleaned,
        span_start=start,
        span_end=end,
        origin=ClaimOrigin.VOLUNTEER,
        state=ClaimState.ACCEPTED,
        created_by_id=user.id,
    )
    db.session.add(claim)
    db.session.flush()  # the claim's id, for the audit entry
    audit.record(user, "add-claim", "claim", claim.id, after={"text": cleaned}, leaflet_id=leaflet.id)
    db.session.commit()
    log.info("claim added", extra={"leaflet_id": leaflet.id, "claim_id": claim.id, "user_id": user.id})
    indexing.leaflet_changed(leaflet.id)
    return claim


def visible_claim(claim_id: int, user: Any) -> Claim:
    claim = db.session.get(Claim, claim_id)
    if claim is None:
        raise NotFound(f"There is no claim {claim_id}.")
    visible_leaflet(claim.leaflet_id, user)
    return claim


# --- ratings ------------------------------------------------------------------------------------------------


def _http_url(url: str) -> str:
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.netloc or any(ch.isspace() for ch in url):
        raise ValidationFailed(
            "The source must be a web address starting http:// or https://.", field="source_url"
        )
    return url


def check_rating(accuracy: str, source_url: str | None, note: str | None) -> tuple[str, str | None, str]:
    accuracy, source_url, note = (
        (accuracy or "").strip().lower(),
        (source_url or "").strip(),
        (note or "").strip(),
    )
    if accuracy not in VERDICTS:
        raise ValidationFailed(f"Choose one of: {', '.join(VERDICTS)}.", field="accuracy")
    if len(note) > MAX_NOTE or len(source_url) > 2000:
        raise ValidationFailed("The source or explanation is too long.", field="note")
    if source_url:
        _http_url(source_url)
    if accuracy in NEEDS_SOURCE:
        if not source_url:
            raise ValidationFailed(f"A {accuracy} rating needs a source.", field="source_url")
        if not note:
            raise ValidationFailed(f"A {accuracy} rating needs a short explanation.", field="note")
    return accuracy, source_url or None, note


def _upsert(
    model: type[M],
    keys: dict[str, Any],
    values: dict[str, Any],
    user: User,
    action: str,
    target: tuple[str, int],
    leaflet_id: int,
) -> M:
    """One row per keys: update it, or insert; a racing insert (unique violation) is re-read and updated.
    The audit entry (values before and after) commits with the row."""
    for _attempt in range(3):
        row = db.session.scalar(select(model).filter_by(**keys))
        before = None if row is None else {name: getattr(row, name) for name in values}
        if row is None:
            row = model(**keys, **values)
            db.session.add(row)
        else:
            for name, value in values.items():
                setattr(row, name, value)
        audit.record(user, action, *target, before=before, after=dict(values), leaflet_id=leaflet_id)
        try:
            db.session.commit()
            return row
        except IntegrityError:
            db.session.rollback()
            log.info("rating race: re-reading", extra={"keys": keys})
    raise Conflict("Your rating could not be saved; try again.")


def rate_claim(
    claim: Claim, user: User, accuracy: str, source_url: str | None, note: str | None
) -> ClaimRating:
    """Create or update this volunteer's one rating of the claim."""
    if claim.state != ClaimState.ACCEPTED:
        raise Conflict("Accept this suggested claim before rating it.", field="accuracy")
    accuracy, source_url, note = check_rating(accuracy, source_url, note)
    rating = _upsert(
        ClaimRating,
        {"claim_id": claim.id, "user_id": user.id},
        {"accuracy": accuracy, "source_url": source_url, "note": note},
        user,
        "rate-claim",
        ("claim", claim.id),
        claim.leaflet_id,
    )
    log.info("claim rated", extra={"claim_id": claim.id, "user_id": user.id, "accuracy": accuracy})
    indexing.leaflet_changed(claim.leaflet_id)
    findings.leaflet_rated(claim.leaflet_id)  # findings: /stats recounted now, not by its next reader
    return rating


def _scale(value: Any, field: str) -> int:
    try:
        number = int(value)
    except (TypeError, ValueError):
        number = 99
    if isinstance(value, bool) or number not in SCALE:
        raise ValidationFailed(f"{field.capitalize()} is a whole number from -2 to +2.", field=field)
    return number


def rate_bias(leaflet: Leaflet, user: User, tone: Any, fairness: Any, note: str | None) -> BiasRating:
    """Create or update this volunteer's one bias rating of the leaflet."""
    values: dict[str, Any] = {
        "tone": _scale(tone, "tone"),
        "fairness": _scale(fairness, "fairness"),
        "note": (note or "").strip(),
    }
    if len(values["note"]) > MAX_NOTE:
        raise ValidationFailed("The note is too long.", field="note")
    rating = _upsert(
        BiasRating,
        {"leaflet_id": leaflet.id, "user_id": user.id},
        values,
        user,
        "rate-bias",
        ("leaflet", leaflet.id),
        leaflet.id,
    )
    log.info("bias rated", extra={"leaflet_id": leaflet.id, "user_id": user.id})
    indexing.leaflet_changed(leaflet.id)
    findings.leaflet_rated(leaflet.id)  # findings: /stats recounted now, not by its next reader
    return rating


# --- OCR corrections ----------------------------------------------------------------------------------------


def correct_ocr(leaflet: Leaflet, image_id: int, user: User, text: str) -> OcrCorrection:
    """Save a new version of the image's text; it becomes the text shown and searched (and the work page
    suggests claims from new sentences on its next visit)."""
    image = _image_of(leaflet, image_id)
    assert image is not None
    text = (text or "").replace("\r\n", "\n").strip()
    if len(text) > 100_000:
        raise ValidationFailed("The text is too long.", field="text")
    latest = db.session.scalar(
        select(func.max(OcrCorrection.version)).where(OcrCorrection.image_id == image.id)
    )
    correction = OcrCorrection(image_id=image.id, version=(latest or 0) + 1, text=text, user_id=user.id)
    before = image.text
    image.corrected_text = text
    db.session.add(correction)
    audit.record(
        user,
        "correct-text",
        "image",
        image.id,
        before={"chars": len(before)},
        after={"chars": len(text), "version": correction.version},
        leaflet_id=leaflet.id,
    )
    _commit_or_conflict("Someone else corrected this text at the same moment; reload and try again.")
    log.info("ocr corrected", extra={"image_id": image.id, "version": correction.version, "user_id": user.id})
    indexing.leaflet_changed(leaflet.id)
    return correction


def _commit_or_conflict(message: str) -> None:
    try:
        db.session.commit()
    except IntegrityError:
        db.session.rollback()
        raise Conflict(message) from None
