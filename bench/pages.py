"""Page latency at scale (issue 13 item 6): fill N leaflets with bulk inserts, serve them with gunicorn as a
deployment does, and print p95 per page type at 1 client and at 8 concurrent clients against the targets.

    .venv/bin/python -m bench.pages                         # 100,000 leaflets, SQLite then PostgreSQL
    .venv/bin/python -m bench.pages --size 10000 --databases sqlite --requests 40

SQLite runs with the Whoosh index, PostgreSQL with SEARCH_BACKEND=postgres (the scale path). The archive is
bench/stats' generated one (real parties and areas, skewed; claims and ratings) plus a few dozen words of
campaign text per photo so that search has something to find. Results go to bench/out/pages-<time>.json.

The filled archive is kept between runs (SQLite: a copy of the file and its Whoosh index under
bench/out/pages-cache/; PostgreSQL: a template database `sc_bench_pages_cache_<key>`), keyed by size, seed and
a digest of everything that shapes it (migrations, the generator, the fill, search and indexing code), so
only the first run of a given archive pays for the fill; --fresh fills again. Each run works on a copy.
"""

from __future__ import annotations

import argparse
import functools
import hashlib
import http.client
import inspect
import json
import logging
import os
import random
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Callable

import psycopg
from sqlalchemy import select, update

from bench import databases
from bench.search.corpus import FILLER, TOPICS
from bench.search.run import _pct

log = logging.getLogger("bench.pages")
REPO = Path(__file__).resolve().parents[1]
OUT = REPO / "bench" / "out"
TARGET_MS = {1: 100.0, 8: 300.0}
PAGE_TYPES = ("home", "browse_1", "browse_500", "leaflet", "party", "area", "search", "stats")
SEARCH_WORDS = [
    "potholes",
    "NHS",
    "council tax",
    "buses",
    "sewage",
    "schools",
    "police",
    "housing",
    "recycling",
]


def _nothing() -> None:
    return None


def new_database(kind: str, workdir: Path, template: str | None = None) -> tuple[str, Callable[[], None]]:
    """A scratch database (on PostgreSQL a copy of `template` when given) and its clean-up."""
    if kind == "postgresql":
        name = databases.create("sc_bench_pages", template)
        return databases.url_of(name), functools.partial(databases.drop, name)
    return f"sqlite:///{workdir / 'bench.sqlite3'}", _nothing


def app_env(url: str, kind: str, workdir: Path) -> dict[str, str]:
    """The environment a deployment sets (also used for the fill, so both see the same archive)."""
    return {
        "DATABASE_URL": url,
        "SECRET_KEY": "bench",
        "UPLOAD_DIR": str(workdir / "uploads"),
        "INDEX_DIR": str(workdir / "index"),
        "SEARCH_BACKEND": "postgres" if kind == "postgresql" else "whoosh",
        "RATELIMIT_ENABLED": "false",
        "LOG_LEVEL": "WARNING",
        "OCR_WORKERS": "0",
        "OCR_START_WORKERS": "false",
    }


def _text(rng: random.Random) -> str:
    topics = rng.sample(sorted(TOPICS), 2)
    words = [rng.choice(TOPICS[topic]) for topic in topics for _ in range(4)]
    words += rng.choices(FILLER, k=rng.randint(30, 60))
    rng.shuffle(words)
    return " ".join(words)


def fill(url: str, kind: str, workdir: Path, size: int, seed: int) -> dict[str, Any]:
    """Migrate, load reference data, bulk-insert the archive, give photos text, build the search index."""
    from flask_migrate import upgrade

    from bench.stats.archive import generate
    from leaflets import create_app
    from leaflets.extensions import db
    from leaflets.models import LeafletImage
    from leaflets.services import indexing, reference_data

    env = app_env(url, kind, workdir)
    app = create_app(
        {
            "SQLALCHEMY_DATABASE_URI": url,
            "SECRET_KEY": "bench",
            "UPLOAD_DIR": env["UPLOAD_DIR"],
            "INDEX_DIR": env["INDEX_DIR"],
            "SEARCH_BACKEND": env["SEARCH_BACKEND"],
            "OCR_START_WORKERS": False,
            "RATELIMIT_ENABLED": False,
            "LOG_LEVEL": "WARNING",
        }
    )
    timings: dict[str, Any] = {}
    with app.app_context():
        started = time.perf_counter()
        upgrade()
        reference_data.load_all()
        timings["migrate_s"] = round(time.perf_counter() - started, 1)
        started = time.perf_counter()
        done = [0]

        def progress(n: int) -> None:
            done[0] += n
            if done[0] % 20000 < n:
                print(f"  {kind}: {done[0]:,} / {size:,} leaflets inserted", flush=True)

        rows = generate(size, seed, progress)
        timings["insert_s"] = round(time.perf_counter() - started, 1)
        started = time.perf_counter()
        rng = random.Random(seed)
        ids = list(db.session.scalars(select(LeafletImage.id).order_by(LeafletImage.id)))
        for start in range(0, len(ids), 5000):
            db.session.execute(
                update(LeafletImage).execution_options(synchronize_session=False),
                [
                    {"id": i, "ocr_text": _text(rng), "ocr_status": "done", "ocr_readable": True}
                    for i in ids[start : start + 5000]
                ],
            )
            db.session.commit()
        timings["text_s"] = round(time.perf_counter() - started, 1)
        started = time.perf_counter()
        print(f"  {kind}: building the {env['SEARCH_BACKEND']} search index", flush=True)
        indexing.rebuild()
        timings["index_s"] = round(time.perf_counter() - started, 1)
        if kind == "postgresql":
            db.session.execute(db.text("ANALYZE"))
            db.session.commit()
        from leaflets.services_setup import shutdown

        shutdown(app)
        db.session.remove()
        db.engine.dispose()
    return {"rows": rows, **timings}


