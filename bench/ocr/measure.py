"""Run plain Tesseract and ocr.recognise on photos, timing wall and CPU seconds."""

from __future__ import annotations

import multiprocessing
import os
import resource
import subprocess
import time
from dataclasses import dataclass

import ocr

ENV = {**os.environ, "OMP_THREAD_LIMIT": "1"}  # the same single-threaded Tesseract for both


@dataclass(frozen=True)
class Reading:
    """One engine's text for one photo and what it cost."""

    text: str
    wall_s: float
    cpu_s: float


def _cpu() -> float:
    """CPU seconds used so far by this process and its finished children."""
    own, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def plain_tesseract(path: str) -> Reading:
    """`tesseract IMAGE stdout` with default settings."""
    wall, cpu = time.perf_counter(), _cpu()
    done = subprocess.run(["tesseract", path, "stdout"], capture_output=True, text=True, env=ENV, check=False)
    return Reading(done.stdout, time.perf_counter() - wall, _cpu() - cpu)


def pipeline(path: str) -> Reading:
    """`ocr.recognise(path)`."""
    wall, cpu = time.perf_counter(), _cpu()
    result = ocr.recognise(path, timeout_s=120)
    return Reading(result.text, time.perf_counter() - wall, _cpu() - cpu)


def _recognise_text(path: str) -> int:
    return len(ocr.recognise(path, timeout_s=120).text)


def throughput(paths: list[str], workers: int) -> float:
    """Images per minute of ocr.recognise over `paths` with `workers` processes (pool start excluded)."""
    context = multiprocessing.get_context("spawn")
    with context.Pool(workers) as pool:
        pool.map(_recognise_text, paths[:workers], chunksize=1)  # warm up: imports and first Tesseract
        start = time.perf_counter()
        pool.map(_recognise_text, paths, chunksize=1)
        elapsed = time.perf_counter() - start
    return 60.0 * len(paths) / elapsed
