"""Suggest likely claims from a leaflet's text; volunteers accept, edit or dismiss them.

A sentence is suggested when it carries a checkable statement: a number, a percentage, money, a comparison,
a squeeze message ("only X can win here") or a promise to cut or raise something.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass

from sqlalchemy import select, text

from leaflets.extensions import db
from leaflets.models import Claim, ClaimOrigin, ClaimState, Leaflet, LeafletImage, OcrStatus, User
from leaflets.services import audit, indexing
from leaflets.services.errors import Conflict, ValidationFailed
from leaflets.services.review import clean_claim_text

log = logging.getLogger(__name__)

MIN_LENGTH, MAX_LENGTH = 12, 400
# Sentence ends, blank lines, bullets, and a line break before a capital (leaflets put headlines on their own
# lines without a full stop; a sentence wrapped onto a new line goes on in lower case).
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+|\n\s*\n|\s*[•·▪●]\s*|\n(?=[ \t]*[A-Z0-9£€$\"“])")
_SIGNALS: dict[str, re.Pattern[str]] = {
    "percentage": re.compile(r"\d\s?%|\bper\s?cent\b", re.I),
    "money": re.compile(r"[£$€]\s?\d|\b\d[\d,.]*\s?(?:m|bn|million|billion|k)\b|\bpounds\b", re.I),
    "number": re.compile(r"\b(?!(?:19|20)\d\d\b)\d[\d,.]*\b"),
    # "better buses" alone is a slogan; a comparison names what it is compared with, or is a superlative.
    "comparative": re.compile(
        r"\b(?:than|best|worst|highest|lowest|biggest|largest|smallest|fastest|slowest|"
        r"record|twice|double|half)\b",
        re.I,
    ),
    "squeeze": re.compile(
        r"\bonly\b.{0,80}\bcan\s+(?:win|beat|stop)\b|\btwo[- ]horse\s+race\b|"
        r"\bwasted\s+vote\b|\bcan'?t\s+win\b",
        re.I | re.S,
    ),
    "promise": re.compile(
        r"\bwill\s+(?:cut|raise|increase|reduce|scrap|abolish|freeze|double|halve|slash|"
        r"hike|build|deliver|protect|recruit|end|fix|ban)\b",
        re.I,
    ),
}


_IMPRINT = re.compile(r"\b(?:printed|promoted|published)\s+(?:by|on behalf of)\b", re.I)


@dataclass(frozen=True)
class Suggestion:
    text: str
    start: int
    end: int
    reasons: tuple[str, ...]


def _sentences(text: str) -> list[tuple[int, int]]:
    spans, start = [], 0
    for match in _SENTENCE_END.finditer(text):
        spans.append((start, match.start()))
        start = match.end()
    spans.append((start, len(text)))
    return spans


def suggest(text: str) -> list[Suggestion]:
    """The sentences of `text` that look like checkable claims, with their spans and why."""
    found = []
    for start, end in _sentences(text or ""):
        raw = text[start:end]
        lead = len(raw) - len(raw.lstrip())
        start, end = start + lead, start + len(raw.rstrip())
        sentence = " ".join(text[start:end].split())
        if not MIN_LENGTH <= len(sentence) <= MAX_LENGTH or _IMPRINT.search(sentence):
            continue
        reasons = tuple(name for name, pattern in _SIGNALS.items() if pattern.search(sentence))
        if reasons:
            found.append(Suggestion(sentence, start, end, reasons))
    return found


def _new_suggestions(image: LeafletImage, known: set[str], places: set[tuple[int, int]]) -> list[Claim]:
    claims = []
    for item in suggest(image.text):
        if item.text.lower() in known or (image.id, item.start) in places:
            continue
        known.add(item.text.lower())
        claims.append(
            Claim(
                leaflet_id=image.leaflet_id,
                image_id=image.id,
                text=item.text,
                span_start=item.start,
                span_end=item.end,
                origin=ClaimOrigin.SUGGESTED,
                state=ClaimState.SUGGESTED,
            )
        )
    return claims


def _unsaved(leaflet: Leaflet) -> list[Claim]:
    """Suggestions for the leaflet's recognised photos that are not stored yet (in any state)."""
    rows = db.session.execute(
        select(Claim.text, Claim.image_id, Claim.span_start).where(Claim.leaflet_id == leaflet.id)
    ).all()
    known = {text.lower() for text, _image, _start in rows}
    places = {
        (image_id, start) for _text, image_id, start in rows if image_id is not None and start is not None
    }
    found = []
    for image in leaflet.images:
        if image.ocr_status == OcrStatus.DONE or image.corrected_text is not None:
            found.extend(_new_suggestions(image, known, places))
    return found


def ensure_for_leaflet(leaflet: Leaflet) -> int:
    """Store suggestions for every recognised photo, skipping sentences already claimed, suggested or
    dismissed.

    Safe to call again (after OCR or a correction): it only adds what is new. Returns how many were added.
    """
    if not _unsaved(leaflet):
        return 0
    # Two volunteers opening the page at once must not both add them: take the leaflet row's write lock (a
    # no-op UPDATE locks the row on PostgreSQL and takes the database write lock on SQLite), then look again.
    db.session.execute(text("UPDATE leaflet SET id = id WHERE id = :leaflet_id"), {"leaflet_id": leaflet.id})
    added = _unsaved(leaflet)
    if not added:
        db.session.rollback()
        return 0
    db.session.add_all(added)
    db.session.commit()
    log.info("claims suggested", extra={"leaflet_id": leaflet.id, "count": len(added)})
    return len(added)


def review(claim: Claim, user: User, action: str, text: str | None = None) -> Claim:
    """Accept, edit (and accept) or dismiss a suggested claim."""
    if claim.state != ClaimState.SUGGESTED:
        raise Conflict("This suggestion was already reviewed.")
    if action == "accept":
        claim.state = ClaimState.ACCEPTED
    elif action == "edit":
        claim.text = clean_claim_text(text or "")
        source = claim.image.text if claim.image else ""
        found = source.find(claim.text)
        if found >= 0:  # otherwise keep the span of the sentence it was suggested from
            claim.span_start, claim.span_end = found, found + len(claim.text)
        claim.state = ClaimState.ACCEPTED
    elif action == "dismiss":
        claim.state = ClaimState.DISMISSED
    else:
        raise ValidationFailed("Choose accept, edit or dismiss.", field="action")
    if claim.state == ClaimState.ACCEPTED:
        claim.created_by_id = user.id
    audit.record(
        user,
        f"{action}-suggestion",
        "claim",
        claim.id,
        after={"text": claim.text},
        leaflet_id=claim.leaflet_id,
    )
    db.session.commit()
    log.info("suggestion reviewed", extra={"claim_id": claim.id, "user_id": user.id, "action": action})
    indexing.leaflet_changed(claim.leaflet_id)
    return claim
