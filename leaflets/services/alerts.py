"""E-mail alerts: subscribe to a party, an area or a saved search, confirm by a signed link, unsubscribe.

Double opt-in: nothing but the confirmation is ever sent to an address until its owner follows the link. The
same answer is given whether or not an address is already subscribed, so the form reveals nobody's alerts.
Addresses are kept for alerts only: an unsubscribe deletes the row; an unconfirmed one goes after a week.
"""

from __future__ import annotations

import logging
import re
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Mapping
from urllib.parse import parse_qsl, urlencode

from flask import current_app, render_template, url_for
from itsdangerous import BadSignature, SignatureExpired, URLSafeSerializer, URLSafeTimedSerializer
from sqlalchemy import delete, func, select
from sqlalchemy.exc import IntegrityError
from werkzeug.datastructures import MultiDict

from leaflets.extensions import db
from leaflets.models import AlertFrequency, AlertKind, AlertSubscription, Area, Party
from leaflets.models._types import utcnow
from leaflets.services import mailer, search_service
from leaflets.services.errors import NotFound, ServiceUnavailable, ValidationFailed
from search import QueryError

log = logging.getLogger(__name__)
CONFIRM_SALT, UNSUBSCRIBE_SALT = "alert-confirm", "alert-unsubscribe"
CONFIRM_DAYS = 7
RESEND_AFTER = timedelta(minutes=10)
MAX_PENDING_PER_ADDRESS = 5
_EMAIL = re.compile(r"^[^@\s<>\"',;]{1,64}@[^@\s<>\"',;]+\.[^@\s<>\"',;]{2,}$")
ALERTS_OFF = "E-mail alerts are off on this site: it has no mail server. The Atom feed below still works."


class BadAlertLink(ValidationFailed):
    status = 400
    code = "bad_link"


@dataclass
class Target:
    kind: str
    value: str  # party slug, GSS code, or a normalised query string
    label: str  # "Labour Party leaflets", "leaflets delivered in Aldershot", "leaflets matching “NHS”"
    feed_url: str
    page_url: str


# --- what a subscription follows ---------------------------------------------------------------------------


def _search_target(raw: str) -> Target:
    try:
        query = search_service.parse_args(MultiDict(parse_qsl(raw.lstrip("?"))))
    except QueryError as error:
        raise ValidationFailed(str(error), field="q") from error
    pairs = search_service.params(query, page=None, sort=None, per_page=None)
    if not pairs:
        raise ValidationFailed("Add words or a filter to follow a search.", field="q")
    value = urlencode(pairs)
    words = f"“{query.text}”" if query.text else ""
    filters = ", ".join(label for label in _filter_labels(query))
    label = "leaflets matching " + " with ".join(part for part in (words, filters) if part)
    return Target(
        AlertKind.SEARCH,
        value,
        label,
        url_for("search_feed.feed") + "?" + value,
        url_for("search.search") + "?" + value,
    )


def _filter_labels(query: Any) -> list[str]:
    values = {name: set(getattr(query, name)) for name in search_service.FILTERS}
    names = search_service.labels(values)
    return [names[name][value] for name in search_service.FILTERS for value in getattr(query, name)]


def _found(model: Any, condition: Any, field: str, missing: str) -> Any:
    found = db.session.scalar(select(model).where(condition))
    if found is None:
        raise ValidationFailed(missing, field=field)
    return found


def target(kind: str, value: str) -> Target:
    """Check what is followed and name it; ValidationFailed for an unknown party, area or a bad search."""
    value = (value or "").strip()
    if kind == AlertKind.PARTY:
        party = _found(Party, Party.slug == value, "party", "Choose a party from the list.")
        slug = party.slug
        return Target(
            kind,
            slug,
            f"{party.name} leaflets",
            url_for("feeds.party", slug=slug),
            url_for("archive.party", slug=slug),
        )
    if kind == AlertKind.AREA:
        area = _found(Area, Area.gss == value.upper(), "area", "Choose a constituency from the list.")
        gss = area.gss
        return Target(
            kind,
            gss,
            f"leaflets delivered in {area.name}",
            url_for("feeds.area", gss=gss),
            url_for("archive.area", gss=gss),
        )
    if kind == AlertKind.SEARCH:
        return _search_target(value)
    raise ValidationFailed("Follow a party, a constituency or a search.", field="kind")


# --- links ---------------------------------------------------------------------------------------------


def site_url(endpoint: str, **values: Any) -> str:
    """An absolute link for a mail: SITE_URL, never the Host header of whoever filled in the form."""
    with current_app.test_request_context("/"):
        return absolute(url_for(endpoint, **values))


def absolute(path: str) -> str:
    return str(current_app.config["SITE_URL"]).rstrip("/") + path


def _token(subscription: AlertSubscription, salt: str) -> str:
    payload = {"s": subscription.id, "n": subscription.nonce}
    if salt == CONFIRM_SALT:
        return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=salt).dumps(payload)
    return URLSafeSerializer(current_app.config["SECRET_KEY"], salt=salt).dumps(payload)


def unsubscribe_url(subscription: AlertSubscription, one_click: bool = False) -> str:
    endpoint = "alerts.one_click_unsubscribe" if one_click else "alerts.unsubscribe"
    return site_url(endpoint, token=_token(subscription, UNSUBSCRIBE_SALT))


