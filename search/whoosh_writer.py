"""The one writer per WhooshBackend: a background thread that batches queued changes into commits.

Whoosh allows one writer per index (a second gets LockError), in this process or another one (the
standalone OCR worker). Every change is queued here, applied in a batch, and committed within about
BATCH_WINDOW seconds; on LockError the commit is retried with backoff instead of failing.
"""

from __future__ import annotations

import logging
import queue
import random
import threading
import time
from typing import Callable

from whoosh.index import LockError

log = logging.getLogger(__name__)

BATCH_WINDOW = 0.1
MAX_BATCH = 5000
LOCK_WAIT_S = 60.0


class WriteFailed(RuntimeError):
    """A queued batch could not be committed."""


class BatchWriter:
    """Queue of (leaflet_id, fields-or-None) changes committed by one daemon thread."""

    def __init__(
        self,
        open_index: Callable,
        to_fields: Callable,
        name: str,
        after_commit: Callable[[], None] | None = None,
    ):
        self._open_index = open_index
        self._to_fields = to_fields
        self._after_commit = after_commit
        self._queue: queue.Queue = queue.Queue()
        self.generation = 0
        self.lock = threading.Lock()  # held while committing; rebuild takes it to pause writes
        self._error: Exception | None = None
        self._thread = threading.Thread(target=self._run, name=f"search-writer-{name}", daemon=True)
        self._thread.start()

    def put(self, changes: list[tuple[int, object]]) -> None:
        if changes:
            self._queue.put(("changes", changes))

    def flush(self, timeout: float = 120.0) -> None:
        done = threading.Event()
        self._queue.put(("barrier", done))
        if not done.wait(timeout):
            raise WriteFailed("The search index writer did not finish in time.")
        error, self._error = self._error, None
        if error is not None:
            raise error

    def clear_error(self) -> None:
        """Forget a failed commit whose changes a rebuild has since covered."""
        self._error = None

    def close(self) -> None:
        if self._thread.is_alive():
            self._queue.put(("stop", None))
            self._thread.join(timeout=30)

    def _run(self) -> None:
        while True:
            kind, payload = self._queue.get()
            batch: dict[int, object] = {}
            barriers: list[threading.Event] = []
            stop = False
            deadline = time.monotonic() + BATCH_WINDOW
            while True:
                if kind == "changes":
                    batch.update(payload)
                elif kind == "barrier":
                    barriers.append(payload)
                else:
                    stop = True
                if stop or len(batch) >= MAX_BATCH:
                    break
                try:
                    kind, payload = self._queue.get(timeout=max(deadline - time.monotonic(), 0.0))
                except queue.Empty:
                    break
            if batch:
                self._commit(batch)
            for event in barriers:
                event.set()
            if stop:
                return

    def _commit(self, batch: dict[int, object]) -> None:
        try:
            with self.lock:
                writer = self._writer_with_retry()
                try:
                    for leaflet_id, doc in batch.items():
                        if doc is None:
                            writer.delete_by_term("lid", str(leaflet_id))
                        else:  # fields an index made before them lacks wait for `search rebuild`
                            fields = self._to_fields(doc)
                            writer.update_document(**{k: v for k, v in fields.items() if k in writer.schema})
                    writer.commit()
                except BaseException:
                    writer.cancel()
                    raise
                self.generation += 1
            log.debug("search index committed", extra={"changes": len(batch)})
        except Exception as exc:  # the writer loop boundary: record, report at flush()
            log.exception("search index commit failed", extra={"changes": len(batch)})
            self._error = exc if isinstance(exc, WriteFailed) else WriteFailed(f"Index commit failed: {exc}")
            return
        if self._after_commit is not None:
            try:  # outside the lock: readers already see the commit; this only makes later reads faster
                self._after_commit()
            except Exception:
                log.exception("search index: work after a commit failed; searches still work, more slowly")

    def _writer_with_retry(self):
        delay, waited = 0.02, 0.0
        while True:
            try:
                return self._open_index().writer()
            except LockError:
                if waited > LOCK_WAIT_S:
                    raise WriteFailed("Another process held the search index lock for too long.") from None
                pause = delay * (1 + random.random())
                time.sleep(pause)
                waited += pause
                delay = min(delay * 2, 1.0)
