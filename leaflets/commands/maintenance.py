"""Small operational commands."""

from __future__ import annotations

import click
from flask.cli import with_appcontext
from sqlalchemy import func, select

from leaflets.extensions import db
from leaflets.models import Leaflet


@click.command("leaflet-count")
@with_appcontext
def leaflet_count() -> None:
    """Print how many leaflets the archive holds (used by `make run` to offer demo data)."""
    click.echo(db.session.scalar(select(func.count(Leaflet.id))))
