"""Benchmark ocr.recognise against plain Tesseract on real leaflets and synthetic sets, and OCR throughput in
the app: `python -m bench.ocr [--sets real,tuning,...] [--seed N] [--count N] [--quick]`."""

from __future__ import annotations

import argparse
import json
import logging
import os
import time
from pathlib import Path
from typing import Any

from bench.ocr import measure
from bench.ocr.app_throughput import app_throughput
from bench.ocr.real_report import real_tables
from bench.ocr.real_set import real_images
from bench.ocr.report import by_layout, summarise, table, worse_table
from bench.ocr.runs import run_real, run_synthetic
from bench.ocr.sets import SYNTHETIC, generate
from bench.ocr.targets import evaluate, summary_table

logger = logging.getLogger("bench.ocr")
OUT = Path(__file__).resolve().parents[1] / "out"
STEPS = ("real", *SYNTHETIC, "app", "pool")
DEFAULT_STEPS = ("real", *SYNTHETIC, "app")


def _arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument(
        "--sets",
        default=",".join(DEFAULT_STEPS),
        help=f"comma-separated steps out of {','.join(STEPS)} (default: all but pool)",
    )
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--count", type=int, default=None, help="photos per synthetic set (default 40)")
    parser.add_argument(
        "--quick", action="store_true", help="smoke run: 4 photos per synthetic set, 6 for throughput"
    )
    parser.add_argument(
        "--throughput-count",
        type=int,
        default=None,
        help="photos for the 1-vs-2 worker runs (default 32; 6 with --quick)",
    )
    args = parser.parse_args()
    args.steps = [step.strip() for step in args.sets.split(",") if step.strip()]
    unknown = set(args.steps) - set(STEPS)
    if unknown:
        parser.error(f"unknown set(s) {', '.join(sorted(unknown))}; choose from {', '.join(STEPS)}")
    args.count = args.count or (4 if args.quick else 40)
    args.throughput_count = args.throughput_count or (6 if args.quick else 32)
    return args


def _synthetic_set(name: str, args: argparse.Namespace, images: Path) -> dict[str, Any]:
    entries = run_synthetic(generate(name, args.seed, args.count, images))
    rows, layouts = summarise(entries), by_layout(entries)
    title = f"\n{name} set (seed {args.seed}, {len(entries)} photos; ratio = ours/plain)"
    print(table(title, rows), flush=True)
    print(table("by layout", layouts, label_width=24))
    print(worse_table(entries), flush=True)
    return {"rows": rows, "layouts": layouts, "entries": entries}


def _throughput_photos(args: argparse.Namespace, images: Path) -> list[str]:
    """Degraded photos of the wide tuning layouts: what voters upload."""
    samples = generate(
        "wide_tuning", args.seed + 1, args.throughput_count * 4 // 3 + 4, images / "throughput"
    )
    return [s.path for s in samples if s.level > 0][: args.throughput_count]


def _app(photos: list[str]) -> dict[str, Any]:
    runs = app_throughput(photos)
    result = {
        "images": len(photos),
        "per_min": [r.per_min for r in runs],
        "seconds": [r.seconds for r in runs],
        "statuses": [r.statuses for r in runs],
        "speedup": runs[1].per_min / runs[0].per_min,
    }
    print(
        f"\napp throughput (`flask ocr work` processes as make run starts them, SQLite, "
        f"{len(photos)} uploaded photos): OCR_WORKERS=1 "
        f"{runs[0].per_min:.1f} images/min, OCR_WORKERS=2 {runs[1].per_min:.1f} images/min, "
        f"speed-up {result['speedup']:.2f}x; statuses {runs[0].statuses} / {runs[1].statuses}",
        flush=True,
    )
    return result


def _pool(photos: list[str]) -> dict[str, Any]:
    one, two = measure.pool_throughput(photos, 1), measure.pool_throughput(photos, 2)
    print(
        f"\nprocess-pool throughput of ocr.recognise on {len(photos)} photos: "
        f"1 worker {one:.1f} images/min, 2 workers {two:.1f} images/min, speed-up {two / one:.2f}x",
        flush=True,
    )
    return {
        "images": len(photos),
        "one_worker_per_min": one,
        "two_workers_per_min": two,
        "speedup": two / one,
    }


def main() -> None:
    """Run the chosen steps, print every table and the targets, write the JSON report."""
    args = _arguments()
    logging.basicConfig(level=logging.INFO if os.environ.get("BENCH_VERBOSE") else logging.WARNING)
    # one folder per seed and count: two runs at once must not overwrite each other's photos (scored against
    # the wrong truth)
    images = OUT / "ocr-images" / f"seed{args.seed}-n{args.count}{'-quick' if args.quick else ''}"
    report: dict[str, Any] = {
        "seed": args.seed,
        "count": args.count,
        "steps": args.steps,
        "sets": {},
        "load_average_before": os.getloadavg(),
        "cpus": os.cpu_count(),
    }
    started = time.perf_counter()
    if "real" in args.steps:
        entries = run_real(real_images())
        report["sets"]["real"] = {"entries": entries}
        print(real_tables(entries))
        print(worse_table([e for e in entries if e.get("truth")]), flush=True)
    for name in SYNTHETIC:
        if name in args.steps:
            report["sets"][name] = _synthetic_set(name, args, images)
    photos = _throughput_photos(args, images) if {"app", "pool"} & set(args.steps) else []
    report["app"] = _app(photos) if "app" in args.steps else None
    report["pool"] = _pool(photos) if "pool" in args.steps else None
    report["load_average_after"] = os.getloadavg()
    verdicts = evaluate(report["sets"], tuple(n for n in SYNTHETIC if n in args.steps), report["app"])
    report["targets"] = [vars(v) for v in verdicts]
    print(summary_table(verdicts))
    busy = max(report["load_average_before"][0], report["load_average_after"][0]) > 1.5
    print(
        f"1-min load average {report['load_average_before'][0]:.1f} before, "
        f"{report['load_average_after'][0]:.1f} after, {os.cpu_count()} CPUs"
        + ("; other work shared the CPUs, so timings are noisy" if busy else "")
    )
    report["elapsed_s"] = time.perf_counter() - started
    OUT.mkdir(parents=True, exist_ok=True)
    # runs of other sets (say `--sets app` after a full run) must not overwrite each other's report
    sets = "" if tuple(args.steps) == DEFAULT_STEPS else "-" + "+".join(args.steps)
    path = OUT / f"ocr-seed{args.seed}-n{args.count}{'-quick' if args.quick else ''}{sets}.json"
    path.write_text(json.dumps(report, indent=1))
    print(f"wrote {path} in {report['elapsed_s']:.0f} s")


if __name__ == "__main__":
    main()
