"""Keep compare's precomputed rows true to the leaflets, as each one arrives or changes.

`leaflet_changed(leaflet_id)` runs after every change that indexing hears of (OCR done, a correction, a tag,
moderation): it analyses the leaflet again and, only if something compare uses has changed, takes the old
leaflet's terms away from its party's counts, adds the new ones, and rewrites its figures, bands and template.
`rebuild()` makes every row again from the leaflets (`flask compare rebuild`).
"""

from __future__ import annotations

import hashlib
import logging
from collections import defaultdict
from dataclasses import dataclass
from typing import Any, Callable, Sequence

from sqlalchemy import Select, case, delete, func, insert, select, update
from sqlalchemy.exc import OperationalError

from leaflets.extensions import db
from leaflets.models import (
    CompareBand,
    CompareNumber,
    CompareTermCount,
    CompareText,
    CompareToken,
    Leaflet,
    LeafletImage,
    LeafletStatus,
    LeafletTag,
    OcrStatus,
    Tag,
)
from leaflets.models._types import utcnow
from leaflets.services.compare import minhash
from leaflets.services.compare.analysis import Analysis, ImageSource, LeafletSource, analyse
from leaflets.services.compare.clusters import (
    CandidateSource,
    DatabaseCandidates,
    MemoryCandidates,
    choose_template,
)
from leaflets.services.compare.counts import (
    TermDeltas,
    leaflet_terms,
    merge_tokens,
    pack,
    unpack,
    write_tokens,
)
from leaflets.services.compare.names import ReferenceNames, TokenStats, metadata_names, reference_names
from leaflets.services.compare.topics import TopicMatcher

log = logging.getLogger(__name__)
CHUNK = 400
ATTEMPTS = 3


@dataclass(frozen=True)
class LeafletState:
    party_id: int | None
    election_id: int
    area_id: int | None
    live: bool


@dataclass(frozen=True)
class Context:
    reference: ReferenceNames
    topics: TopicMatcher


def topic_matcher() -> TopicMatcher:
    return TopicMatcher.from_tags(
        db.session.execute(select(Tag.slug, Tag.name, Tag.group, Tag.description).order_by(Tag.id))
    )


def context() -> Context:
    return Context(reference_names(), topic_matcher())


def load_sources(ids: Sequence[int]) -> dict[int, tuple[LeafletSource, LeafletState]]:
    """The leaflets' text and state in three queries (ids that do not exist are left out)."""
    images: dict[int, list[ImageSource]] = defaultdict(list)
    for leaflet_id, image_id, text, corrected, words, confidence in db.session.execute(
        select(
            LeafletImage.leaflet_id,
            LeafletImage.id,
            # unreadable OCR is never published, so it is not compared either
            case((LeafletImage.ocr_readable.is_(False), None), else_=LeafletImage.ocr_text),
            LeafletImage.corrected_text,
            LeafletImage.ocr_words,
            LeafletImage.ocr_confidence,
        )
        .where(LeafletImage.leaflet_id.in_(ids), LeafletImage.ocr_status == OcrStatus.DONE)
        .order_by(LeafletImage.leaflet_id, LeafletImage.position, LeafletImage.id)
    ):
        images[leaflet_id].append(ImageSource(image_id, text, corrected, words, confidence))
    tags: dict[int, set[str]] = defaultdict(set)
    for leaflet_id, slug in db.session.execute(
        select(LeafletTag.leaflet_id, Tag.slug)
        .join(Tag, Tag.id == LeafletTag.tag_id)
        .where(LeafletTag.leaflet_id.in_(ids), Tag.group == "topic")
    ):
        tags[leaflet_id].add(slug)
    out = {}
    for leaflet_id, title, description, status, party_id, election_id, area_id in db.session.execute(
        select(
            Leaflet.id,
            Leaflet.title,
            Leaflet.description,
            Leaflet.status,
            Leaflet.party_id,
            Leaflet.election_id,
            Leaflet.area_id,
        ).where(Leaflet.id.in_(ids))
    ):
        source = LeafletSource(
            leaflet_id,
            title or "",
            description or "",
            images.get(leaflet_id, []),
            sorted(tags.get(leaflet_id, ())),
        )
        # A leaflet with no place yet ("I don't know") is left out of both sides until a volunteer places it.
        counted = status == LeafletStatus.LIVE and area_id is not None
        out[leaflet_id] = (source, LeafletState(party_id, election_id, area_id, counted))
    return out


def analysed(ids: Sequence[int], ctx: Context) -> list[tuple[LeafletSource, LeafletState, Analysis]]:
    loaded = load_sources(ids)
    return [
        (
            source,
            state,
            analyse(source, ctx.reference, ctx.topics, metadata_names([source.title, source.description])),
        )
        for source, state in (loaded[i] for i in ids if i in loaded)
    ]


