"""`flask load-reference-data`."""

from __future__ import annotations

import click
from flask.cli import with_appcontext

from leaflets.commands.progress import progress_bar
from leaflets.services import reference_data


@click.command("load-reference-data")
@with_appcontext
def load_reference_data() -> None:
    """Load parties, constituencies, postcode lookups, elections and tags (safe to run again)."""
    with progress_bar("Loading reference data", reference_data.progress_length()) as bar:
        report = reference_data.load_all(progress=lambda _stage, n: bar.advance(n))
    click.echo(
        f"Loaded {report.parties} parties, {report.areas} areas, {report.districts} postcode-district rows, "
        f"{report.sectors} postcode-sector rows, {report.postcode_ranges} full-postcode ranges, "
        f"{report.elections} elections, {report.tags} tags."
    )
