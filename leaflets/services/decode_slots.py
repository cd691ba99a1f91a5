"""A cap on how many images one process decodes at once.

Decoding a 48-megapixel photo and making its variants holds several hundred MB for a second or two; without a
cap, a burst of uploads decodes them all at once and the worker's memory grows with the burst. Uploads beyond
the cap wait their turn, and after `wait_s` get a readable 503 instead of queueing without end.
"""

from __future__ import annotations

import threading
from contextlib import contextmanager
from typing import Iterator

from leaflets.services.errors import ServiceUnavailable


class DecodeSlots:
    def __init__(self, slots: int, wait_s: float) -> None:
        if slots < 1:
            raise ValueError("at least one decode slot is needed")
        self.slots = slots
        self.wait_s = wait_s
        self._semaphore = threading.BoundedSemaphore(slots)
        self._lock = threading.Lock()
        self.in_use = 0
        self.peak = 0  # the most ever held at once, for logs and tests

    @contextmanager
    def held(self) -> Iterator[None]:
        if not self._semaphore.acquire(timeout=self.wait_s):
            raise ServiceUnavailable(
                "The archive is busy processing other photos. Please try again in a "
                "minute: nothing was saved.",
                code="busy",
            )
        with self._lock:
            self.in_use += 1
            self.peak = max(self.peak, self.in_use)
        try:
            yield
        finally:
            with self._lock:
                self.in_use -= 1
            self._semaphore.release()
