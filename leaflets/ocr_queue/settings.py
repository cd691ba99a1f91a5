"""The queue's knobs, read once from app.config (OCR_* keys; the extra ones have defaults here)."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Mapping

# Keys config.py does not define; any of them may be set through create_app(config).
EXTRA_DEFAULTS: dict[str, Any] = {
    "OCR_BACKOFF_S": 30.0,        # first retry delay; doubles with each attempt
    "OCR_BACKOFF_MAX_S": 3600.0,  # ceiling of the retry delay
    "OCR_POLL_S": 15.0,           # longest an idle worker sleeps before looking again (expired leases)
    "OCR_TESSERACT_CMD": None,    # Tesseract executable; None means `tesseract` on PATH
    "OCR_CELERY_QUEUE": "ocr",    # Celery queue name the tasks are sent to
    "OCR_TIMEOUT_BASE_S": 15.0,   # an image's OCR time budget: this, plus
    "OCR_TIMEOUT_PER_MPX_S": 8.0,  # this per megapixel read; OCR_TIMEOUT_S caps the sum
}
# The pipeline shrinks larger photos to this many pixels before reading (ocr.pipeline.MAX_INPUT_SIDE squared).
_LARGEST_READ_MPX = 3200 * 3200 / 1e6


@dataclass(frozen=True)
class QueueSettings:
    lang: str = "eng"
    timeout_s: float = 120.0
    max_attempts: int = 3
    lease_s: float = 300.0
    backoff_s: float = 30.0
    backoff_max_s: float = 3600.0
    poll_s: float = 15.0
    workers: int = 1
    start_workers: bool = True
    tesseract_cmd: str | None = None
    celery_queue: str = "ocr"
    timeout_base_s: float = 15.0
    timeout_per_mpx_s: float = 8.0

    @classmethod
    def from_config(cls, config: Mapping[str, Any]) -> "QueueSettings":
        def get(key: str) -> Any:
            return config.get(key, EXTRA_DEFAULTS.get(key))

        return cls(
            lang=str(get("OCR_LANG")), timeout_s=float(get("OCR_TIMEOUT_S")),
            max_attempts=max(1, int(get("OCR_MAX_ATTEMPTS"))), lease_s=float(get("OCR_LEASE_S")),
            backoff_s=float(get("OCR_BACKOFF_S")), backoff_max_s=float(get("OCR_BACKOFF_MAX_S")),
            poll_s=float(get("OCR_POLL_S")), workers=max(0, int(get("OCR_WORKERS"))),
            start_workers=bool(get("OCR_START_WORKERS")), tesseract_cmd=get("OCR_TESSERACT_CMD"),
            celery_queue=str(get("OCR_CELERY_QUEUE")), timeout_base_s=float(get("OCR_TIMEOUT_BASE_S")),
            timeout_per_mpx_s=float(get("OCR_TIMEOUT_PER_MPX_S")),
        )

    def backoff_after(self, attempt: int) -> float:
        """Seconds to wait before attempt `attempt + 1`: backoff_s, 2x, 4x ... capped."""
        return min(self.backoff_max_s, self.backoff_s * 2 ** max(0, attempt - 1))

    def budget_s(self, size: tuple[int, int]) -> float:
        """Seconds one image may take, in proportion to the pixels read, capped by timeout_s: a big noisy
        photo cannot hold a worker for minutes, and a small one is not cut short."""
        megapixels = min(size[0] * size[1] / 1e6, _LARGEST_READ_MPX)
        return min(self.timeout_s, self.timeout_base_s + self.timeout_per_mpx_s * megapixels)
