"""`flask sweep-uploads`: remove stored images that no leaflet refers to."""

from __future__ import annotations

import click
from flask.cli import with_appcontext

from leaflets.services import sweeping


@click.command("sweep-uploads")
@click.option(
    "--min-age-hours",
    default=6.0,
    show_default=True,
    help="Leave younger folders alone: an upload may be between storing files and committing rows.",
)
@click.option("--dry-run", is_flag=True, help="Only list what would be removed.")
@with_appcontext
def sweep_uploads(min_age_hours: float, dry_run: bool) -> None:
    """Delete orphaned image folders from upload storage."""
    removed = sweeping.sweep_orphans(min_age_s=min_age_hours * 3600, dry_run=dry_run)
    verb = "Would remove" if dry_run else "Removed"
    click.echo(f"{verb} {len(removed)} orphaned image folder(s).")
    for sha256 in removed:
        click.echo(f"  {sha256}")