def content_hash(source: LeafletSource, state: LeafletState, analysis: Analysis) -> str:
    parts = (
        analysis.text_hash,
        source.title,
        source.description,
        ",".join(analysis.topics),
        state.party_id,
        state.election_id,
        state.area_id,
        state.live,
    )
    return hashlib.sha1(repr(parts).encode("utf-8")).hexdigest()


class Writer:
    """Applies analysed leaflets: party counts, token counts, figures, bands and template per leaflet."""

    def __init__(self, candidates: CandidateSource) -> None:
        self.candidates = candidates
        self.deltas = TermDeltas()
        self.tokens: dict[str, TokenStats] = {}
        self.numbers: list[dict[str, Any]] = []
        self.bands: list[dict[str, Any]] = []

    def apply(self, items: list[tuple[LeafletSource, LeafletState, Analysis]]) -> int:
        ids = [source.leaflet_id for source, _state, _analysis in items]
        existing = {
            row.leaflet_id: row
            for row in db.session.scalars(select(CompareText).where(CompareText.leaflet_id.in_(ids)))
        }
        changed = 0
        for source, state, analysis in items:
            digest = content_hash(source, state, analysis)
            old = existing.get(source.leaflet_id)
            if old is not None and old.content_hash == digest:
                continue
            self._leaflet(source, state, analysis, digest, old)
            changed += 1
        self.flush()
        return changed

    def _leaflet(
        self,
        source: LeafletSource,
        state: LeafletState,
        analysis: Analysis,
        digest: str,
        old: CompareText | None,
    ) -> None:
        leaflet_id = source.leaflet_id
        if old is not None:
            if old.counted and old.party_id is not None:
                self.deltas.add(
                    old.party_id,
                    old.election_id,
                    leaflet_terms(unpack(old.tokens), filter(None, old.topics.split(","))),
                    -1,
                )
            db.session.execute(delete(CompareNumber).where(CompareNumber.leaflet_id == leaflet_id))
            db.session.execute(delete(CompareBand).where(CompareBand.leaflet_id == leaflet_id))
        if old is None or old.text_hash != analysis.text_hash:
            merge_tokens(self.tokens, analysis.tokens)
        party_id = state.party_id if state.live and analysis.words > 0 else None
        counted = party_id is not None
        template_id = None
        if party_id is not None:
            self.deltas.add(party_id, state.election_id, leaflet_terms(analysis.sentences, analysis.topics))
            template_id = self._template(leaflet_id, analysis)
            self.numbers.extend(
                {
                    "leaflet_id": leaflet_id,
                    "party_id": state.party_id,
                    "election_id": state.election_id,
                    "area_id": state.area_id,
                    "key": m.key,
                    "figure": m.figure[:40],
                    "value": m.value,
                    "context": m.context,
                    "image_id": m.image_id,
                    "box": ",".join(map(str, m.box)) if m.box else None,
                }
                for m in analysis.mentions
            )
        row = old or CompareText(leaflet_id=leaflet_id)
        row.party_id, row.election_id, row.area_id = state.party_id, state.election_id, state.area_id
        row.counted, row.content_hash, row.text_hash = counted, digest, analysis.text_hash
        row.tokens, row.words = pack(analysis.sentences), analysis.words
        row.topics = "," + ",".join(analysis.topics) + "," if analysis.topics else ""
        row.signature = minhash.to_bytes(analysis.signature) if analysis.signature is not None else None
        row.template_id, row.updated_at = template_id, utcnow()
        if old is None:
            db.session.add(row)

    def _template(self, leaflet_id: int, analysis: Analysis) -> int | None:
        if analysis.signature is None:
            return None
        band_hashes = minhash.bands(analysis.signature)
        if isinstance(self.candidates, DatabaseCandidates) and self.bands:
            self._write_bands()
        template_id = choose_template(
            leaflet_id, analysis.signature, self.candidates.candidates(leaflet_id, band_hashes)
        )
        if isinstance(self.candidates, MemoryCandidates):
            self.candidates.remember(leaflet_id, analysis.signature, template_id, band_hashes)
        self.bands.extend({"band_hash": band, "leaflet_id": leaflet_id} for band in sorted(set(band_hashes)))
        return template_id

    def _write_bands(self) -> None:
        db.session.flush()  # the leaflet rows first: bands name them
        db.session.execute(insert(CompareBand), self.bands)
        self.bands = []

    def flush(self) -> None:
        db.session.flush()
        if self.bands:
            self._write_bands()
        if self.numbers:
            db.session.execute(insert(CompareNumber), self.numbers)
            self.numbers = []
        self.deltas.write()
        write_tokens(self.tokens)
        self.tokens = {}


