"""Benchmark ocr.recognise against plain Tesseract: `python -m bench.ocr [--seed N] [--count N] [--quick]`."""

from __future__ import annotations

import argparse
import json
import logging
import os
import time
from dataclasses import asdict
from pathlib import Path
from typing import Any

from bench.ocr import measure
from bench.ocr.dataset import SETS, Sample, generate
from bench.ocr.report import summarise, table

logger = logging.getLogger("bench.ocr")
OUT = Path(__file__).resolve().parents[1] / "out"
TARGETS = "targets: CER ocr <= 1/3 plain on levels 1-3; time ocr <= 2x plain; 2 workers >= 1.8x 1 worker"


def run_set(samples: list[Sample]) -> list[dict[str, Any]]:
    """Read every photo with both engines."""
    entries = []
    for sample in samples:
        entry: dict[str, Any] = asdict(sample)
        entry["plain"] = asdict(measure.plain_tesseract(sample.path))
        entry["ocr"] = asdict(measure.pipeline(sample.path))
        entries.append(entry)
        logger.info("%s level %d: %.1f s", Path(sample.path).name, sample.level, entry["ocr"]["wall_s"])
    return entries


def main() -> None:
    """Generate both sets, measure, print tables and ratios, write JSON."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--count", type=int, default=40, help="photos per set, spread over the 4 levels")
    parser.add_argument("--quick", action="store_true", help="smoke run: 8 photos per set, 4 for throughput")
    parser.add_argument("--throughput-count", type=int, default=None, help="photos for the 1-vs-2 worker run")
    args = parser.parse_args()
    logging.basicConfig(level=logging.INFO if os.environ.get("BENCH_VERBOSE") else logging.WARNING)
    count = 8 if args.quick else args.count
    images = OUT / "ocr-images"
    report: dict[str, Any] = {"seed": args.seed, "count": count, "sets": {}}
    started = time.perf_counter()
    for set_name in SETS:
        entries = run_set(generate(set_name, args.seed, count, images))
        rows = summarise(entries)
        report["sets"][set_name] = {"rows": rows, "entries": entries}
        print(table(f"\n{set_name} set (seed {args.seed}, {count} photos)", rows), flush=True)
    paths = [e["path"] for e in report["sets"]["tuning"]["entries"]]
    paths = paths[: args.throughput_count or (4 if args.quick else len(paths))]
    load_before = os.getloadavg()[0]
    one, two = measure.throughput(paths, 1), measure.throughput(paths, 2)
    load = (load_before, os.getloadavg()[0])
    report["throughput"] = {"images": len(paths), "one_worker_per_min": one, "two_workers_per_min": two,
                            "speedup": two / one, "load_average": load, "cpus": os.cpu_count()}
    print(f"\nthroughput of ocr.recognise on {len(paths)} tuning photos: 1 worker {one:.1f} images/min, "
          f"2 workers {two:.1f} images/min, speed-up {two / one:.2f}x "
          f"(1-min load average {load[0]:.1f} before, {load[1]:.1f} after, {os.cpu_count()} CPUs)")
    if max(load) > (os.cpu_count() or 1):
        print("warning: other processes were competing for the CPUs; the speed-up is not meaningful")
    print(TARGETS)
    report["elapsed_s"] = time.perf_counter() - started
    OUT.mkdir(parents=True, exist_ok=True)
    path = OUT / f"ocr-seed{args.seed}-n{count}.json"
    path.write_text(json.dumps(report, indent=1))
    print(f"wrote {path} in {report['elapsed_s']:.0f} s")


if __name__ == "__main__":
    main()
