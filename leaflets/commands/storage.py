"""`flask storage init|export|import` (image storage) and `flask counts check` (the kept live counts)."""

from __future__ import annotations

from pathlib import Path

import click
from flask.cli import AppGroup

from leaflets import runtime
from leaflets.services import live_counts, storage_sync
from leaflets.storage import LocalStorage

storage_cli = AppGroup("storage", help="Image storage: create the bucket, copy images to and from a folder.")
counts_cli = AppGroup("counts", help="The live leaflet counts the database keeps for the pages.")


@storage_cli.command("init")
def init() -> None:
    """Create the S3 bucket if it is missing (STORAGE=s3), or the upload folder; then check it answers."""
    storage = runtime.storage()
    if hasattr(storage, "ensure_bucket"):
        storage.ensure_bucket()
    storage.check()
    click.echo("Image storage is ready.")


@storage_cli.command("export")
@click.argument("folder", type=click.Path(file_okay=False, path_type=Path))
def export(folder: Path) -> None:
    """Copy every stored image into FOLDER (incremental: complete folders there are skipped)."""
    report = storage_sync.copy_all(runtime.storage(), LocalStorage(folder))
    click.echo(
        f"Exported {report.copied} image(s) to {folder}; {report.skipped} already there, "
        f"{report.incomplete} incomplete left out; {report.held} waiting photo(s) copied."
    )


@storage_cli.command("import")
@click.argument("folder", type=click.Path(file_okay=False, exists=True, path_type=Path))
def import_(folder: Path) -> None:
    """Copy every image in FOLDER (as `flask storage export` wrote it) into the configured storage."""
    report = storage_sync.copy_all(LocalStorage(folder), runtime.storage())
    click.echo(
        f"Imported {report.copied} image(s) from {folder}; {report.skipped} already there, "
        f"{report.incomplete} incomplete left out; {report.held} waiting photo(s) copied."
    )


@counts_cli.command("check")
@click.option("--repair", is_flag=True, help="Replace the kept counts with a recount when they differ.")
def check(repair: bool) -> None:
    """Compare the kept counts with a recount of the leaflets (slow on a big archive)."""
    kept, counted = live_counts.kept(), live_counts.recount()
    differing = sorted(set(kept.items()) ^ set(counted.items()))
    if not differing:
        click.echo("The kept counts are exact.")
        return
    click.echo(f"{len(differing)} kept count(s) differ from a recount.")
    if repair:
        live_counts.repair()
        click.echo("Repaired.")
    else:
        raise SystemExit(1)