WRITE_LOCK = 0x5C_C0_4D  # PostgreSQL advisory lock: one compare writer at a time, as SQLite's one writer


def _take_write_lock() -> None:
    """One compare writer at a time, from here to the commit, so the rows a writer finds are the ones it
    writes over. Web requests and several background workers refresh the same new leaflets (and the same
    party counts): unserialised on PostgreSQL, two inserted one leaflet's row and one failed.
    On SQLite a first write takes the database's lock now (waiting for it) rather than failing later when
    a read snapshot goes stale."""
    if db.session.get_bind().dialect.name == "postgresql":
        db.session.execute(select(func.pg_advisory_xact_lock(WRITE_LOCK)))
        return
    no_op = update(CompareToken).where(CompareToken.token == "").values(trusted=CompareToken.trusted)
    db.session.execute(no_op)


def refresh(ids: Sequence[int]) -> int:
    """Bring these leaflets' compare rows up to date and commit; returns how many leaflets changed."""
    ctx = context()
    changed = 0
    for start in range(0, len(ids), CHUNK):
        items = analysed(ids[start : start + CHUNK], ctx)
        db.session.rollback()  # end the reading transaction before writing
        for attempt in range(1, ATTEMPTS + 1):
            try:
                _take_write_lock()
                changed += Writer(DatabaseCandidates()).apply(items)
                db.session.commit()
                break
            except OperationalError:
                db.session.rollback()
                if attempt == ATTEMPTS:
                    raise
                log.warning("compare refresh retried", extra={"leaflets": len(items), "attempt": attempt})
    return changed


def leaflet_changed(leaflet_id: int) -> None:
    """Refresh one leaflet after its change was committed; never raises into the caller (logged instead:
    `flask compare update` puts it right)."""
    try:
        refresh([leaflet_id])
    except Exception:  # a side effect after the caller's commit: record it, never undo or fail the caller
        log.exception("compare refresh failed", extra={"leaflet_id": leaflet_id})
        try:
            db.session.rollback()
        except Exception:  # the session may be unusable too; the caller's work is already committed
            log.debug("rollback after a failed compare refresh failed", exc_info=True)


def all_ids() -> list[int]:
    return list(db.session.scalars(select(Leaflet.id).order_by(Leaflet.id)))


def rebuild(progress: Callable[[int], None] | None = None) -> int:
    """Every compare row made again from the leaflets (templates clustered in memory); returns how many."""
    for model in (CompareBand, CompareNumber, CompareTermCount, CompareToken, CompareText):
        db.session.execute(delete(model))
    db.session.commit()
    ids, ctx, memory = all_ids(), context(), MemoryCandidates()
    for start in range(0, len(ids), CHUNK):
        chunk = ids[start : start + CHUNK]
        Writer(memory).apply(analysed(chunk, ctx))
        db.session.commit()
        db.session.expunge_all()
        if progress:
            progress(len(chunk))
    log.info("compare rows rebuilt", extra={"leaflets": len(ids)})
    return len(ids)


def update_all(progress: Callable[[int], None] | None = None) -> int:
    """Refresh every leaflet, writing only what changed (after an upgrade, or to repair missed changes)."""
    ids, changed = all_ids(), 0
    for start in range(0, len(ids), CHUNK):
        chunk = ids[start : start + CHUNK]
        changed += refresh(chunk)
        db.session.expunge_all()
        if progress:
            progress(len(chunk))
    return changed


def _missing(party_id: int) -> Select[Any]:
    return (
        select(Leaflet.id)
        .outerjoin(CompareText, CompareText.leaflet_id == Leaflet.id)
        .where(
            Leaflet.party_id == party_id,
            Leaflet.status == LeafletStatus.LIVE,
            CompareText.leaflet_id.is_(None),
        )
    )


def unrefreshed(limit: int) -> list[int]:
    """Leaflets with no compare row yet, oldest first: new uploads whose refresh was left to the background
    worker (catch_up), and any added before compare existed."""
    unseen = (
        select(Leaflet.id)
        .outerjoin(CompareText, CompareText.leaflet_id == Leaflet.id)
        .where(CompareText.leaflet_id.is_(None))
    )
    found = list(db.session.scalars(unseen.order_by(Leaflet.id).limit(limit)))
    db.session.commit()  # end the read: refresh takes the write lock next
    return found


def missing(party_id: int, limit: int) -> list[int]:
    """Live leaflets of a party that have no compare row yet (added before this existed, or by hand)."""
    return list(db.session.scalars(_missing(party_id).order_by(Leaflet.id).limit(limit)))


def missing_count(party_id: int) -> int:
    return db.session.scalar(select(func.count()).select_from(_missing(party_id).subquery())) or 0
