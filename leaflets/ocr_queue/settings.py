"""The queue's knobs, read once from app.config (OCR_* keys, with their defaults in leaflets/config.py)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Mapping

from leaflets import config as config_module

# The dataclass's own defaults are config.py's, so QueueSettings() in a test means "as configured by default".
_DEFAULTS = config_module.defaults(config_module.PROJECT_ROOT / "instance")

# The pipeline shrinks larger photos to this many pixels before reading (ocr.pipeline.MAX_INPUT_SIDE squared).
_LARGEST_READ_MPX = 3200 * 3200 / 1e6


@dataclass(frozen=True)
class QueueSettings:
    lang: str = _DEFAULTS["OCR_LANG"]
    timeout_s: float = _DEFAULTS["OCR_TIMEOUT_S"]
    max_attempts: int = _DEFAULTS["OCR_MAX_ATTEMPTS"]
    lease_s: float = _DEFAULTS["OCR_LEASE_S"]
    backoff_s: float = _DEFAULTS["OCR_BACKOFF_S"]
    backoff_max_s: float = _DEFAULTS["OCR_BACKOFF_MAX_S"]
    poll_s: float = _DEFAULTS["OCR_POLL_S"]
    workers: int = _DEFAULTS["OCR_WORKERS"]
    start_workers: bool = _DEFAULTS["OCR_START_WORKERS"]
    tesseract_cmd: str | None = _DEFAULTS["OCR_TESSERACT_CMD"]
    celery_queue: str = _DEFAULTS["OCR_CELERY_QUEUE"]
    timeout_base_s: float = _DEFAULTS["OCR_TIMEOUT_BASE_S"]
    timeout_per_mpx_s: float = _DEFAULTS["OCR_TIMEOUT_PER_MPX_S"]

    @classmethod
    def from_config(cls, config: Mapping[str, Any]) -> "QueueSettings":
        def get(key: str) -> Any:
            return config[key]

        return cls(
            lang=str(get("OCR_LANG")),
            timeout_s=float(get("OCR_TIMEOUT_S")),
            max_attempts=max(1, int(get("OCR_MAX_ATTEMPTS"))),
            lease_s=float(get("OCR_LEASE_S")),
            backoff_s=float(get("OCR_BACKOFF_S")),
            backoff_max_s=float(get("OCR_BACKOFF_MAX_S")),
            poll_s=float(get("OCR_POLL_S")),
            workers=max(0, int(get("OCR_WORKERS"))),
            start_workers=bool(get("OCR_START_WORKERS")),
            tesseract_cmd=get("OCR_TESSERACT_CMD"),
            celery_queue=str(get("OCR_CELERY_QUEUE")),
            timeout_base_s=float(get("OCR_TIMEOUT_BASE_S")),
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
