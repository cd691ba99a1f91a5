"""The archive's counts on /stats (leaflets per party, region, election; photos by OCR status), kept a while.

Counting every live leaflet and photo takes seconds at 100,000 leaflets, so the counts are computed once, kept
as plain numbers for STATS_COUNTS_TTL_S seconds, then recounted on a background thread while readers keep the
previous figures (stale-while-revalidate). Only the very first reader of a process waits for a count.
"""

from __future__ import annotations

import logging
import threading
import time
from dataclasses import dataclass

from flask import Flask, current_app
from sqlalchemy import select

from leaflets.extensions import db
from leaflets.models import Election, Party
from leaflets.services import browse

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Counts:
    """browse.Stats without ORM objects, so it can outlive the session that counted it."""

    totals: browse.Totals
    by_party: list[tuple[int | None, int]]
    by_region: list[tuple[str, str, int]]
    by_election: list[tuple[int, int]]
    ocr_status: dict[str, int]
    counted_at: float


_cache: dict[str, Counts] = {}
_refreshing: set[str] = set()
_lock = threading.Lock()


def count_now() -> Counts:
    stats = browse.stats()
    return Counts(
        totals=stats.totals,
        by_party=[(party.id if party else None, n) for party, n in stats.by_party],
        by_region=list(stats.by_region),
        by_election=[(e.id, n) for e, n in stats.by_election],
        ocr_status=dict(stats.ocr_status),
        counted_at=time.monotonic(),
    )


def _refresh(app: Flask, key: str) -> None:
    try:
        with app.app_context():
            _cache[key] = count_now()
            db.session.remove()
    except Exception:  # a background refresh must not die silently: the next reader tries again
        log.exception("archive counts refresh failed")
    finally:
        with _lock:
            _refreshing.discard(key)


def cached_counts() -> Counts:
    key = str(db.engine.url)
    counts = _cache.get(key)
    if counts is None:
        counts = _cache[key] = count_now()
        return counts
    if time.monotonic() - counts.counted_at > float(current_app.config["STATS_COUNTS_TTL_S"]):
        with _lock:
            start = key not in _refreshing
            _refreshing.add(key)
        if start:
            app = current_app._get_current_object()  # type: ignore[attr-defined]
            threading.Thread(target=_refresh, args=(app, key), name="archive-counts", daemon=True).start()
    return counts


def stats() -> browse.Stats:
    """The cached counts with today's Party and Election objects (small tables, read fresh)."""
    counts = cached_counts()
    parties = {party.id: party for party in db.session.scalars(select(Party))}
    elections = {election.id: election for election in db.session.scalars(select(Election))}
    return browse.Stats(
        totals=counts.totals,
        by_party=[(parties.get(pid) if pid else None, n) for pid, n in counts.by_party],
        by_region=counts.by_region,
        by_election=[(elections[eid], n) for eid, n in counts.by_election if eid in elections],
        ocr_status=counts.ocr_status,
    )
