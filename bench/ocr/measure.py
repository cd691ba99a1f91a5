"""Run plain Tesseract and ocr.recognise on photos, timing wall and CPU seconds."""

from __future__ import annotations

import csv
import io
import multiprocessing
import os
import resource
import subprocess
import time
from dataclasses import dataclass, field
from statistics import mean

import ocr

ENV = {**os.environ, "OMP_THREAD_LIMIT": "1"}  # the same single-threaded Tesseract for both
TIMEOUT_S = 300.0


@dataclass(frozen=True)
class Reading:
    """One engine's text for one photo, what it cost, and what the engine said about it."""

    text: str
    wall_s: float
    cpu_s: float
    confidence: float | None = None  # mean word confidence 0-100 (plain: only where asked for)
    readable: bool | None = None  # the pipeline's verdict; None for plain Tesseract
    rotation: int | None = None  # clockwise quarter turn the pipeline applied
    quality: dict[str, float] = field(default_factory=dict)


def _cpu() -> float:
    """CPU seconds used so far by this process and its finished children."""
    own, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def _tesseract(path: str, *extra: str) -> str:
    done = subprocess.run(
        ["tesseract", path, "stdout", *extra],
        capture_output=True,
        text=True,
        env=ENV,
        check=False,
        timeout=TIMEOUT_S,
    )
    return done.stdout


def plain_tesseract(path: str) -> Reading:
    """`tesseract IMAGE stdout` with default settings."""
    wall, cpu = time.perf_counter(), _cpu()
    text = _tesseract(path)
    return Reading(text, time.perf_counter() - wall, _cpu() - cpu)


def plain_confidence(path: str) -> float:
    """Mean word confidence of plain Tesseract (a second, untimed run with TSV output)."""
    rows = csv.DictReader(io.StringIO(_tesseract(path, "tsv")), delimiter="\t", quoting=csv.QUOTE_NONE)
    confidences = [
        float(row["conf"])
        for row in rows
        if row.get("text", "").strip() and float(row.get("conf") or -1) >= 0
    ]
    return mean(confidences) if confidences else 0.0


def pipeline(path: str) -> Reading:
    """`ocr.recognise(path)`."""
    wall, cpu = time.perf_counter(), _cpu()
    result = ocr.recognise(path, timeout_s=TIMEOUT_S)
    wall, cpu = time.perf_counter() - wall, _cpu() - cpu
    return Reading(
        result.text,
        wall,
        cpu,
        result.confidence,
        getattr(result, "readable", None),
        result.rotation,
        dict(getattr(result, "quality", {}) or {}),
    )


def _recognise_text(path: str) -> int:
    return len(ocr.recognise(path, timeout_s=TIMEOUT_S).text)


def pool_throughput(paths: list[str], workers: int) -> float:
    """Images per minute of ocr.recognise over `paths` with `workers` processes (pool start excluded)."""
    context = multiprocessing.get_context("spawn")
    with context.Pool(workers) as pool:
        pool.map(_recognise_text, paths[:workers], chunksize=1)  # warm up: imports and first Tesseract
        start = time.perf_counter()
        pool.map(_recognise_text, paths, chunksize=1)
        elapsed = time.perf_counter() - start
    return 60.0 * len(paths) / elapsed
