"""The default backend: OCR_WORKERS threads inside the app process, waiting on the database queue.

Threads start on the app's first request or first enqueue rather than inside create_app, so CLI commands
(`flask db upgrade`, `flask ocr work`), the reloader's parent process and a pre-forking server's master never
run workers of their own. Jobs left pending while the app was down are picked up as soon as it starts serving.
"""

from __future__ import annotations

import logging
import threading
from typing import Iterable

from flask import Flask, has_request_context

from leaflets.ocr_queue.settings import QueueSettings
from leaflets.ocr_queue.variants import VariantWorker
from leaflets.ocr_queue.worker import Wakeup, Worker, run_in_thread

log = logging.getLogger(__name__)
JOIN_TIMEOUT_S = 10.0


class LocalQueue:
    def __init__(self, app: Flask, settings: QueueSettings) -> None:
        self.app = app
        self.settings = settings
        self.wakeup = Wakeup()
        self.threads: list[threading.Thread] = []
        self._lock = threading.Lock()
        self._closed = False
        if settings.start_workers and settings.workers > 0:
            app.before_request(self._start_on_first_request)

    @property
    def started(self) -> bool:
        return bool(self.threads)

    def start(self) -> None:
        """Start the worker threads once (safe to call from any thread, any number of times)."""
        with self._lock:
            if self.threads or self._closed:
                return
            for number in range(self.settings.workers):
                worker = Worker(self.app, self.settings, f"thread-{number}", self.wakeup)
                self.threads.append(run_in_thread(worker, f"ocr-worker-{number}"))
            if self.app.config["IMAGE_VARIANTS"] == "background":
                variants = VariantWorker(self.app, "thread", self.wakeup)
                self.threads.append(run_in_thread(variants, "variant-worker"))
        log.info("OCR worker threads started", extra={"workers": self.settings.workers})

    def _start_on_first_request(self) -> None:
        if not self.threads:
            self.start()

    def enqueue(self, image_ids: Iterable[int]) -> None:
        """The rows are already pending in the database: make sure workers run and wake one up.

        Outside a request (a CLI command such as demo-data) no threads are started: the process is about to
        exit, and the serving app or `flask ocr work` will take the pending jobs."""
        if self.settings.start_workers and self.settings.workers > 0 and has_request_context():
            self.start()
        self.wake()

    def wake(self) -> None:
        self.wakeup.notify()

    def close(self) -> None:
        """Stop the threads; a job still running past the join timeout is retried after its lease expires."""
        with self._lock:
            self._closed = True
            threads, self.threads = self.threads, []
        self.wakeup.stop()
        for thread in threads:
            thread.join(JOIN_TIMEOUT_S)
            if thread.is_alive():
                log.warning("OCR worker still busy at shutdown", extra={"thread": thread.name})
