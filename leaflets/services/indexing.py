"""Keep the search index true to the database, which stays the source of truth.

Every change that alters a search result calls `leaflet_changed(leaflet_id)` after its commit: it rebuilds
that leaflet's document (or drops it when the leaflet is not live) and never raises into the caller.
`rebuild()` makes the whole index again from the database; `check()` compares document versions.
"""

from __future__ import annotations

import hashlib
import json
import logging
from collections import defaultdict
from dataclasses import dataclass, field
from types import SimpleNamespace
from typing import Callable, Iterable, Iterator, Sequence

from flask import current_app
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from leaflets import runtime
from leaflets.extensions import db
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
from leaflets.services import near_duplicates
from leaflets.services.compare import store as compare_store
from leaflets.services.rating_summary import rating_summary
from search import SearchDocument

log = logging.getLogger(__name__)
CHUNK = 500
BIAS_LEAN = 0.5  # a mean this far from 0 on a bias scale labels the leaflet (search/types.py BIASES)


@dataclass
class IndexReport:
    """What `search check` found: live leaflets missing from the index, stale documents, and documents the
    index holds for leaflets that are gone or not live."""

    checked: int = 0
    indexed: int = 0
    missing: list[int] = field(default_factory=list)
    stale: list[int] = field(default_factory=list)
    extra: list[int] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not (self.missing or self.stale or self.extra)


def document_version(doc: SearchDocument) -> str:
    """A short hash of everything a document carries, so a changed leaflet has a changed version."""
    values = doc.display_fields()
    values.pop("version", None)
    values.update(text=doc.text, status=doc.status)
    canonical = json.dumps(values, sort_keys=True, default=str, ensure_ascii=False)
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()[:20]


def _leaflet_rows(session: Session, ids: Sequence[int]) -> list:
    return list(
        session.execute(
            select(
                Leaflet.id,
                Leaflet.title,
                Leaflet.description,
                Leaflet.status,
                Leaflet.delivered_on,
                Leaflet.uploaded_at,
                Party.slug,
                Party.name,
                Area.gss,
                Area.name,
                Area.region,
                Area.nation,
                Election.slug,
            )
            .outerjoin(Party, Leaflet.party_id == Party.id)
            .outerjoin(Area, Leaflet.area_id == Area.id)
            .join(Election, Leaflet.election_id == Election.id)
            .where(Leaflet.id.in_(ids))
            .order_by(Leaflet.id)
        )
    )


def _grouped(rows: Iterable) -> dict[int, list]:
    out: dict[int, list] = defaultdict(list)
    for leaflet_id, *rest in rows:
        out[leaflet_id].append(rest[0] if len(rest) == 1 else rest)
    return out


def build_documents(session: Session, ids: Sequence[int]) -> list[SearchDocument]:
    """Documents for these leaflets in a fixed number of queries (ids that do not exist are skipped)."""
    if not ids:
        return []
    images = _grouped(
        session.execute(
            select(
                LeafletImage.leaflet_id, LeafletImage.text
            )  # the published text: unreadable OCR is left out
            .where(LeafletImage.leaflet_id.in_(ids))
            .order_by(LeafletImage.leaflet_id, LeafletImage.position, LeafletImage.id)
        )
    )
    claims = _grouped(
        session.execute(
            select(Claim.leaflet_id, Claim.text)
            .where(Claim.leaflet_id.in_(ids), Claim.state == ClaimState.ACCEPTED)
            .order_by(Claim.leaflet_id, Claim.id)
        )
    )
    tags = _grouped(
        session.execute(
            select(LeafletTag.leaflet_id, Tag.slug)
            .join(Tag, LeafletTag.tag_id == Tag.id)
            .where(LeafletTag.leaflet_id.in_(ids))
            .distinct()
        )
    )
    verdicts = _verdicts(session, ids)
    bias = _bias(session, ids)
    docs = []
    for (
        leaflet_id,
        title,
        description,
        status,
        delivered_on,
        uploaded_at,
        party,
        party_name,
        gss,
        area_name,
        region,
        nation,
        election,
    ) in _leaflet_rows(session, ids):
        texts = list(images.get(leaflet_id, []))
        doc = SearchDocument(
            leaflet_id=leaflet_id,
            title=title or "",
            description=description or "",
            text="\n\n".join(t for t in texts if t),
            claims=list(claims.get(leaflet_id, [])),
            party=party,
            party_name=party_name,
            area=gss,
            area_name=area_name,
            region=region,
            nation=nation,
            election=election,
            tags=sorted(set(tags.get(leaflet_id, []))),
            verdicts=verdicts.get(leaflet_id, []),
            bias=bias.get(leaflet_id, []),
            delivered_on=delivered_on,
            uploaded_at=uploaded_at,
            image_count=len(texts),
            status=str(status or LeafletStatus.LIVE),
        )
        doc.version = document_version(doc)
        docs.append(doc)
    return docs


def _verdicts(session: Session, ids: Sequence[int]) -> dict[int, list[str]]:
    """The consensus verdicts of each leaflet's accepted claims (a claim counts once it is rated, as on its
    page)."""
    threshold = int(current_app.config["CLAIM_RATED_THRESHOLD"])
    ratings: dict[int, list] = defaultdict(list)
    owner: dict[int, int] = {}
    for claim_id, leaflet_id, accuracy in session.execute(
        select(Claim.id, Claim.leaflet_id, ClaimRating.accuracy)
        .join(ClaimRating, ClaimRating.claim_id == Claim.id)
        .where(Claim.leaflet_id.in_(ids), Claim.state == ClaimState.ACCEPTED)
    ):
        ratings[claim_id].append(SimpleNamespace(accuracy=accuracy))
        owner[claim_id] = leaflet_id
    out: dict[int, set[str]] = defaultdict(set)
    for claim_id, rows in ratings.items():
        consensus = rating_summary(rows, threshold)["consensus"]
        if consensus:
            out[owner[claim_id]].add(getattr(consensus, "value", consensus))
    return {leaflet_id: sorted(values) for leaflet_id, values in out.items()}


