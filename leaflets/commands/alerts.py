"""`flask alerts send --frequency daily|weekly`: the digests of new matching leaflets (run it from cron)."""

from __future__ import annotations

import sys

import click
from flask import current_app
from flask.cli import with_appcontext
from sqlalchemy import func, select

from leaflets.extensions import db
from leaflets.models import AlertFrequency, AlertSubscription
from leaflets.services import alert_digest, mailer


@click.group("alerts")
def alerts_cli() -> None:
    """E-mail alerts."""


@alerts_cli.command("send")
@click.option("--frequency", type=click.Choice([f.value for f in AlertFrequency]), required=True)
@with_appcontext
def send(frequency: str) -> None:
    """Mail each confirmed FREQUENCY subscriber the leaflets new since their last digest (safe to rerun)."""
    config = current_app.config
    if not mailer.enabled(config):
        raise click.ClickException("No mail server is configured (MAIL_SERVER): alerts are off.")
    due = (
        db.session.scalar(
            select(func.count(AlertSubscription.id)).where(
                AlertSubscription.frequency == frequency, AlertSubscription.confirmed_at.is_not(None)
            )
        )
        or 0
    )
    with (
        current_app.test_request_context("/"),
        click.progressbar(length=due, label=f"{frequency} digests", show_pos=True, file=sys.stderr) as bar,
    ):
        try:
            report = alert_digest.send_digests(frequency, config, progress=bar.update)
        except mailer.MailFailed as error:
            raise click.ClickException(error.message) from error
    click.echo(
        f"{report.sent} sent, {report.empty} with nothing new, {report.failed} failed "
        f"({report.subscribers} {frequency} subscribers); {report.purged} unconfirmed removed."
    )
    if report.failed:
        sys.exit(1)
