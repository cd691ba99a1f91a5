"""`flask compare rebuild` (every compare row made again) and `flask compare update` (only what changed)."""

from __future__ import annotations

import time

import click
from flask.cli import AppGroup

from leaflets.commands.progress import progress_bar
from leaflets.services.compare import store

compare_cli = AppGroup("compare", help="Build compare's precomputed rows (templates, figures, term counts).")


@compare_cli.command("rebuild")
def rebuild() -> None:
    """Make every compare row again from the leaflets (templates clustered afresh)."""
    started = time.monotonic()
    with progress_bar("Analysing leaflets", len(store.all_ids())) as bar:
        count = store.rebuild(bar.advance)
    click.echo(f"Analysed {count} leaflets in {time.monotonic() - started:.1f} s.")


@compare_cli.command("update")
def update() -> None:
    """Analyse every leaflet again and write only what changed (after an upgrade, or a missed change)."""
    with progress_bar("Checking leaflets", len(store.all_ids())) as bar:
        changed = store.update_all(bar.advance)
    click.echo(f"{changed} leaflets changed.")
