"""Copy every stored image between the configured storage and a folder (backups, restores, moving from disk to
object storage). The folder has LocalStorage's layout (<sha[:2]>/<sha>/<variant>.<ext>, and held/<sha>.bin for
held bytes), so a backup is plain files anyone can read; folders already complete at the target are skipped,
so repeated backups are incremental. An upload's held bytes (a photo still waiting for its variants: the
database's pending_photo row names them) are copied too, so a backup taken mid-burst restores every photo."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Callable

from leaflets.storage import HELD, VARIANTS, Storage

log = logging.getLogger(__name__)


@dataclass
class SyncReport:
    copied: int = 0
    skipped: int = 0
    incomplete: int = 0
    held: int = 0


def copy_all(source: Storage, target: Storage, progress: Callable[[int], None] | None = None) -> SyncReport:
    report = SyncReport()
    for sha256 in source.all_shas():
        # exists() before read(): a held upload is megabytes, read only when the target lacks it
        holding = source.exists(sha256, HELD)
        if holding and not target.exists(sha256, HELD):
            held = source.read(sha256, HELD)
            if held is not None:
                target.put(sha256, HELD, held[0], held[1])
                report.held += 1
        if target.has(sha256):
            report.skipped += 1
            continue
        found = {variant: source.read(sha256, variant) for variant in VARIANTS}
        if not all(found.values()):
            if not holding:  # an upload interrupted between variants: sweep-uploads' business
                report.incomplete += 1
                log.warning("image folder incomplete: not copied", extra={"sha256": sha256})
            continue
        for variant, (data, mime) in found.items():  # type: ignore[misc]
            target.put(sha256, variant, data, mime)
        report.copied += 1
        if progress:
            progress(report.copied)
    log.info("images copied", extra=vars(report))
    return report
