"""OCR job state over the database: claim with a lease, complete, fail with backoff, requeue.

Every function is one short transaction. A claim is a conditional UPDATE that only matches a row that is
pending and due, or running with an expired lease; the row count (RETURNING) says whether this worker won it,
so two workers never hold the same job on SQLite or PostgreSQL. Jobs are taken by priority, then in turns
between the people who queued them (see _in_queue_order).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any, Iterable

from sqlalchemy import ColumnElement, and_, func, or_, select, update
from sqlalchemy.orm import aliased

from leaflets.extensions import db, rows_changed
from leaflets.models import LeafletImage, OcrPriority, OcrStatus
from leaflets.models._types import utcnow
from leaflets.ocr_queue.settings import QueueSettings

MAX_ERROR_CHARS = 2000
_CANDIDATES = 8
_LOOKS = 5


@dataclass(frozen=True)
class Job:
    """One image leased to one worker for one attempt."""

    image_id: int
    leaflet_id: int
    attempt: int
    owner: str
    leased_until: datetime


@dataclass(frozen=True)
class StoredFiles:
    """Where the image's variants are after the run turned them upright, and what they now look like."""

    source_key: str  # the folder the run read: the result is only stored if the image still uses it
    stored_sha256: str
    width: int
    height: int
    rotation: int


@dataclass(frozen=True)
class OcrOutcome:
    """What a finished run stores on the image (an unreadable page or a timeout is a result too)."""

    text: str
    confidence: float
    words: list[dict[str, Any]]
    rotation: int
    timings: dict[str, float] = field(default_factory=dict)
    readable: bool = True
    quality: dict[str, float] = field(default_factory=dict)
    note: str | None = None  # why there is no readable text (a timeout), for moderators
    files: StoredFiles | None = None


@dataclass(frozen=True)
class QueueCounts:
    by_status: dict[str, int]
    due_now: int
    expired_leases: int
    oldest_pending: datetime | None


def _claimable(now: datetime, max_attempts: int) -> ColumnElement[bool]:
    image = LeafletImage
    pending_and_due = and_(
        image.ocr_status == OcrStatus.PENDING,
        image.variants_ready.is_(True),
        or_(image.next_attempt_at.is_(None), image.next_attempt_at <= now),
    )
    lease_expired = and_(
        image.ocr_status == OcrStatus.RUNNING, image.leased_until < now, image.ocr_attempts < max_attempts
    )
    return or_(pending_and_due, lease_expired)


def _claim_values(owner: str, lease_s: float, now: datetime) -> dict[str, Any]:
    return {
        "ocr_status": OcrStatus.RUNNING,
        "leased_until": now + timedelta(seconds=lease_s),
        "lease_owner": owner,
        "ocr_attempts": LeafletImage.ocr_attempts + 1,
        "next_attempt_at": None,
        "ocr_started_at": now,
    }


def _in_queue_order(now: datetime, max_attempts: int, limit: int) -> Any:
    """Claimable ids, best first (_queue_order)."""
    return _queue_order(select(LeafletImage.id).where(_claimable(now, max_attempts))).limit(limit)


def _queue_order(query: Any) -> Any:
    """Best first: by priority; then fresh before retried; then round-robin between submitters (the one
    whose last job started longest ago, or never, goes first: fairness.py); then oldest."""
    image, other = LeafletImage, aliased(LeafletImage)
    last_served = (
        select(func.max(other.ocr_started_at))
        .where(other.ocr_submitter == image.ocr_submitter)
        .correlate(image)
        .scalar_subquery()
    )
    return query.order_by(image.ocr_priority, image.ocr_attempts, last_served.asc().nulls_first(), image.id)


def unprepared(now: datetime | None = None, limit: int = _CANDIDATES) -> list[tuple[int, str]]:
    """(image id, photo key) of pending, due jobs whose photo's variants are not made yet, in queue order:
    what an OCR worker with nothing claimable may make itself and then read (ocr_queue/preparing.py)."""
    now = now or utcnow()
    image = LeafletImage
    waiting = (
        image.ocr_status == OcrStatus.PENDING,
        image.variants_ready.is_(False),
        or_(image.next_attempt_at.is_(None), image.next_attempt_at <= now),
    )
    query = _queue_order(select(image.id, image.stored_sha256).where(*waiting)).limit(limit)
    found = [(row[0], row[1]) for row in db.session.execute(query)]
    db.session.commit()  # end the read at once, as claimable_ids does
    return found


