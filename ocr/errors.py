"""Errors raised by the OCR pipeline, with messages a moderator can read."""

from __future__ import annotations


class OcrError(Exception):
    """Base class for every error the OCR pipeline raises."""


class TesseractNotFound(OcrError):
    """The Tesseract executable could not be run."""

    def __init__(self, command: str = "tesseract") -> None:
        super().__init__(f"Tesseract is not installed or not on PATH (tried {command!r})")
        self.command = command


class OcrTimeout(OcrError):
    """The pipeline ran past its time limit."""

    def __init__(self, timeout_s: float) -> None:
        super().__init__(f"OCR took longer than {timeout_s:g} s")
        self.timeout_s = timeout_s
