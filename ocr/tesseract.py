"""The one place that runs Tesseract (through pytesseract) and turns its failures into OcrErrors."""

from __future__ import annotations

import logging
import shutil
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import numpy as np
import pytesseract
from PIL import Image

from ocr.errors import OcrError, OcrTimeout, TesseractNotFound

logger = logging.getLogger(__name__)

_TEMPORARY_FORMAT = "PPM"  # Pillow's netpbm writer: PGM for grey pixels, PPM for colour


class _SharedExclusive:
    """Many default-command runs at once; a run with another command alone (it swaps a global)."""

    def __init__(self) -> None:
        self._condition = threading.Condition()
        self._shared = 0

    @contextmanager
    def shared(self) -> Iterator[None]:
        with self._condition:
            self._shared += 1
        try:
            yield
        finally:
            with self._condition:
                self._shared -= 1
                self._condition.notify_all()

    @contextmanager
    def exclusive(self) -> Iterator[None]:
        with self._condition:
            self._condition.wait_for(lambda: self._shared == 0)
            yield


# pytesseract reads the executable from a module global. Ordinary runs leave it alone and run in
# parallel; only a per-call override (tools, tests) swaps it, and waits until it runs alone.
_COMMAND_GUARD = _SharedExclusive()


@contextmanager
def _command(command: str | None) -> Iterator[str]:
    """Make pytesseract use `command` for the duration of the block."""
    module = pytesseract.pytesseract
    if command is None or command == module.tesseract_cmd:
        with _COMMAND_GUARD.shared():
            yield module.tesseract_cmd
        return
    with _COMMAND_GUARD.exclusive():
        previous = module.tesseract_cmd
        module.tesseract_cmd = command
        try:
            yield command
        finally:
            module.tesseract_cmd = previous


def ensure_available(command: str | None) -> None:
    """Raise TesseractNotFound unless the executable exists: a broken install must fail every job
    loudly, also those whose photo turns out to have no print and is never shown to Tesseract."""
    used = command or pytesseract.pytesseract.tesseract_cmd
    if shutil.which(used) is None:
        raise TesseractNotFound(used)


class Deadline:
    """Seconds left of a time limit shared by all Tesseract calls of one recognition."""

    def __init__(self, timeout_s: float, clock: Any) -> None:
        self.timeout_s = timeout_s
        self._clock = clock
        self._end = clock() + timeout_s

    def limited(self, seconds: float) -> Deadline:
        """A deadline of at most `seconds` that also ends with this one (for optional extra readings)."""
        return Deadline(min(seconds, self.remaining()), self._clock)

    def remaining(self) -> float:
        """Seconds left; raises OcrTimeout when none are."""
        left = self._end - self._clock()
        if left <= 0:
            raise OcrTimeout(self.timeout_s)
        return left


def _run(function: Any, image: np.ndarray, deadline: Deadline, command: str | None, **kwargs: Any) -> Any:
    """Call a pytesseract function with the deadline's remaining time, mapping its errors."""
    picture = Image.fromarray(image)
    # pytesseract hands Tesseract a temporary file in the image's format, PNG unless told: compressing a
    # photo-sized PNG costs seconds of CPU per call (4 s for 12 megapixels), a netpbm file next to nothing.
    # Neither carries a resolution, so Tesseract reads the same pixels the same way.
    picture.format = _TEMPORARY_FORMAT
    with _command(command) as used:
        try:
            return function(picture, timeout=deadline.remaining(), **kwargs)
        except pytesseract.TesseractNotFoundError as exc:
            raise TesseractNotFound(used) from exc
        except RuntimeError as exc:
            if str(exc) == "Tesseract process timeout":
                raise OcrTimeout(deadline.timeout_s) from exc
            raise OcrError(f"Tesseract failed: {exc}") from exc


def image_to_data(
    image: np.ndarray, lang: str, config: str, deadline: Deadline, command: str | None = None
) -> dict[str, list[Any]]:
    """Word-level TSV output of Tesseract as a dict of columns."""
    return _run(
        pytesseract.image_to_data,
        image,
        deadline,
        command,
        lang=lang,
        config=config,
        output_type=pytesseract.Output.DICT,
    )


def image_to_osd(image: np.ndarray, deadline: Deadline, command: str | None = None) -> dict[str, Any] | None:
    """Orientation and script detection, or None when Tesseract finds too little text to decide."""
    try:
        return _run(
            pytesseract.image_to_osd,
            image,
            deadline,
            command,
            config="--psm 0",
            output_type=pytesseract.Output.DICT,
        )
    except OcrError as exc:
        if isinstance(exc, (OcrTimeout, TesseractNotFound)):
            raise
        logger.debug("OSD could not decide: %s", exc)
        return None
