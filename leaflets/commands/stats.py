"""`flask stats refresh`: recount every party's cached findings (after bulk SQL that bypassed the ORM)."""

from __future__ import annotations

import click
from flask.cli import with_appcontext

from leaflets.services import findings


@click.group("stats")
def stats_cli() -> None:
    """The cached per-party findings of /stats."""


@stats_cli.command("refresh")
@with_appcontext
def refresh() -> None:
    """Mark every (party, election) stale and recount it now."""
    count = findings.rebuild_all()
    click.echo(f"Recounted the findings of {count} group{'' if count == 1 else 's'} (party and election).")
