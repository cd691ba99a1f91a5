"""`flask alerts send`: mail each confirmed subscriber the new leaflets that match what they follow.

A digest covers leaflets uploaded after the subscriber's last digest and up to ALERT_SETTLE_MINUTES ago (so
OCR has had time to give a new leaflet its text before a saved search is matched against it). After each mail
the subscriber's window moves on in its own commit: running the command again sends nothing twice, and a run
that stops half way resumes where it stopped. No mail is sent when nothing new matched.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from typing import Any, Callable, Iterator, Mapping
from urllib.parse import parse_qsl

from flask import render_template
from sqlalchemy import select
from sqlalchemy.orm import selectinload
from werkzeug.datastructures import MultiDict

from leaflets.extensions import db
from leaflets.models import AlertKind, AlertSubscription, Area, Leaflet, LeafletStatus, Party
from leaflets.models._types import utcnow
from leaflets.services import alerts, mailer, search_service
from leaflets.services.errors import NotFound

log = logging.getLogger(__name__)
MAX_LISTED = 50
CHUNK = 200


@dataclass
class DigestReport:
    subscribers: int = 0
    sent: int = 0
    empty: int = 0
    failed: int = 0
    purged: int = 0


def _window_query(since: datetime, until: datetime) -> Any:
    return (
        select(Leaflet)
        .where(
            Leaflet.status == LeafletStatus.LIVE, Leaflet.uploaded_at > since, Leaflet.uploaded_at <= until
        )
        .options(selectinload(Leaflet.party), selectinload(Leaflet.area), selectinload(Leaflet.election))
        .order_by(Leaflet.uploaded_at, Leaflet.id)
    )


def _search_matches(target: str, since: datetime, until: datetime) -> list[Leaflet]:
    """New leaflets the saved search finds: the window's leaflets, kept when the search (index or database)
    returns them among leaflets delivered since the earliest of them."""
    candidates = list(db.session.scalars(_window_query(since, until)))
    if not candidates:
        return []
    query = search_service.parse_args(MultiDict(parse_qsl(target)))
    earliest = min(leaflet.delivered_on for leaflet in candidates)
    if query.date_from is None or query.date_from < earliest:
        query = replace(query, date_from=earliest)
    wanted = {leaflet.id for leaflet in candidates}
    found = {leaflet.id for leaflet in search_service.export_leaflets(query) if leaflet.id in wanted}
    return [leaflet for leaflet in candidates if leaflet.id in found]


def matches(row: AlertSubscription, since: datetime, until: datetime) -> list[Leaflet]:
    if row.kind == AlertKind.SEARCH:
        return _search_matches(row.target, since, until)
    if row.kind == AlertKind.PARTY:
        condition = Leaflet.party_id == select(Party.id).where(Party.slug == row.target).scalar_subquery()
    else:
        condition = Leaflet.area_id == select(Area.id).where(Area.gss == row.target).scalar_subquery()
    return list(db.session.scalars(_window_query(since, until).where(condition)))


def _subscriptions(frequency: str) -> Iterator[AlertSubscription]:
    after = 0
    while True:
        rows = list(
            db.session.scalars(
                select(AlertSubscription)
                .where(
                    AlertSubscription.frequency == frequency,
                    AlertSubscription.confirmed_at.is_not(None),
                    AlertSubscription.id > after,
                )
                .order_by(AlertSubscription.id)
                .limit(CHUNK)
            )
        )
        if not rows:
            return
        yield from rows
        after = rows[-1].id


def digest_mail(row: AlertSubscription, followed: alerts.Target, leaflets: list[Leaflet]) -> mailer.Mail:
    one_click = alerts.unsubscribe_url(row, one_click=True)
    context = {
        "target": followed,
        "leaflets": leaflets[:MAX_LISTED],
        "more": max(0, len(leaflets) - MAX_LISTED),
        "total": len(leaflets),
        "frequency": row.frequency,
        "unsubscribe": alerts.unsubscribe_url(row),
        "page_url": alerts.absolute(followed.page_url),
        "leaflet_url": lambda leaflet: alerts.site_url("archive.leaflet", leaflet_id=leaflet.id),
    }
    count = f"{len(leaflets)} new leaflet{'' if len(leaflets) == 1 else 's'}"
    return mailer.Mail(
        to=row.email,
        subject=f"{count}: {followed.label}",
        text=render_template("alerts/mail/digest.txt", **context),
        html=render_template("alerts/mail/digest.html", **context),
        headers={
            "List-Unsubscribe": f"<{one_click}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
            "List-Id": "Straight Choice alerts <alerts.straightchoice>",
        },
    )


def _one(
    row: AlertSubscription, until: datetime, connection: mailer.Connection, report: DigestReport
) -> None:
    since = row.last_sent_at or row.confirmed_at or until
    if since >= until:
        return
    leaflets = matches(row, since, until)
    if leaflets:
        try:
            connection.send(digest_mail(row, alerts.describe(row), leaflets))
        except mailer.MailFailed as error:
            report.failed += 1
            log.error("digest not sent", extra={"subscription_id": row.id, "error": error.message})
            return  # the window stays: the next run tries again
        report.sent += 1
        log.info("digest sent", extra={"subscription_id": row.id, "leaflets": len(leaflets)})
    else:
        report.empty += 1
    row.last_sent_at = until
    db.session.commit()


def send_digests(
    frequency: str,
    config: Mapping[str, Any],
    now: datetime | None = None,
    progress: Callable[[int], None] | None = None,
) -> DigestReport:
    """Send every due digest of this frequency; MailFailed when the mail server cannot be used at all."""
    report = DigestReport(purged=alerts.purge_unconfirmed(now))
    until = (now or utcnow()) - timedelta(minutes=int(config["ALERT_SETTLE_MINUTES"]))
    with mailer.connect(config) as connection:
        for row in _subscriptions(frequency):
            report.subscribers += 1
            try:
                _one(row, until, connection, report)
            except NotFound:  # the party or area it followed is gone: nothing to send, ever
                report.empty += 1
            if progress:
                progress(1)
    log.info(
        "digests done",
        extra={
            "frequency": frequency,
            "sent": report.sent,
            "empty": report.empty,
            "failed": report.failed,
            "subscribers": report.subscribers,
        },
    )
    return report
