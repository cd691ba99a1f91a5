"""Measure /stats on generated archives: cached findings against recounting per request (the baseline)."""

from __future__ import annotations

import argparse
import functools
import json
import logging
import os
import random
import shutil
import tempfile
import time
import uuid
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Callable, Iterator

from flask import Flask
from sqlalchemy import func, select

from bench import databases
from bench.search.run import summary as search_summary
from leaflets import create_app
from leaflets.extensions import db
from leaflets.models import Claim, ClaimState, FindingsGroup, Leaflet, User
from leaflets.services import browse, findings, findings_count, reference_data, review

from .archive import generate

log = logging.getLogger(__name__)
OUT = Path(__file__).resolve().parents[1] / "out"


def _nothing() -> None:
    return None


def make_app(database: str, workdir: Path) -> tuple[Flask, Callable[[], None]]:
    """A migrated app with reference data, on a new SQLite file or PostgreSQL database; and its clean-up."""
    drop: Callable[[], None] = _nothing
    if database == "postgresql":
        name = databases.create("sc_bench_stats")
        url = databases.url_of(name)
        drop = functools.partial(databases.drop, name)
    else:
        url = f"sqlite:///{workdir / 'bench.sqlite3'}"
    app = create_app(
        {
            "SQLALCHEMY_DATABASE_URI": url,
            "SECRET_KEY": "bench",
            "OCR_START_WORKERS": False,
            "UPLOAD_DIR": str(workdir / "uploads"),
            "INDEX_DIR": str(workdir / "index"),
            "RATELIMIT_ENABLED": False,
            "LOG_LEVEL": "WARNING",
        }
    )
    with app.app_context():
        from flask_migrate import upgrade

        upgrade()
        reference_data.load_all()
    return app, drop


def timed(action: Callable[[], Any], count: int) -> list[tuple[float, float]]:
    """(wall ms, CPU ms) per call: CPU time shows the cost when other jobs share the machine."""
    out = []
    for _ in range(count):
        start, cpu = time.perf_counter(), time.thread_time()
        action()
        out.append(((time.perf_counter() - start) * 1000, (time.thread_time() - cpu) * 1000))
    return out


def summary(times: list[tuple[float, float]]) -> dict[str, float]:
    """p50/p95/max wall and p50/p95 CPU ms, as bench.search reports them, with the number of samples."""
    return {"n": len(times), **search_summary(times)}


def _get(client: Any, url: str) -> None:
    response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    response.get_data()


def count_archive() -> None:
    browse.stats()
    db.session.rollback()


def recount_all() -> None:
    """The baseline: what each request would cost without caches (the archive counts, and every group's
    findings counted from the ratings)."""
    browse.stats()
    threshold = review.rated_threshold()
    for row in db.session.scalars(select(FindingsGroup)):
        findings_count.compute_group(row.party_key, row.election_id, threshold)
    db.session.rollback()


def rating_writes(seed: int) -> Iterator[Callable[[], None]]:
    """An endless stream of new ratings of random claims on live leaflets, each by a volunteer new to it."""
    rng = random.Random(seed)
    claims = list(
        db.session.scalars(
            select(Claim.id)
            .join(Leaflet)
            .where(Leaflet.status == "live", Claim.state == ClaimState.ACCEPTED)
            .limit(5000)
        )
    )
    user = User(
        email=f"writer-{uuid.uuid4().hex[:6]}@example.org",
        display_name="Writer",
        password_hash="x",
        role="volunteer",
    )
    db.session.add(user)
    db.session.commit()
    for claim_id in rng.sample(claims, len(claims)):

        def write(claim_id: int = claim_id) -> None:
            review.rate_claim(db.session.get_one(Claim, claim_id), user, "accurate", None, None)

        yield write


