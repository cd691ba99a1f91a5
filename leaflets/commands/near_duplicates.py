"""`flask near-duplicates backfill`: fingerprint the photos stored before near-duplicates existed, and link
the leaflets whose text is likely the same (docs/near-duplicates.md)."""

from __future__ import annotations

import click
from flask.cli import AppGroup

from leaflets.commands.progress import progress_bar
from leaflets.services import near_duplicates

near_duplicates_cli = AppGroup(
    "near-duplicates", help="Find the same leaflet photographed or uploaded twice."
)


@near_duplicates_cli.command("backfill")
@click.option(
    "--text/--no-text",
    default=True,
    show_default=True,
    help="Also link leaflets whose text (names and figures masked) is likely the same.",
)
def backfill(text: bool) -> None:
    """Fingerprint every stored photo that has no fingerprint yet."""
    missing = len(near_duplicates.unfingerprinted())
    with progress_bar("Fingerprinting photos", missing) as bar:
        added = near_duplicates.backfill(bar.advance)
    click.echo(f"Fingerprinted {added} of {missing} photo folder(s) without one.")
    if text:
        with progress_bar("Linking text copies", len(near_duplicates.read_leaflet_ids())) as bar:
            linked = near_duplicates.link_all_text(bar.advance)
        click.echo(f"{linked} leaflet(s) have a likely text copy.")
