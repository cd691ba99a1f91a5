"""`flask demo-data`: fill a fresh archive with generated leaflets."""

from __future__ import annotations

import click
from flask.cli import with_appcontext

from leaflets.commands.progress import progress_bar
from leaflets.services import demo_data


@click.command("demo-data")
@click.option(
    "--count", default=50, show_default=True, type=click.IntRange(1, 1000), help="How many leaflets."
)
@click.option(
    "--seed", default=2024, show_default=True, type=int, help="The same seed makes the same leaflets."
)
@click.option("--force", is_flag=True, help="Add demo leaflets even though the archive already has some.")
@with_appcontext
def demo_data_command(count: int, seed: int, force: bool) -> None:
    """Fill a fresh site with generated leaflets (through the real upload service) so it looks alive."""
    existing = demo_data.existing_leaflets()
    if existing and not force:
        raise click.ClickException(
            f"The archive already has {existing} leaflets; demo data is for a fresh "
            "site. Run with --force to add demo leaflets anyway."
        )
    with progress_bar("Making demo leaflets", count) as bar:
        made = demo_data.create_demo_leaflets(count, seed, progress=bar.advance)
    copies = sum(1 for leaflet in made if leaflet.duplicate_of_id)
    click.echo(
        f"Added {len(made)} demo leaflets ({copies} delivered to more than one place). "
        "OCR runs in the background."
    )
    # findings: demo volunteers mark and rate each headline, so /stats shows per-party findings
    from leaflets.services import demo_findings

    click.echo(f"Demo volunteers rated {demo_findings.rate_demo_leaflets(made, seed)} claims.")