def _returning_job(statement: Any, owner: str) -> Job | None:
    statement = statement.returning(
        LeafletImage.id, LeafletImage.leaflet_id, LeafletImage.ocr_attempts, LeafletImage.leased_until
    ).execution_options(synchronize_session=False)
    row = db.session.execute(statement).one_or_none()
    db.session.commit()
    if row is None:
        return None
    return Job(image_id=row[0], leaflet_id=row[1], attempt=row[2], owner=owner, leased_until=row[3])


def claim(image_id: int, owner: str, settings: QueueSettings, now: datetime | None = None) -> Job | None:
    """Lease this image if it is claimable now; None when another worker has it or it is not due."""
    now = now or utcnow()
    statement = (
        update(LeafletImage)
        .where(LeafletImage.id == image_id, _claimable(now, settings.max_attempts))
        .values(**_claim_values(owner, settings.lease_s, now))
    )
    return _returning_job(statement, owner)


def claim_next(owner: str, settings: QueueSettings, now: datetime | None = None) -> Job | None:
    """Lease the best claimable image (queue order above), after failing jobs whose workers died too often.

    Workers racing for the same candidate are settled by claim's conditional UPDATE: the loser moves on, and
    looks again if others took every candidate, so None means nothing was due."""
    now = now or utcnow()
    give_up_abandoned(settings, now)
    for _look in range(_LOOKS):
        candidates = claimable_ids(settings, now, limit=_CANDIDATES)
        for image_id in candidates:
            job = claim(image_id, owner, settings, now)
            if job is not None:
                return job
        if not candidates:
            break
    return None


def claimable_ids(settings: QueueSettings, now: datetime | None = None, limit: int = 100) -> list[int]:
    """Ids a worker could claim now, in the order workers take them."""
    now = now or utcnow()
    ids = list(db.session.scalars(_in_queue_order(now, settings.max_attempts, limit)))
    db.session.commit()  # end the read at once: SQLite must not hold a snapshot while others write
    return ids


def give_up_abandoned(settings: QueueSettings, now: datetime | None = None) -> int:
    """Fail running jobs whose lease expired on their last allowed attempt (the worker died each time)."""
    now = now or utcnow()
    statement = (
        update(LeafletImage)
        .where(
            LeafletImage.ocr_status == OcrStatus.RUNNING,
            LeafletImage.leased_until < now,
            LeafletImage.ocr_attempts >= settings.max_attempts,
        )
        .values(
            ocr_status=OcrStatus.FAILED,
            leased_until=None,
            lease_owner=None,
            ocr_finished_at=now,
            ocr_error="The OCR worker stopped before finishing, on every attempt.",
        )
        .execution_options(synchronize_session=False)
    )
    count = rows_changed(statement)
    db.session.commit()
    return count


def _held_by(job: Job) -> ColumnElement[bool]:
    """The row is still this job's: a worker whose lease was taken over must not write."""
    return and_(
        LeafletImage.id == job.image_id,
        LeafletImage.ocr_status == OcrStatus.RUNNING,
        LeafletImage.lease_owner == job.owner,
        LeafletImage.ocr_attempts == job.attempt,
    )


def _finish(job: Job, values: dict[str, Any], *also: ColumnElement[bool]) -> bool:
    statement = (
        update(LeafletImage)
        .where(_held_by(job), *also)
        .values(leased_until=None, lease_owner=None, **values)
        .execution_options(synchronize_session=False)
    )
    won = rows_changed(statement) == 1
    db.session.commit()
    return won


def complete(job: Job, outcome: OcrOutcome, now: datetime | None = None) -> bool:
    """Store the result and mark the image done; False if the lease was lost to another worker (or the
    image's files changed under the run)."""
    values: dict[str, Any] = {
        "ocr_status": OcrStatus.DONE,
        "ocr_text": outcome.text,
        "ocr_confidence": outcome.confidence,
        "ocr_words": outcome.words,
        "ocr_rotation": outcome.rotation,
        "ocr_timings": outcome.timings,
        "ocr_readable": outcome.readable,
        "ocr_quality": outcome.quality,
        "ocr_error": outcome.note,
        "next_attempt_at": None,
        "ocr_finished_at": now or utcnow(),
    }
    if outcome.files is None:
        return _finish(job, values)
    files = outcome.files
    values.update(
        stored_sha256=files.stored_sha256, width=files.width, height=files.height, rotation=files.rotation
    )
    return _finish(job, values, LeafletImage.stored_sha256 == files.source_key)


