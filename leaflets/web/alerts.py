"""E-mail alerts: choose what to follow, subscribe, confirm, unsubscribe (also RFC 8058 one-click)."""

from __future__ import annotations

from urllib.parse import urlencode

from flask import Blueprint, current_app, render_template, request
from flask.typing import ResponseReturnValue

from leaflets.extensions import csrf, limiter
from leaflets.forms.alerts import ConfirmForm, SubscribeForm
from leaflets.models import AlertKind
from leaflets.services import alert_choices, alerts, mailer
from leaflets.services.alerts import CONFIRM_SALT, UNSUBSCRIBE_SALT
from leaflets.services.errors import DomainError

bp = Blueprint("alerts", __name__, url_prefix="/alerts")


def _alert_limit() -> str:
    return str(current_app.config["ALERT_RATE_LIMIT"])


def _followed() -> tuple[str, str]:
    """(kind, value) from ?party=, ?area=, ?search= (a search's query string), the alerts page's search form
    (?kind=search&q=...), or the subscription form's hidden fields."""
    if request.method == "POST":
        return request.form.get("kind", ""), request.form.get("target", "")
    if request.args.get("kind") == AlertKind.SEARCH:
        return AlertKind.SEARCH, urlencode([(k, v) for k, v in request.args.items(multi=True) if k != "kind"])
    for kind in (AlertKind.PARTY, AlertKind.AREA, AlertKind.SEARCH):
        if request.args.get(kind):
            return kind, request.args[kind]
    return "", ""


@bp.get("")
def choose() -> str:
    return render_template(
        "alerts/choose.html", choices=alert_choices.choices(), enabled=mailer.enabled(current_app.config)
    )


@bp.route("/subscribe", methods=["GET", "POST"])
@limiter.limit(_alert_limit, methods=["POST"])
def subscribe() -> ResponseReturnValue:
    kind, value = _followed()
    followed = alerts.target(kind, value)  # an unknown party or a bad search is a 422 page, not a form
    form = SubscribeForm(kind=followed.kind, target=followed.value)
    enabled, sent, status = mailer.enabled(current_app.config), False, 200
    if enabled and form.validate_on_submit():
        try:
            alerts.subscribe(form.email.data or "", followed, form.frequency.data or "", current_app.config)
            sent = True
        except DomainError as error:
            getattr(form, error.field or "email", form.email).errors = [error.message]
    if form.errors:
        status = 422
    return render_template(
        "alerts/subscribe.html", form=form, target=followed, enabled=enabled, sent=sent
    ), status


@bp.route("/confirm/<token>", methods=["GET", "POST"])
def confirm(token: str) -> ResponseReturnValue:
    row = alerts.subscription_for(token, CONFIRM_SALT)
    form = ConfirmForm()
    if row is not None and form.validate_on_submit():
        alerts.confirm(row)
    return render_template(
        "alerts/confirm.html", row=row, form=form, target=alerts.describe(row) if row else None
    ), 200 if row else 404


@bp.route("/unsubscribe/<token>", methods=["GET", "POST"])
def unsubscribe(token: str) -> ResponseReturnValue:
    row = alerts.subscription_for(token, UNSUBSCRIBE_SALT)
    form = ConfirmForm()
    done = row is None
    followed = alerts.describe(row) if row is not None else None
    if row is not None and form.validate_on_submit():
        alerts.unsubscribe(row)
        done = True
    return render_template("alerts/unsubscribe.html", form=form, target=followed, done=done)


@bp.post("/unsubscribe/<token>/one-click")
@csrf.exempt  # RFC 8058: a mail client posts "List-Unsubscribe=One-Click"; the signed token is the key
def one_click_unsubscribe(token: str) -> ResponseReturnValue:
    alerts.unsubscribe(alerts.subscription_for(token, UNSUBSCRIBE_SALT))
    return "Unsubscribed.\n", 200, {"Content-Type": "text/plain; charset=utf-8"}