def bench_size(size: int, database: str, iterations: int, workdir: Path) -> dict[str, Any]:
    app, drop = make_app(database, workdir)
    result: dict[str, Any] = {
        "size": size,
        "database": database,
        "iterations": iterations,
        "load_average_at_start": os.getloadavg(),
    }
    try:
        with app.app_context():
            start = time.perf_counter()
            result["rows"] = generate(size, seed=size)
            result["generate_s"] = round(time.perf_counter() - start, 1)
            start = time.perf_counter()
            result["groups"] = findings.rebuild_all()
            result["full_recount_s"] = round(time.perf_counter() - start, 2)
            result["live_leaflets"] = db.session.scalar(
                select(func.count(Leaflet.id)).where(browse.is_live())
            )
            client = app.test_client()
            _get(client, "/stats")  # warm: templates compiled, caches full
            result["baseline_recount_per_request"] = summary(timed(recount_all, max(5, iterations // 6)))
            result["archive_counts_uncached"] = summary(timed(count_archive, max(5, iterations // 6)))
            result["stats_page"] = summary(timed(lambda: _get(client, "/stats"), iterations))
            result["stats_api"] = summary(timed(lambda: _get(client, "/api/v1/stats"), iterations))
            writes = rating_writes(size)
            result["rating_write"] = summary(timed(lambda: next(writes)(), iterations))
            for name, url in (
                ("stats_page_after_each_write", "/stats"),
                ("stats_api_after_each_write", "/api/v1/stats"),
            ):
                pairs = []
                for _ in range(iterations):
                    next(writes)()
                    pairs += timed(lambda: _get(client, url), 1)
                result[name] = summary(pairs)
    finally:
        from leaflets.services_setup import shutdown

        shutdown(app)
        with app.app_context():
            db.session.remove()
            db.engine.dispose()
        drop()
    return result


def ratio(a: dict[str, float], b: dict[str, float]) -> str:
    return f"{a['p95_ms'] / max(b['p95_ms'], 0.01):.3f}"


def print_table(results: list[dict[str, Any]]) -> None:
    rows = (
        "stats_page",
        "stats_api",
        "stats_page_after_each_write",
        "stats_api_after_each_write",
        "rating_write",
        "archive_counts_uncached",
        "baseline_recount_per_request",
    )
    for r in results:
        base = r["baseline_recount_per_request"]
        print(
            f"\n== {r['size']:,} leaflets on {r['database']} ({r['live_leaflets']:,} live; "
            f"{r['rows']['claims']:,} claims, {r['rows']['claim_ratings']:,} claim ratings, "
            f"{r['rows']['bias_ratings']:,} bias ratings; {r['groups']} party-election groups) =="
        )
        print(f"{'measure':32}{'p50 ms':>10}{'p95 ms':>10}{'CPU p95':>10}{'p95 / baseline':>16}")
        for name in rows:
            s = r[name]
            print(f"{name:32}{s['p50_ms']:>10}{s['p95_ms']:>10}{s['cpu_p95_ms']:>10}{ratio(s, base):>16}")
        print(
            f"full recount of every group (flask stats refresh): {r['full_recount_s']} s; "
            f"generating the archive: {r['generate_s']} s"
        )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.stats", description=__doc__)
    parser.add_argument("--sizes", default="10000,100000", help="comma-separated archive sizes (leaflets)")
    parser.add_argument(
        "--databases",
        default="sqlite,postgresql",
        help="comma-separated: sqlite, postgresql (default both; 'both' also works)",
    )
    parser.add_argument("--iterations", type=int, default=60, help="requests per measure")
    parser.add_argument("--quick", action="store_true", help="2,000 leaflets on SQLite, 20 requests")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.WARNING, format="%(asctime)s %(message)s")
    sizes = [2000] if args.quick else [int(s) for s in args.sizes.split(",")]
    named = "sqlite,postgresql" if args.databases == "both" else args.databases
    engines = ["sqlite"] if args.quick else named.split(",")
    if set(engines) - {"sqlite", "postgresql"}:
        parser.error(f"--databases takes sqlite and/or postgresql, not {args.databases!r}")
    iterations = 20 if args.quick else args.iterations
    results = []
    for database in engines:
        for size in sizes:
            workdir = Path(tempfile.mkdtemp(prefix="bench-stats-"))
            try:
                print(f"... {size:,} leaflets on {database}", flush=True)
                results.append(bench_size(size, database, iterations, workdir))
            finally:
                shutil.rmtree(workdir, ignore_errors=True)
    print_table(results)
    OUT.mkdir(parents=True, exist_ok=True)
    stamp = datetime.now(timezone.utc).strftime("%Y%m%dT%H%M%SZ")
    out = OUT / f"stats-{stamp}.json"
    out.write_text(
        json.dumps(
            {
                "when": stamp,
                "cpus": os.cpu_count(),
                "load_average_at_end": os.getloadavg(),
                "results": results,
            },
            indent=2,
            default=str,
        )
    )
    print(f"\nwrote {out}")
    return 0