def _bias(session: Session, ids: Sequence[int]) -> dict[int, list[str]]:
    """Labels for a leaflet's mean bias ratings: half a point or more towards either end of each scale."""
    out: dict[int, list[str]] = {}
    for leaflet_id, tone, fairness in session.execute(
        select(BiasRating.leaflet_id, func.avg(BiasRating.tone), func.avg(BiasRating.fairness))
        .where(BiasRating.leaflet_id.in_(ids))
        .group_by(BiasRating.leaflet_id)
    ):
        labels = [
            label
            for value, low, high in (
                (tone, "attacks-opponents", "promotes-own-party"),
                (fairness, "misleading-presentation", "fair-presentation"),
            )
            for label in (
                [low] if float(value) <= -BIAS_LEAN else [high] if float(value) >= BIAS_LEAN else []
            )
        ]
        if labels:
            out[leaflet_id] = labels
    return out


def build_document(leaflet_id: int, session: Session | None = None) -> SearchDocument | None:
    docs = build_documents(session or db.session(), [leaflet_id])
    return docs[0] if docs else None


def reindex(leaflet_id: int) -> None:
    """The search part of `leaflet_changed` alone: the leaflet's document made again (or dropped), never
    raising. The OCR worker uses it for a photo whose leaflet still has photos waiting to be read: the text
    is searchable at once, and compare and near-duplicates follow when the leaflet's last photo is read."""
    try:
        doc = build_document(leaflet_id)
        backend = runtime.search_backend()
        if doc is None:
            backend.delete([leaflet_id])
        else:
            backend.index([doc])
    except Exception:  # side effect after the caller's commit: record it, never undo or fail the caller
        log.exception("search index update failed", extra={"leaflet_id": leaflet_id})
        try:
            db.session.rollback()
        except Exception:  # the session may be unusable too; the caller's work is already committed
            log.debug("rollback after a failed index update failed", exc_info=True)


def leaflet_changed(leaflet_id: int, *, compare_later: bool = False) -> None:
    """Re-index (or drop, when not live or gone) one leaflet after its change was committed.

    Cheap and never raises: a failure is logged with the leaflet id, and `flask search check --repair`
    or `flask search rebuild` puts it right later. `compare_later` (a new upload, with a background worker
    running) leaves compare's rows to that worker's `catch_up`, off the voter's request.
    """
    reindex(leaflet_id)
    if not compare_later:
        compare_store.leaflet_changed(leaflet_id)  # compare's precomputed rows follow the same changes
    near_duplicates.leaflet_changed(leaflet_id)  # after compare: its text signature finds the likely copies


def catch_up(limit: int = CHUNK) -> int:
    """Compare rows for the leaflets that have none yet (uploads left to the background worker), in one
    refresh, and their text copies linked; returns how many leaflets were brought up to date."""
    ids = compare_store.unrefreshed(limit)
    if not ids:
        return 0
    compare_store.refresh(ids)
    for leaflet_id in ids:  # with text (a known photo's reading reused), a copy may be found by it now
        near_duplicates.leaflet_changed(leaflet_id)
    log.info("compare rows caught up", extra={"leaflets": len(ids)})
    return len(ids)


def live_ids(session: Session) -> list[int]:
    return list(
        session.scalars(select(Leaflet.id).where(Leaflet.status == LeafletStatus.LIVE).order_by(Leaflet.id))
    )


def live_count(session: Session | None = None) -> int:
    session = session or db.session()
    return session.scalar(select(func.count(Leaflet.id)).where(Leaflet.status == LeafletStatus.LIVE)) or 0


def documents(ids: Sequence[int], chunk: int = CHUNK) -> Iterator[SearchDocument]:
    """Stream documents in chunks from a session of their own, so memory stays flat on a big archive."""
    with Session(db.engine) as session:
        for start in range(0, len(ids), chunk):
            yield from build_documents(session, ids[start : start + chunk])
            session.expunge_all()


def rebuild(progress: Callable[[int], None] | None = None) -> int:
    """Replace the whole index with the live leaflets of the database; returns how many were indexed."""
    with Session(db.engine) as session:
        ids = live_ids(session)
    count = runtime.search_backend().rebuild(documents(ids), progress)
    log.info("search index rebuilt from the database", extra={"documents": count})
    return count


def check() -> IndexReport:
    """Compare the index's document versions with the database's (raises IndexUnavailable when unreadable)."""
    backend = runtime.search_backend()
    backend.flush()
    indexed = backend.versions()
    with Session(db.engine) as session:
        ids = live_ids(session)
    report = IndexReport(checked=len(ids), indexed=len(indexed))
    for doc in documents(ids):
        have = indexed.get(doc.leaflet_id)
        if have is None:
            report.missing.append(doc.leaflet_id)
        elif have != doc.version:
            report.stale.append(doc.leaflet_id)
    live = set(ids)
    report.extra = sorted(leaflet_id for leaflet_id in indexed if leaflet_id not in live)
    return report


def repair(report: IndexReport) -> int:
    """Re-index what a check found missing or stale and drop the extra documents; returns changes made."""
    backend = runtime.search_backend()
    todo = report.missing + report.stale
    for start in range(0, len(todo), CHUNK):
        backend.index(list(documents(todo[start : start + CHUNK])))
    if report.extra:
        backend.delete(report.extra)
    backend.flush()
    return len(todo) + len(report.extra)
