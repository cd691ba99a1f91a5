"""`flask export dump OUTDIR`: the whole public archive as compressed CSV and JSON lines, with a README."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import click
from flask import current_app, url_for
from flask.cli import with_appcontext

from leaflets.services import dump, review

ENDPOINTS = {"leaflet": ("archive.leaflet", "leaflet_id"), "claim": ("volunteer.claim_page", "claim_id")}


def _url(kind: str, value: Any) -> str:
    if kind == "image":
        return url_for("media.image", sha256=value, variant="master", _external=True)
    endpoint, argument = ENDPOINTS[kind]
    return url_for(endpoint, **{argument: value}, _external=True)


@click.group("export")
def export_cli() -> None:
    """Data out of the archive."""


@export_cli.command("dump")
@click.argument("outdir", type=click.Path(file_okay=False, path_type=Path))
@with_appcontext
def dump_command(outdir: Path) -> None:
    """Write every public leaflet, text, tag, claim, rating and delivery to OUTDIR (links use SITE_URL)."""
    bars: dict[str, Any] = {}

    def progress(table: str, done: int, total: int) -> None:
        if table not in bars:
            for bar in bars.values():
                bar.render_finish()
            bars[table] = click.progressbar(length=total, label=f"{table:14}", show_pos=True, file=sys.stderr)
            bars[table].render_progress()
        bar = bars[table]
        bar.update(done - bar.pos)

    with current_app.test_request_context("/", base_url=current_app.config["SITE_URL"]):
        counts = dump.dump(outdir, current_app.config["SECRET_KEY"], review.rated_threshold(), _url, progress)
    for bar in bars.values():
        bar.render_finish()
    click.echo(f"Wrote {outdir}: " + ", ".join(f"{name} {rows:,}" for name, rows in counts.items()))
