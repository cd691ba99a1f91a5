"""Failures come out as OcrErrors with messages a moderator can read."""

from __future__ import annotations

import os
import subprocess
import sys
from typing import Any

import pytesseract
import pytest
from PIL import Image

import ocr


def test_missing_tesseract_raises_tesseract_not_found(plain_page: Any) -> None:
    before = pytesseract.pytesseract.tesseract_cmd
    with pytest.raises(ocr.TesseractNotFound, match="Tesseract is not installed or not on PATH"):
        ocr.recognise(plain_page.image, tesseract_cmd="/nonexistent/bin/tesseract")
    assert pytesseract.pytesseract.tesseract_cmd == before
    assert isinstance(ocr.TesseractNotFound(), ocr.OcrError)


@pytest.mark.parametrize("timeout_s", [0.001, 0.3])
def test_time_limit_raises_ocr_timeout(plain_page: Any, timeout_s: float) -> None:
    big = plain_page.image.resize((3300, 2700))
    with pytest.raises(ocr.OcrTimeout, match=f"OCR took longer than {timeout_s:g} s"):
        ocr.recognise(big, timeout_s=timeout_s)


def test_default_timeout_message() -> None:
    assert str(ocr.OcrTimeout(60)) == "OCR took longer than 60 s"


def test_tesseract_runs_single_threaded() -> None:
    assert os.environ["OMP_THREAD_LIMIT"] == "1"


def test_importing_ocr_pulls_in_neither_flask_nor_the_app() -> None:
    code = "import sys, ocr; assert not {'flask', 'leaflets'} & set(sys.modules), sorted(sys.modules)"
    subprocess.run([sys.executable, "-c", code], check=True, cwd=os.getcwd())


def test_unreadable_file_is_an_error(tmp_path: Any) -> None:
    path = tmp_path / "not-an-image.jpg"
    path.write_bytes(b"plain text")
    with pytest.raises((ocr.OcrError, OSError)):
        ocr.recognise(path)
    assert Image  # Pillow's own error (UnidentifiedImageError) is an OSError
