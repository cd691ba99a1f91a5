"""A first wave's held writes: `uploads` uploads of two photos each, every one keeping its photos' bytes at
the same instant (one thread each), as the first wave of `bench.load` does (about 390 MB at once).

Each round runs the wave three times, on a fresh folder on the upload folder's disk: as an upload kept its
photos before upload11 (each photo written, fsynced and renamed into its own new `<sha[:2]>/<sha>/` folder,
and that folder fsynced: one folder fsync per photo), the same with the new folder's entry in its parent
synced too (which the promise of a 201 needed), and now (`LocalStorage.hold`: every photo of the upload
fsynced and renamed into `held/`, which is fsynced once). The syscalls are counted (they do not depend on the
machine's load); the wall times do, since the disk and the cores are shared.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import statistics
import tempfile
import threading
import time
from collections import Counter
from contextlib import contextmanager
from pathlib import Path
from typing import Callable, Iterator

from leaflets.storage import HELD, LocalStorage

WORKDIR = Path(__file__).resolve().parents[2] / "instance"  # the disk `make run`'s upload folder is on

Upload = list[tuple[str, bytes]]


def _held_before(storage: LocalStorage, upload: Upload, *, entries: bool = False) -> None:
    """As LocalStorage.put kept an upload's bytes before upload11: one new folder, and its fsync, a photo.
    With `entries`, also the fsync that made the new folder's own entry durable (its parent's), which that
    path lacked: what keeping the promise with one folder per photo would have cost."""
    for sha256, data in upload:
        folder = storage.folder(sha256)
        folder.mkdir(parents=True, exist_ok=True)
        os.replace(LocalStorage._synced_temp(folder, HELD, data), folder / "upload.bin")
        LocalStorage._fsync_dir(folder)
        if entries:
            LocalStorage._fsync_dir(folder.parent)


def _held_before_synced(storage: LocalStorage, upload: Upload) -> None:
    _held_before(storage, upload, entries=True)


def _held_now(storage: LocalStorage, upload: Upload) -> None:
    storage.hold(upload)


@contextmanager
def _counted(calls: Counter[str]) -> Iterator[None]:
    """Count the fsync, rename and mkdir calls made meanwhile (each still runs)."""
    real = {name: getattr(os, name) for name in ("fsync", "replace", "mkdir")}

    def counting(name: str) -> Callable[..., object]:
        def call(*args: object, **kwargs: object) -> object:
            calls[name] += 1
            return real[name](*args, **kwargs)

        return call

    for name in real:
        setattr(os, name, counting(name))
    try:
        yield
    finally:
        for name, function in real.items():
            setattr(os, name, function)


def wave(uploads: list[Upload], keep: Callable[[LocalStorage, Upload], None]) -> tuple[list[float], Counter]:
    """Every upload's bytes kept at the same instant, a thread each; each upload's wall seconds, the calls."""
    root = Path(tempfile.mkdtemp(prefix="bench-held-wave-", dir=WORKDIR))
    storage = LocalStorage(root)
    storage.hold([])  # held/ made once per process, as a web process's first upload does
    start, times, calls = threading.Barrier(len(uploads) + 1), [0.0] * len(uploads), Counter[str]()

    def one(number: int) -> None:
        start.wait()
        began = time.perf_counter()
        keep(storage, uploads[number])
        times[number] = time.perf_counter() - began

    threads = [threading.Thread(target=one, args=(n,)) for n in range(len(uploads))]
    for thread in threads:
        thread.start()
    try:
        with _counted(calls):
            start.wait()
            for thread in threads:
                thread.join()
    finally:
        shutil.rmtree(root, ignore_errors=True)
    return times, calls


def _p95(values: list[float]) -> float:
    return statistics.quantiles(values, n=20)[-1]


def run(photos: list[bytes], uploads: int, rounds: int) -> None:
    """Print the wave's fsyncs per upload and its p50/p95 and last upload's wall time, before and now."""
    WORKDIR.mkdir(exist_ok=True)
    pairs = [photos[(2 * n) % len(photos) : (2 * n) % len(photos) + 2] for n in range(uploads)]
    # every photo a new one, as in a burst of different leaflets: the bytes made unique per upload
    waves = [
        [(hashlib.sha256(d + bytes([n, k])).hexdigest(), d) for k, d in enumerate(p)]
        for n, p in enumerate(pairs)
    ]
    size = sum(len(data) for upload in waves for _sha, data in upload) / 1e6
    print(
        f"a wave of {uploads} uploads of 2 photos kept at once ({size:.0f} MB), {rounds} alternating rounds:"
    )
    paths = {"before": _held_before, "before, entries synced": _held_before_synced, "now": _held_now}
    results: dict[str, list[tuple[list[float], Counter]]] = {name: [] for name in paths}
    for _ in range(rounds):
        for name, keep in paths.items():
            results[name].append(wave(waves, keep))
    for name, runs in results.items():
        calls = runs[0][1]
        p50 = statistics.median(statistics.median(times) for times, _calls in runs)
        p95 = statistics.median(_p95(times) for times, _calls in runs)
        last = statistics.median(max(times) for times, _calls in runs)
        print(
            f"  {name:22s} per upload: {calls['fsync'] / uploads:.1f} fsync, "
            f"{calls['replace'] / uploads:.1f} rename, {calls['mkdir'] / uploads:.1f} mkdir; "
            f"wall p50 {1000 * p50:.0f} ms, p95 {1000 * p95:.0f} ms, last {1000 * last:.0f} ms "
            f"(median of {rounds} waves)"
        )