def fail(job: Job, reason: str, settings: QueueSettings, now: datetime | None = None) -> str | None:
    """Record a failed attempt: back to pending after a backoff, or failed for good after the last attempt.

    Returns the new status, or None if the lease was lost (another worker owns the job now).
    """
    now = now or utcnow()
    reason = reason[:MAX_ERROR_CHARS] or "OCR failed for an unknown reason."
    if job.attempt >= settings.max_attempts:
        values: dict[str, Any] = {
            "ocr_status": OcrStatus.FAILED,
            "ocr_error": reason,
            "ocr_finished_at": now,
            "next_attempt_at": None,
        }
    else:
        retry_at = now + timedelta(seconds=settings.backoff_after(job.attempt))
        values = {"ocr_status": OcrStatus.PENDING, "ocr_error": reason, "next_attempt_at": retry_at}
    return values["ocr_status"] if _finish(job, values) else None


def requeue(
    *,
    image_ids: Iterable[int] = (),
    leaflet_id: int | None = None,
    failed_only: bool = False,
    now: datetime | None = None,
    priority: OcrPriority = OcrPriority.REQUEUED,
) -> list[int]:
    """Make chosen images pending again with a fresh attempt budget; never steals a live lease.

    Filters combine: `failed_only` alone means every failed image. Returns the ids requeued. They wait
    behind voters' uploads unless `priority` says otherwise."""
    now = now or utcnow()
    conditions: list[ColumnElement[bool]] = [
        or_(LeafletImage.ocr_status != OcrStatus.RUNNING, LeafletImage.leased_until < now)
    ]
    chosen = list(image_ids)
    if chosen:
        conditions.append(LeafletImage.id.in_(chosen))
    if leaflet_id is not None:
        conditions.append(LeafletImage.leaflet_id == leaflet_id)
    if failed_only:
        conditions.append(LeafletImage.ocr_status == OcrStatus.FAILED)
    if len(conditions) == 1:
        raise ValueError("choose what to requeue: image ids, a leaflet or failed jobs")
    statement = (
        update(LeafletImage)
        .where(*conditions)
        .values(
            ocr_status=OcrStatus.PENDING,
            ocr_attempts=0,
            ocr_error=None,
            next_attempt_at=None,
            leased_until=None,
            lease_owner=None,
            ocr_priority=priority,
        )
        .returning(LeafletImage.id)
        .execution_options(synchronize_session=False)
    )
    ids = sorted(db.session.scalars(statement))
    db.session.commit()
    return ids


def pending_ids(leaflet_id: int | None = None) -> list[int]:
    """Pending images (for re-sending tasks after a requeue or a broker outage)."""
    query = select(LeafletImage.id).where(LeafletImage.ocr_status == OcrStatus.PENDING)
    if leaflet_id is not None:
        query = query.where(LeafletImage.leaflet_id == leaflet_id)
    ids = list(db.session.scalars(query.order_by(LeafletImage.id)))
    db.session.commit()
    return ids


def seconds_until_due(now: datetime | None = None) -> float | None:
    """How long until some job becomes claimable (0 if one is now); None when nothing is waiting."""
    now = now or utcnow()
    retry_at = db.session.scalar(
        select(func.min(func.coalesce(LeafletImage.next_attempt_at, now))).where(
            LeafletImage.ocr_status == OcrStatus.PENDING
        )
    )
    lease_ends = db.session.scalar(
        select(func.min(LeafletImage.leased_until)).where(LeafletImage.ocr_status == OcrStatus.RUNNING)
    )
    db.session.commit()
    moments = [_as_datetime(moment) for moment in (retry_at, lease_ends) if moment is not None]
    if not moments:
        return None
    return max(0.0, (min(moments) - now).total_seconds())


def _as_datetime(value: datetime | str) -> datetime:
    """SQLite returns aggregate results over DateTime columns as text."""
    return value if isinstance(value, datetime) else datetime.fromisoformat(value)


def counts(settings: QueueSettings, now: datetime | None = None) -> QueueCounts:
    """Queue health for `flask ocr status`."""
    now = now or utcnow()
    rows = db.session.execute(select(LeafletImage.ocr_status, func.count()).group_by(LeafletImage.ocr_status))
    by_status = {status.value: 0 for status in OcrStatus} | {status: count for status, count in rows}
    due_now = db.session.scalar(select(func.count()).where(_claimable(now, settings.max_attempts))) or 0
    expired = (
        db.session.scalar(
            select(func.count()).where(
                LeafletImage.ocr_status == OcrStatus.RUNNING, LeafletImage.leased_until < now
            )
        )
        or 0
    )
    oldest = db.session.scalar(
        select(func.min(LeafletImage.created_at)).where(LeafletImage.ocr_status == OcrStatus.PENDING)
    )
    db.session.commit()
    return QueueCounts(by_status, due_now, expired, _as_datetime(oldest) if oldest is not None else None)