def subscription_for(token: str, salt: str) -> AlertSubscription | None:
    """The subscription a link names; None when it is gone; BadAlertLink for a forged or expired link."""
    secret = current_app.config["SECRET_KEY"]
    try:
        if salt == CONFIRM_SALT:
            payload = URLSafeTimedSerializer(secret, salt=salt).loads(token, max_age=CONFIRM_DAYS * 86400)
        else:
            payload = URLSafeSerializer(secret, salt=salt).loads(token)
    except SignatureExpired:
        raise BadAlertLink("This confirmation link has expired: subscribe again.") from None
    except BadSignature:
        raise BadAlertLink("This link is not valid. Copy the whole link from the e-mail.") from None
    if not isinstance(payload, dict) or not isinstance(payload.get("s"), int):
        raise BadAlertLink("This link is not valid. Copy the whole link from the e-mail.")
    found = db.session.get(AlertSubscription, payload["s"])
    return found if found is not None and secrets.compare_digest(found.nonce, str(payload.get("n"))) else None


# --- subscribing --------------------------------------------------------------------------------------


def check_email(email: str) -> str:
    email = (email or "").strip().lower()
    if len(email) > 254 or not _EMAIL.match(email):
        raise ValidationFailed("Enter an e-mail address like name@example.org.", field="email")
    return email


def _frequency(value: str) -> str:
    if value not in {f.value for f in AlertFrequency}:
        raise ValidationFailed("Choose daily or weekly.", field="frequency")
    return value


def _pending_for(email: str) -> int:
    return (
        db.session.scalar(
            select(func.count(AlertSubscription.id)).where(
                AlertSubscription.email == email, AlertSubscription.confirmed_at.is_(None)
            )
        )
        or 0
    )


def subscribe(email: str, followed: Target, frequency: str, config: Mapping[str, Any]) -> None:
    """Record an unconfirmed subscription and mail its confirmation link (at most every 10 minutes)."""
    if not mailer.enabled(config):
        raise ServiceUnavailable(ALERTS_OFF, code="alerts_off")
    email, frequency = check_email(email), _frequency(frequency)
    row = db.session.scalar(
        select(AlertSubscription).where(
            AlertSubscription.email == email,
            AlertSubscription.kind == followed.kind,
            AlertSubscription.target == followed.value,
        )
    )
    if row is not None and row.confirmed:
        log.info("alert already confirmed: nothing sent", extra={"subscription_id": row.id})
        return
    if row is None:
        if _pending_for(email) >= MAX_PENDING_PER_ADDRESS:
            log.warning("too many unconfirmed alerts for one address: nothing sent")
            return
        row = AlertSubscription(
            email=email, kind=followed.kind, target=followed.value, nonce=secrets.token_hex(16)
        )
        db.session.add(row)
    elif row.confirm_sent_at and utcnow() - row.confirm_sent_at < RESEND_AFTER:
        log.info("confirmation sent recently: not again", extra={"subscription_id": row.id})
        return
    row.frequency, row.confirm_sent_at = frequency, utcnow()
    try:
        db.session.commit()
    except IntegrityError:  # the same form sent twice at once: the other request mails the link
        db.session.rollback()
        return
    try:
        _send_confirmation(row, followed, config)
    except mailer.MailFailed:
        row.confirm_sent_at = None  # not sent: the next try may send at once
        db.session.commit()
        raise


def _send_confirmation(row: AlertSubscription, followed: Target, config: Mapping[str, Any]) -> None:
    link = site_url("alerts.confirm", token=_token(row, CONFIRM_SALT))
    text = render_template(
        "alerts/mail/confirm.txt", target=followed, link=link, days=CONFIRM_DAYS, frequency=row.frequency
    )
    mailer.send(config, mailer.Mail(to=row.email, subject=f"Confirm your alert: {followed.label}", text=text))
    log.info("alert confirmation mailed", extra={"subscription_id": row.id, "kind": row.kind})


def confirm(row: AlertSubscription) -> AlertSubscription:
    if row.confirmed_at is None:
        row.confirmed_at = row.last_sent_at = utcnow()  # the first digest holds leaflets from now on
        db.session.commit()
        log.info("alert confirmed", extra={"subscription_id": row.id})
    return row


def unsubscribe(row: AlertSubscription | None) -> None:
    """Delete the subscription (and so the address); a second click finds nothing and is fine."""
    if row is None:
        return
    subscription_id = row.id
    db.session.delete(row)
    db.session.commit()
    log.info("alert unsubscribed", extra={"subscription_id": subscription_id})


def purge_unconfirmed(now: datetime | None = None) -> int:
    cutoff = (now or utcnow()) - timedelta(days=CONFIRM_DAYS)
    result = db.session.execute(
        delete(AlertSubscription).where(
            AlertSubscription.confirmed_at.is_(None), AlertSubscription.created_at < cutoff
        )
    )
    db.session.commit()
    return int(getattr(result, "rowcount", 0) or 0)


def describe(row: AlertSubscription) -> Target:
    try:
        return target(row.kind, row.target)
    except ValidationFailed:
        raise NotFound("What this alert followed no longer exists.") from None
