"""The loop that makes uploaded photos' variants in the background (services/photo_variants.py).

The same loop runs each upload's look-alike check (services/pending_uploads.py) before its next photo.
It runs beside the OCR loop: as a thread in the app process (the embedded default) or in each
`flask ocr work` process (`make run`), so decoding and re-encoding photos never holds a web request. Every
COMPARE_REFRESH_S it also makes compare's rows for the leaflets uploaded since (indexing.catch_up): one
refresh for a burst of uploads instead of one on each upload's request.
"""

from __future__ import annotations

import logging
import time

from flask import Flask

from leaflets.ocr_queue import preparing
from leaflets.ocr_queue.worker import Wakeup, owner_name
from leaflets.services import indexing, pending_uploads, photo_variants

log = logging.getLogger(__name__)


class VariantWorker:
    def __init__(self, app: Flask, label: str, wakeup: Wakeup) -> None:
        self.app = app
        self.owner = owner_name(f"variants-{label}")
        self.wakeup = wakeup
        self.poll_s = float(app.config["VARIANT_POLL_S"])
        self.compare_every_s = float(app.config["COMPARE_REFRESH_S"])
        self.compare_due = time.monotonic()
        self.photos_made = 0

    def run(self, *, stop_when_idle: bool = False) -> int:
        """Make variants and run look-alike checks until stopped (or, with `stop_when_idle`, until none
        waits); returns the photos made."""
        before = self.photos_made
        while not self.wakeup.stopped:
            seen = self.wakeup.generation
            outcome = self.step()
            if outcome:
                continue
            if stop_when_idle and outcome is False:
                break
            self.wakeup.wait(seen, self.poll_s)
        return self.photos_made - before

    def step(self) -> bool | None:
        """Run one due look-alike check, else make one photo's variants: True if there was work, False if
        none waited, None on a fault."""
        self.catch_up_compare()
        try:  # the loop boundary: a database outage or a bad photo must not end the worker
            with self.app.app_context():
                # A check costs a tenth of making a photo's copies (it compares the small pictures the
                # uploads' checks kept): first, so an uploader is asked within seconds while a burst waits.
                if pending_uploads.check_next():
                    return True
                sha256 = photo_variants.claim_next(self.owner)
                if sha256 is None:
                    return False
                self.photos_made += 1
                if photo_variants.make(sha256, self.owner):
                    preparing.made(sha256, self.wakeup)
                return True
        except Exception:
            log.exception("photo variant job crashed", extra={"owner": self.owner})
            return None

    def catch_up_compare(self) -> None:
        """At most every COMPARE_REFRESH_S, even while photos keep arriving: compare rows for new leaflets."""
        if time.monotonic() < self.compare_due:
            return
        self.compare_due = time.monotonic() + self.compare_every_s
        try:
            with self.app.app_context():
                indexing.catch_up()
        except Exception:  # the next pass tries again; `flask compare update` repairs
            log.exception("compare catch-up failed", extra={"owner": self.owner})
