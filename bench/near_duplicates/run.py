"""Measure the banded Hamming lookup of photo fingerprints against a full scan measured in the same run.

The archive is generated: layouts (a party's template seen from afar hashes alike) each photographed many
times, a few bits flipped per photo, so bands are as crowded as real leaflets make them. Each query is a
stored photo with up to 8 bits changed (a new photo of it); both methods must find the same photos.
"""

from __future__ import annotations

import argparse
import random
import statistics
import tempfile
import time
import uuid
from pathlib import Path

from sqlalchemy import insert, select

from bench import databases
from leaflets.extensions import db
from leaflets.models import ImageFingerprint
from leaflets.services import near_duplicates, perceptual

from ..compare.run import make_app


def flipped(value: int, bits: int, rnd: random.Random) -> int:
    for bit in rnd.sample(range(64), bits):
        value ^= 1 << bit
    return (value + (1 << 63)) % (1 << 64) - (1 << 63)


def fill(size: int, rnd: random.Random) -> list[int]:
    layouts = [rnd.getrandbits(64) - (1 << 63) for _ in range(max(1, size // 50))]
    hashes = [flipped(rnd.choice(layouts), rnd.randint(6, 16), rnd) for _ in range(size)]
    rows = [
        {
            "key": uuid.uuid4().hex + uuid.uuid4().hex,
            "hash": value,
            **{f"band{i}": band for i, band in enumerate(perceptual.bands(value))},
        }
        for value in hashes
    ]
    for start in range(0, size, 5000):
        db.session.execute(insert(ImageFingerprint), rows[start : start + 5000])
    db.session.commit()
    return hashes


def scan(value: int) -> list[tuple[int, str]]:
    """The baseline: every fingerprint read and measured."""
    found = [
        (perceptual.distance(value, other), key)
        for key, other in db.session.execute(select(ImageFingerprint.key, ImageFingerprint.hash))
    ]
    return sorted(hit for hit in found if hit[0] <= perceptual.MAX_DISTANCE)


def timed(method, queries: list[int]) -> tuple[list[float], list[list[tuple[int, str]]]]:
    times, results = [], []
    for value in queries:
        start = time.perf_counter()
        results.append(method(value))
        times.append((time.perf_counter() - start) * 1000)
    return times, results


def pct(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def measure(kind: str, size: int, queries: int, workdir: Path) -> dict[str, float]:
    if kind == "sqlite":
        name = f"bench_nd_{uuid.uuid4().hex[:8]}"
        url = f"sqlite:///{workdir / f'{name}.sqlite3'}"
    else:
        name = databases.create("bench_nd")
        url = databases.url_of(name)
    try:
        app = make_app(url, workdir)
        with app.app_context():
            rnd = random.Random(size)
            stored = fill(size, rnd)
            asked = [flipped(rnd.choice(stored), rnd.randint(0, 8), rnd) for _ in range(queries)]
            banded_ms, banded = timed(lambda v: near_duplicates.near_keys(v, set()), asked)
            scan_ms, scanned = timed(scan, asked)
            assert banded == scanned, "the banded lookup must find exactly what the scan finds"
            db.session.remove()
            db.engine.dispose()
        return {
            "banded_p50": statistics.median(banded_ms),
            "banded_p95": pct(banded_ms, 0.95),
            "scan_p50": statistics.median(scan_ms),
            "found": statistics.mean(len(r) for r in banded),
        }
    finally:
        if kind != "sqlite":
            databases.drop(name)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sizes", default="10000,100000")
    parser.add_argument("--databases", default="sqlite,postgresql")
    parser.add_argument("--queries", type=int, default=100)
    args = parser.parse_args()
    print(
        "| database | fingerprints | banded p50 ms | banded p95 ms | full scan p50 ms | scan / banded | "
        "photos found per query |"
    )
    print("|---|---|---|---|---|---|---|")
    with tempfile.TemporaryDirectory() as folder:
        for kind in args.databases.split(","):
            for size in (int(s) for s in args.sizes.split(",")):
                row = measure(kind, size, args.queries, Path(folder))
                print(
                    f"| {kind} | {size:,} | {row['banded_p50']:.1f} | {row['banded_p95']:.1f} | "
                    f"{row['scan_p50']:.1f} | {row['scan_p50'] / row['banded_p50']:.1f}x | "
                    f"{row['found']:.1f} |",
                    flush=True,
                )
    return 0
