"""The whole public archive as files: gzip-compressed CSV and JSON lines per table, with a README.

Only live leaflets and what belongs to them go out (hidden and removed ones never do; a removed copy that a
moderator merged gives only its place and date, as the leaflet page shows it). No e-mail address, name or
account id: a rater is a keyed pseudonym, the same across files so agreement can be studied.
Every table is read in chunks of leaflet ids from a session of its own, so memory stays flat at any size.
"""

from __future__ import annotations

import csv
import gzip
import hashlib
import hmac
import io
import json
import logging
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, Iterator, Sequence

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from leaflets.api.search import safe_cell
from leaflets.extensions import db
from leaflets.models import Leaflet, LeafletStatus
from leaflets.services import dump_tables

log = logging.getLogger(__name__)
CHUNK = 500


@dataclass
class DumpContext:
    session: Session
    secret: str
    threshold: int
    url: Callable[[str, Any], str]  # ("leaflet", id) | ("claim", id) | ("image", sha256) -> absolute URL

    def rater(self, user_id: int) -> str:
        digest = hmac.new(self.secret.encode(), f"rater:{user_id}".encode(), hashlib.sha256)
        return "r" + digest.hexdigest()[:12]


def live_id_chunks(session: Session, chunk: int | None = None) -> Iterator[list[int]]:
    after, chunk = 0, chunk or CHUNK
    while True:
        ids = list(
            session.scalars(
                select(Leaflet.id)
                .where(Leaflet.status == LeafletStatus.LIVE, Leaflet.id > after)
                .order_by(Leaflet.id)
                .limit(chunk)
            )
        )
        if not ids:
            return
        yield ids
        after = ids[-1]


class _Writers:
    """A CSV and a JSON-lines file for one table, written to temporary names and renamed when complete."""

    def __init__(self, outdir: Path, name: str, columns: Sequence[str]) -> None:
        self.columns = list(columns)
        self.paths = [outdir / f"{name}.csv.gz", outdir / f"{name}.jsonl.gz"]
        self.files = [
            io.TextIOWrapper(gzip.GzipFile(str(path) + ".part", "wb", mtime=0), encoding="utf-8", newline="")
            for path in self.paths
        ]
        self.csv = csv.writer(self.files[0])
        self.csv.writerow(self.columns)
        self.rows = 0

    def write(self, row: dict[str, Any]) -> None:
        self.csv.writerow([safe_cell(row.get(column)) for column in self.columns])
        self.files[1].write(
            json.dumps({c: row.get(c) for c in self.columns}, ensure_ascii=False, default=str) + "\n"
        )
        self.rows += 1

    def close(self) -> None:
        for file, path in zip(self.files, self.paths):
            file.close()
            os.replace(str(path) + ".part", path)


def write_dump(
    outdir: Path, context: DumpContext, progress: Callable[[str, int, int], None] | None = None
) -> dict[str, int]:
    """Write every table and the README; returns rows per table. `progress(table, done, total)`."""
    outdir.mkdir(parents=True, exist_ok=True)
    total = (
        context.session.scalar(select(func.count(Leaflet.id)).where(Leaflet.status == LeafletStatus.LIVE))
        or 0
    )
    counts: dict[str, int] = {}
    for table in dump_tables.TABLES:
        writers = _Writers(outdir, table.name, [name for name, _ in table.columns])
        done = 0
        for ids in live_id_chunks(context.session):
            for row in table.rows(context, ids):
                writers.write(row)
            done += len(ids)
            context.session.expunge_all()
            if progress:
                progress(table.name, done, total)
        writers.close()
        counts[table.name] = writers.rows
        log.info("dump table written", extra={"table": table.name, "rows": writers.rows})
    (outdir / "README.md").write_text(dump_tables.readme(counts, context.threshold), encoding="utf-8")
    return counts


def dump(
    outdir: Path,
    secret: str,
    threshold: int,
    url: Callable[[str, Any], str],
    progress: Callable[[str, int, int], None] | None = None,
) -> dict[str, int]:
    with Session(db.engine) as session:
        return write_dump(outdir, DumpContext(session, secret, threshold, url), progress)