def sample_urls(url: str, rng: random.Random, count: int) -> dict[str, list[str]]:
    """Addresses per page type, drawn as readers would: popular parties and areas more often."""
    from sqlalchemy import create_engine, func

    from leaflets.models import Area, Leaflet, Party

    engine = create_engine(url.replace("postgresql://", "postgresql+psycopg://", 1))
    with engine.connect() as conn:
        live = Leaflet.status == "live"
        leaflets = list(conn.scalars(select(Leaflet.id).where(live)))
        deep = min(500, -(-len(leaflets) // 24))  # page 500 at 100,000; the last page of a smaller archive
        parties = list(
            conn.execute(
                select(Party.slug, func.count(Leaflet.id)).join(Leaflet).where(live).group_by(Party.slug)
            )
        )
        areas = list(
            conn.execute(
                select(Area.gss, func.count(Leaflet.id)).join(Leaflet).where(live).group_by(Area.gss)
            )
        )
    engine.dispose()

    def weighted(pairs: list, prefix: str) -> list[str]:
        return [prefix + key for key in rng.choices([p[0] for p in pairs], [p[1] for p in pairs], k=count)]

    return {
        "home": ["/"] * count,
        "browse_1": ["/leaflets"] * count,
        "browse_500": [f"/leaflets?page={deep}"] * count,
        "leaflet": [f"/leaflets/{i}" for i in rng.choices(leaflets, k=count)],
        "party": weighted(parties, "/parties/"),
        "area": weighted(areas, "/areas/"),
        "search": [f"/search?q={rng.choice(SEARCH_WORDS).replace(' ', '+')}" for _ in range(count)],
        "stats": ["/stats"] * count,
    }


def _answering(port: int) -> bool:
    try:
        return _get(http.client.HTTPConnection("127.0.0.1", port, timeout=5), "/healthz")[0] in (200, 503)
    except OSError:
        return False


def _get(conn: http.client.HTTPConnection, path: str) -> tuple[int, float]:
    started = time.perf_counter()
    conn.request("GET", path)
    response = conn.getresponse()
    response.read()
    return response.status, (time.perf_counter() - started) * 1000


class Server:
    """gunicorn as a deployment runs it: `workers` processes of `threads` threads."""

    def __init__(self, env: dict[str, str], workers: int, threads: int, log_path: Path) -> None:
        from tests.support import free_port

        self.port = free_port()
        gunicorn = str(Path(sys.executable).with_name("gunicorn"))
        command = [
            gunicorn,
            "-c",
            "gunicorn.conf.py",
            "--no-control-socket",
            "--bind",
            f"127.0.0.1:{self.port}",
            "--workers",
            str(workers),
            "--threads",
            str(threads),
            "--timeout",
            "120",
            "wsgi:app",
        ]
        self.log = open(log_path, "wb")
        self.process = subprocess.Popen(
            command, cwd=REPO, env={**os.environ, **env}, stdout=self.log, stderr=subprocess.STDOUT
        )
        deadline = time.monotonic() + 120
        while not _answering(self.port):
            if self.process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"gunicorn did not start: {log_path.read_text()[-3000:]}")
            time.sleep(0.3)

    def cpu_s(self) -> float:
        """CPU seconds used so far by the server's processes (master and workers): the page's cost, which
        unlike wall time does not grow when other jobs share the machine (PostgreSQL's own CPU is not in
        it)."""
        ticks, pending = 0, [self.process.pid]
        while pending:
            pid = pending.pop()
            try:
                fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
                ticks += int(fields[11]) + int(fields[12])  # utime, stime
                for task in Path(f"/proc/{pid}/task").iterdir():
                    pending += [int(c) for c in (task / "children").read_text().split()]
            except (FileNotFoundError, ProcessLookupError):
                continue
        return ticks / os.sysconf("SC_CLK_TCK")

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        self.log.close()


def measure(port: int, paths: list[str], clients: int) -> dict[str, Any]:
    """Each of `clients` threads requests its share of `paths` back to back on its own keep-alive
    connection."""
    times: list[float] = []
    statuses: dict[int, int] = {}
    lock = threading.Lock()
    shares = [paths[i::clients] for i in range(clients)]

    def client(share: list[str]) -> None:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
        try:
            for path in share:
                try:
                    status, ms = _get(conn, path)
                except (OSError, http.client.HTTPException):  # a dropped connection counts, as status 0
                    conn.close()
                    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
                    status, ms = 0, 0.0
                with lock:
                    if status:
                        times.append(ms)
                    statuses[status] = statuses.get(status, 0) + 1
        finally:
            conn.close()

    threads = [threading.Thread(target=client, args=(share,)) for share in shares]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return {
        "n": max(1, sum(statuses.values())),
        "p50_ms": _pct(times, 0.5) if times else float("nan"),
        "p95_ms": _pct(times, 0.95) if times else float("nan"),
        "max_ms": round(max(times, default=float("nan")), 1),
        "statuses": statuses,
    }


CACHE = OUT / "pages-cache"
_SHAPES = ("migrations/versions", "bench/stats/archive.py", "search", "leaflets/services/indexing.py")


def cache_key(kind: str, size: int, seed: int) -> str:
    """Names the filled archive: a change to anything that shapes it makes a new one."""
    digest = hashlib.sha256(inspect.getsource(fill).encode())
    for shape in _SHAPES:
        root = REPO / shape
        for path in sorted(root.rglob("*.py") if root.is_dir() else [root]):
            digest.update(path.relative_to(REPO).as_posix().encode() + path.read_bytes())
    return f"{kind}-{size}-{seed}-{digest.hexdigest()[:12]}"


def filled_database(
    kind: str, workdir: Path, args: argparse.Namespace
) -> tuple[str, Callable[[], None], dict]:
    """A database holding the archive for this run (a copy of the cached one when there is one)."""
    key = cache_key(kind, args.size, args.seed)
    record = CACHE / f"{key}.json"
    template = f"sc_bench_pages_cache_{key.rsplit('-', 1)[1]}_{args.size}"
    cached = record.exists() and not args.fresh
    cached = cached and (databases.exists(template) if kind == "postgresql" else (CACHE / key).is_dir())
    started = time.perf_counter()
    if cached:
        print(f"{kind}: copying the filled archive from the cache ({key})", flush=True)
        if kind != "postgresql":
            shutil.copy(CACHE / key / "bench.sqlite3", workdir / "bench.sqlite3")
            shutil.copytree(CACHE / key / "index", workdir / "index")
        url, drop = new_database(kind, workdir, template)
        filled = {
            **json.loads(record.read_text()),
            "copied_from_cache_s": round(time.perf_counter() - started, 1),
        }
        return url, drop, filled
    url, drop = new_database(kind, workdir)
    print(f"{kind}: filling {args.size:,} leaflets (kept in the cache for later runs)", flush=True)
    filled = fill(url, kind, workdir, args.size, args.seed)
    started = time.perf_counter()
    CACHE.mkdir(parents=True, exist_ok=True)
    if kind == "postgresql":
        databases.drop(template)
        databases.admin(f'CREATE DATABASE "{template}" TEMPLATE "{url.rsplit("/", 1)[1]}"')
    else:
        shutil.rmtree(CACHE / key, ignore_errors=True)
        (CACHE / key).mkdir()
        shutil.copy(workdir / "bench.sqlite3", CACHE / key / "bench.sqlite3")
        shutil.copytree(workdir / "index", CACHE / key / "index")
    filled["cache_write_s"] = round(time.perf_counter() - started, 1)
    record.write_text(json.dumps(filled))
    return url, drop, filled


def settle(url: str, kind: str) -> float:
    """PostgreSQL: VACUUM (ANALYZE) the run's copy first, as autovacuum would have by the time readers arrive.
    A freshly bulk-loaded table has no visibility map yet, so each index-only scan (the pager's, an area's
    newest) would also read the table's rows from disk: a cost of the bench's fill, not of the pages."""
    if kind != "postgresql":
        return 0.0
    started = time.perf_counter()
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute("VACUUM (ANALYZE)")
    return round(time.perf_counter() - started, 1)


def run_database(kind: str, args: argparse.Namespace) -> dict[str, Any]:
    workdir = Path(tempfile.mkdtemp(prefix=f"bench-pages-{kind}-"))
    drop = _nothing
    try:
        url, drop, filled = filled_database(kind, workdir, args)
        filled["vacuum_s"] = settle(url, kind)
        print(f"{kind}: filled {filled}", flush=True)
        started = time.perf_counter()
        urls = sample_urls(url, random.Random(args.seed), args.requests * 8)
        server = Server(app_env(url, kind, workdir), args.workers, args.threads, workdir / "gunicorn.log")
        results: dict[str, Any] = {"fill": filled, "pages": {}}
        try:
            for page in PAGE_TYPES:
                measure(
                    server.port, urls[page][: 2 * args.workers * args.threads // 4 or 4], 4
                )  # warm every worker
                row = results["pages"][page] = {}
                for clients in (1, 8):
                    cpu = server.cpu_s()
                    row[str(clients)] = measure(server.port, urls[page][: args.requests * clients], clients)
                    row[str(clients)]["server_cpu_ms"] = round(
                        (server.cpu_s() - cpu) * 1000 / row[str(clients)]["n"], 1
                    )
                print(
                    f"  {page:<11} p95 {row['1']['p95_ms']:8.1f} ms at 1 client,"
                    f" {row['8']['p95_ms']:8.1f} ms at 8;"
                    f" server CPU {row['1']['server_cpu_ms']:.1f} ms/request  {row['1']['statuses']}",
                    flush=True,
                )
        finally:
            server.stop()
        results["measure_s"] = round(time.perf_counter() - started, 1)
        print(f"{kind}: pages measured in {results['measure_s']} s", flush=True)
        return results
    finally:
        drop()
        if not args.keep:
            shutil.rmtree(workdir, ignore_errors=True)


def table(results: dict[str, Any]) -> str:
    lines = [
        f"{'database':<11} {'page':<11} {'p95 @1':>9} {'p95 @8':>9} {'CPU/req':>8}  "
        "target (<= 100 ms @1, <= 300 ms @8)"
    ]
    for kind, result in results.items():
        for page, row in result["pages"].items():
            ok = all(
                row[str(c)]["p95_ms"] <= TARGET_MS[c] and set(row[str(c)]["statuses"]) == {200}
                for c in (1, 8)
            )
            lines.append(
                f"{kind:<11} {page:<11} {row['1']['p95_ms']:>7.1f}ms {row['8']['p95_ms']:>7.1f}ms "
                f"{row['1']['server_cpu_ms']:>6.1f}ms  {'PASS' if ok else 'FAIL'}"
            )
    return "\n".join(lines)


_NAMES = {"sqlite": "sqlite", "postgresql": "postgresql", "postgres": "postgresql", "pg": "postgresql"}


def engine_kinds(value: str) -> list[str]:
    """The engines asked for, in order: "sqlite,postgres" (or "postgresql"); an unknown name is refused
    rather than silently run as SQLite."""
    kinds = []
    for name in (part.strip().lower() for part in value.split(",") if part.strip()):
        if name not in _NAMES:
            raise SystemExit(f"--databases: {name!r} is not sqlite or postgres(ql)")
        kinds.append(_NAMES[name])
    return list(dict.fromkeys(kinds))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--size", type=int, default=100_000)
    parser.add_argument("--databases", default="sqlite,postgresql")
    parser.add_argument("--requests", type=int, default=30, help="requests per page type and client")
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 2, help="gunicorn worker processes")
    parser.add_argument("--threads", type=int, default=8, help="threads per gunicorn worker")
    parser.add_argument("--seed", type=int, default=13)
    parser.add_argument("--keep", action="store_true", help="keep the work folder (SQLite file, index, log)")
    parser.add_argument("--fresh", action="store_true", help="fill again rather than copy the cached archive")
    args = parser.parse_args(argv)
    # SIGTERM ends the run as Ctrl-C does: the server stopped, the run's database dropped
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    logging.basicConfig(level=logging.WARNING)
    kinds = engine_kinds(args.databases)
    started = datetime.now(timezone.utc)
    results = {kind: run_database(kind, args) for kind in kinds}
    OUT.mkdir(parents=True, exist_ok=True)
    out = OUT / f"pages-{started.strftime('%Y%m%dT%H%M%SZ')}.json"
    out.write_text(
        json.dumps(
            {
                "started": started.isoformat(),
                "args": vars(args),
                "load_average": os.getloadavg(),
                "results": results,
            },
            indent=2,
        )
    )
    print(
        f"\n{args.size:,} leaflets, gunicorn {args.workers} workers x {args.threads} threads "
        f"(load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores)"
    )
    print(table(results))
    print(f"results: {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
