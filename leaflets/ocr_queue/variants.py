"""The loop that makes uploaded photos' variants in the background (services/photo_variants.py).

It runs beside the OCR loop: as a thread in the app process (the embedded default) or in each
`flask ocr work` process (`make run`), so decoding and re-encoding photos never holds a web request. Every
COMPARE_REFRESH_S it also makes compare's rows for the leaflets uploaded since (indexing.catch_up): one
refresh for a burst of uploads instead of one on each upload's request.
"""

from __future__ import annotations

import logging
import time

from flask import Flask

from leaflets.ocr_queue.worker import Wakeup, owner_name
from leaflets.services import indexing, photo_variants

log = logging.getLogger(__name__)


class VariantWorker:
    def __init__(self, app: Flask, label: str, wakeup: Wakeup) -> None:
        self.app = app
        self.owner = owner_name(f"variants-{label}")
        self.wakeup = wakeup
        self.poll_s = float(app.config["VARIANT_POLL_S"])
        self.compare_every_s = float(app.config["COMPARE_REFRESH_S"])
        self.compare_due = time.monotonic()

    def run(self, *, stop_when_idle: bool = False) -> int:
        """Make variants until stopped (or, with `stop_when_idle`, until none waits); returns photos made."""
        made = 0
        while not self.wakeup.stopped:
            seen = self.wakeup.generation
            outcome = self.step()
            if outcome:
                made += 1
                continue
            if stop_when_idle and outcome is False:
                break
            self.wakeup.wait(seen, self.poll_s)
        return made

    def step(self) -> bool | None:
        """Make one photo's variants: True if one was taken, False if none waited, None on a fault."""
        self.catch_up_compare()
        try:  # the loop boundary: a database outage or a bad photo must not end the worker
            with self.app.app_context():
                sha256 = photo_variants.claim_next(self.owner)
                if sha256 is None:
                    return False
                if photo_variants.make(sha256, self.owner):
                    self.wakeup.notify()  # an OCR loop sharing the wakeup may read the photo now
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
