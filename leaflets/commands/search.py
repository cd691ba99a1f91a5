"""`flask search rebuild` (the index from the database, with a progress bar) and `flask search check`."""

from __future__ import annotations

import time

import click
from flask.cli import AppGroup

from leaflets.commands.progress import progress_bar
from leaflets.services import indexing
from search import IndexUnavailable

search_cli = AppGroup("search", help="Build and check the full-text search index.")
SHOW_IDS = 20


@search_cli.command("rebuild")
def rebuild() -> None:
    """Rebuild the search index from the database (repairs a missing or corrupt index)."""
    started = time.monotonic()
    total = indexing.live_count()
    with progress_bar("Indexing leaflets", total) as bar:
        seen = 0

        def advance(done: int) -> None:
            nonlocal seen
            bar.advance(max(done - seen, 0))
            seen = max(done, seen)

        try:
            count = indexing.rebuild(advance)
        except IndexUnavailable as error:
            raise click.ClickException(f"The search index could not be rebuilt: {error}") from error
    click.echo(f"Indexed {count} live leaflets in {time.monotonic() - started:.1f} s.")


def _ids(ids: list[int]) -> str:
    shown = ", ".join(str(i) for i in ids[:SHOW_IDS])
    return shown + (f" and {len(ids) - SHOW_IDS} more" if len(ids) > SHOW_IDS else "")


@search_cli.command("check")
@click.option("--repair", is_flag=True, help="Re-index missing or stale documents; drop extra ones.")
def check(repair: bool) -> None:
    """Report live leaflets missing from the index, stale documents and extra ones; exit 1 if any."""
    try:
        report = indexing.check()
    except IndexUnavailable as error:
        click.echo(f"The search index cannot be read: {error}", err=True)
        raise SystemExit(1) from error
    click.echo(f"Checked {report.checked} live leaflets against {report.indexed} indexed documents.")
    for label, ids in (
        ("missing from the index", report.missing),
        ("stale in the index", report.stale),
        ("in the index but not live", report.extra),
    ):
        if ids:
            click.echo(f"{len(ids)} {label}: {_ids(ids)}")
    if report.ok:
        click.echo("The search index matches the database.")
        return
    if repair:
        changed = indexing.repair(report)
        click.echo(f"Repaired {changed} documents.")
        return
    click.echo("Run 'flask search check --repair' or 'flask search rebuild' to fix this.")
    raise SystemExit(1)
