"""Measure /compare and the coverage map on a generated archive, against the home page measured in the same
run.

Targets (issue 12): compare for a party with 10,000 leaflets nationally p95 <= 1 s; the map page p95 <= 200
ms.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import random
import statistics
import tempfile
import time
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Callable

from flask import Flask
from sqlalchemy import func, select

from leaflets import create_app
from leaflets.extensions import db
from leaflets.models import Area, CompareText, Party
from leaflets.services import reference_data
from leaflets.services.compare import store

from ..search.run import _pct, summary
from . import corpus

log = logging.getLogger(__name__)
OUT = Path(__file__).resolve().parents[1] / "out"
TARGETS_MS = {"compare": 1000.0, "map": 200.0}


def make_app(database_url: str, workdir: Path) -> Flask:
    from flask_migrate import upgrade

    app = create_app(
        {
            "SQLALCHEMY_DATABASE_URI": database_url,
            "UPLOAD_DIR": str(workdir / "uploads"),
            "INDEX_DIR": str(workdir / "index"),
            "OCR_START_WORKERS": False,
            "RATELIMIT_ENABLED": False,
            "SECRET_KEY": "bench",
            "LOG_LEVEL": "WARNING",
        }
    )
    with app.app_context():
        upgrade()
        reference_data.load_all()
    return app


def timed(client: Any, urls: list[str]) -> list[tuple[float, float]]:
    """(wall ms, CPU ms) per GET; each must answer 200."""
    out = []
    for url in urls:
        start, cpu = time.perf_counter(), time.thread_time()
        response = client.get(url)
        out.append(((time.perf_counter() - start) * 1000, (time.thread_time() - cpu) * 1000))
        assert response.status_code == 200, (url, response.status_code)
    return out


def seats_of(party: str, count: int, seed: int) -> list[str]:
    """Seats where the party has leaflets (a random sample, different seats for each request)."""
    party_id = db.session.scalar(select(Party.id).where(Party.slug == party))
    gss = list(
        db.session.scalars(
            select(Area.gss)
            .join(CompareText, CompareText.area_id == Area.id)
            .where(CompareText.party_id == party_id, CompareText.counted.is_(True))
            .group_by(Area.gss)
            .order_by(Area.gss)
        )
    )
    return random.Random(seed).sample(gss, min(count, len(gss)))


def arrivals(app: Flask, count: int) -> list[float]:
    """ms to bring compare's rows up to date for each newly arrived leaflet (what OCR completion triggers)."""
    with app.app_context():
        first = db.session.scalar(select(func.max(CompareText.leaflet_id))) or 0
        corpus.fill(count, 0, seed=99)
        ids = list(range(first + 1, first + 1 + count))
        out = []
        for leaflet_id in ids:
            start = time.perf_counter()
            store.leaflet_changed(leaflet_id)
            out.append((time.perf_counter() - start) * 1000)
        return out


def measure(app: Flask, requests: int, seed: int) -> dict[str, dict[str, float]]:
    client = app.test_client()
    with app.app_context():
        seats = seats_of(corpus.BIG_PARTY, requests, seed)
    pages: dict[str, Callable[[], list[str]]] = {
        "home (baseline)": lambda: ["/"] * requests,
        "compare": lambda: [f"/compare?party={corpus.BIG_PARTY}&area={gss}" for gss in seats],
        "compare against neighbours": lambda: [
            f"/compare?party={corpus.BIG_PARTY}&area={gss}&against=neighbours" for gss in seats
        ],
        "compare API": lambda: [f"/api/v1/compare?party={corpus.BIG_PARTY}&area={gss}" for gss in seats],
        "map": lambda: ["/map"] * requests,
        "map, one party": lambda: [f"/map?party={corpus.BIG_PARTY}"] * requests,
        "map, 2024 results": lambda: [f"/map?view=results&party={corpus.BIG_PARTY}"] * requests,
        "areas (with the map)": lambda: ["/areas"] * requests,
    }
    timed(client, ["/", "/map", f"/compare?party={corpus.BIG_PARTY}&area={seats[0]}"])  # warm caches once
    return {name: summary(timed(client, urls())) for name, urls in pages.items()}


def report(result: dict[str, Any]) -> str:
    base = result["pages"]["home (baseline)"]["p95_ms"]
    arrival = result["arrival"]
    lines = [
        f"{result['party_leaflets']:,} {corpus.BIG_PARTY} leaflets + {result['other_leaflets']:,} "
        f"others ({result['database']}); compare rows built at {result['rebuild_per_s']:,.0f} "
        f"leaflets/s; a new leaflet's rows in p50 {arrival['p50_ms']} / p95 {arrival['p95_ms']} ms",
        f"{'page':<28}{'p50 ms':>9}{'p95 ms':>9}{'CPU p95':>9}{'× home':>8}  target",
    ]
    for name, row in result["pages"].items():
        kind = "compare" if name.startswith("compare") else "map" if name.startswith("map") else None
        met = kind and row["p95_ms"] <= TARGETS_MS[kind]
        target = f"p95 <= {TARGETS_MS[kind]:.0f} ms: {'met' if met else 'MISSED'}" if kind else ""
        lines.append(
            f"{name:<28}{row['p50_ms']:>9}{row['p95_ms']:>9}{row['cpu_p95_ms']:>9}"
            f"{row['p95_ms'] / base:>8.1f}  {target}"
        )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.compare", description=__doc__)
    parser.add_argument("--party-leaflets", type=int, default=10000, help="leaflets of the big party")
    parser.add_argument("--other-leaflets", type=int, default=20000, help="leaflets of the other parties")
    parser.add_argument("--requests", type=int, default=40, help="requests per page type")
    parser.add_argument("--arrivals", type=int, default=50, help="new leaflets timed as they arrive")
    parser.add_argument(
        "--database-url", help="default: SQLite in a temporary folder (the database is filled)"
    )
    parser.add_argument("--quick", action="store_true", help="1,000 + 1,000 leaflets, 10 requests per page")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.WARNING, format="%(asctime)s %(message)s")
    if args.quick:
        args.party_leaflets, args.other_leaflets, args.requests, args.arrivals = 1000, 1000, 10, 10
    workdir = Path(tempfile.mkdtemp(prefix="bench-compare-"))
    database_url = args.database_url or f"sqlite:///{workdir / 'bench.sqlite3'}"
    app = make_app(database_url, workdir)
    with app.app_context():
        filled = time.perf_counter()
        corpus.fill(args.party_leaflets, args.other_leaflets)
        print(
            f"inserted {args.party_leaflets + args.other_leaflets:,} leaflets "
            f"in {time.perf_counter() - filled:.0f} s"
        )
        built = time.perf_counter()
        done = store.rebuild()
        rebuild_s = time.perf_counter() - built
    arrival = arrivals(app, args.arrivals)
    result = {
        "party_leaflets": args.party_leaflets,
        "other_leaflets": args.other_leaflets,
        "database": database_url.split(":", 1)[0],
        "rebuild_per_s": done / rebuild_s,
        "arrival": {"p50_ms": round(statistics.median(arrival), 1), "p95_ms": _pct(arrival, 0.95)},
        "load": os.getloadavg(),
        "pages": measure(app, args.requests, seed=7),
        "at": datetime.now(timezone.utc).isoformat(timespec="seconds"),
    }
    text = report(result)
    print(text)
    OUT.mkdir(parents=True, exist_ok=True)
    (OUT / f"compare-{result['at'].replace(':', '')}.json").write_text(json.dumps(result, indent=1))
    return 0
