"""Election night on one machine: N uploaders and M readers at once against the app as `make run` starts it.

A fresh database (SQLite, or PostgreSQL with --database postgresql) is migrated and given a few demo leaflets,
as `make run` does; the runner (`python -m leaflets.serve`) starts the web and OCR processes; once the demo
photos are read, the burst begins: every uploader sends a leaflet of 1-3 phone photos (3-4 MB each; every
leaflet a different one, bar a stated share of second deliveries, see photos.py), answers "Is this the same
leaflet?" as the voter would (its leaflet's question, polled for a few seconds while the background check
runs), waits a while (a voter photographing the next one, --think) and sends
another; readers fetch the home page, a
browse page, a leaflet and the search API back to back. After --duration seconds the figures of the burst
are printed; then the OCR backlog is timed until it drains, every 201 is checked against the database and
the upload folder, and the drain rate is compared with N plain `tesseract` runs side by side, measured in
the same run on the same photos. Rate limits are off (every uploader here shares one address).
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import random
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import create_engine, text

from bench import databases
from bench.load import photos as photo_pool
from bench.multipart import phone_upload
from leaflets.serve import DEFAULT_WEB_THREADS, default_ocr_workers, default_web_workers
from leaflets.storage import LocalStorage

REPO = Path(__file__).resolve().parents[2]
READS = ("home", "browse", "leaflet", "search")  # browse: an area's page
_UNFINISHED, _FINISHED = "('pending', 'running')", "('done', 'failed')"
SEARCH_WORDS = ("bus", "potholes", "hospital", "library", "nurses", "roads")


@dataclass
class Sample:
    kind: str
    started: float
    seconds: float
    status: int  # 0: no answer (connection refused, reset, timed out)
    first: bool = False  # an uploader's first upload: the wave that starts at once (or over --ramp)


@dataclass
class Upload:
    sent: int
    status: int  # the upload's answer (201: published; "is this the same leaflet?" may be asked afterwards)
    leaflet_id: int | None = None
    repeat: bool = False  # the plan made it a second delivery of an earlier leaflet
    held: bool = False  # the site asked whether it was the same leaflet
    delivery: bool = False  # it ended as a delivery of an earlier leaflet (answered "same")
    late: bool = False  # its look-alike check had not run within ASK_WAIT_S


class Plan:
    """The leaflets to send, handed out in order to whichever uploader is ready next."""

    def __init__(self, entries: list[photo_pool.PlannedLeaflet], seed: int) -> None:
        self.entries, self.seed = entries, seed
        self.next = 0
        self.lock = threading.Lock()
        self.wrapped = 0

    def take(self) -> tuple[photo_pool.PlannedLeaflet, list[bytes]]:
        with self.lock:
            entry = self.entries[self.next % len(self.entries)]
            self.wrapped += self.next >= len(self.entries)  # sent again byte for byte: the plan was short
            self.next += 1
        return entry, photo_pool.photos_of(entry, self.seed)


@dataclass
class Burst:
    samples: list[Sample] = field(default_factory=list)
    uploads: list[Upload] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def add(self, sample: Sample, upload: Upload | None = None) -> None:
        with self.lock:
            self.samples.append(sample)
            if upload is not None:
                self.uploads.append(upload)


def _request(
    port: int, method: str, path: str, body: bytes | None = None, content_type: str | None = None
) -> tuple[int, bytes]:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
    try:
        headers = {"Content-Type": content_type} if content_type else {}
        connection.request(method, path, body=body, headers=headers)
        response = connection.getresponse()
        return response.status, response.read()
    except OSError:
        return 0, b""
    finally:
        connection.close()


def _uploader(
    number: int,
    port: int,
    plan: Plan,
    until: float,
    think_s: float,
    burst: Burst,
    parties: list[str],
    ramp_s: float = 0.0,
) -> None:
    rng = random.Random(number)
    if ramp_s > 0:  # its own generator: with no ramp the uploads are those of every earlier run
        delay = random.Random(f"ramp-{number}").uniform(0.0, ramp_s)
        time.sleep(min(delay, max(0.0, until - time.monotonic())))
    sequence = 0
    while time.monotonic() < until:
        entry, images = plan.take()
        sequence += 1
        fields = {
            "party": rng.choice(parties),
            "area": "E14001063",
            "election": "ge-2024",
            "delivered_on": "2024-06-20",
            "title": f"Bench leaflet {number}-{sequence}",
        }
        body, content_type = phone_upload(fields, images)
        started = time.monotonic()
        status, answer = _request(port, "POST", "/api/v1/leaflets", body, content_type)
        upload = Upload(len(images), status, repeat=entry.repeat_of is not None)
        burst.add(Sample("upload", started, time.monotonic() - started, status, first=sequence == 1))
        if status == 201:
            created = json.loads(answer)
            upload.leaflet_id = created["id"]
            upload.delivery = created.get("duplicate_of") is not None
            if created.get("same_question_url"):  # the voter looks at their leaflet for a few seconds
                _answer_question(port, created["same_question_url"], upload, burst, until)
        with burst.lock:
            burst.uploads.append(upload)
        time.sleep(min(max(0.0, until - time.monotonic()), rng.uniform(0.5, 1.5) * think_s))


ASK_WAIT_S = 5.0  # how long an uploader watches their leaflet's page for "is this the same leaflet?"


def _answer_question(port: int, url: str, upload: Upload, burst: Burst, until: float) -> None:
    """Poll the upload's look-alike question while its check runs; answer it as the voter knows (the plan
    says which uploads are second deliveries): "same" for those, "different" for any other."""
    path = "/" + url.split("/", 3)[3]
    give_up = min(until, time.monotonic() + ASK_WAIT_S)
    while time.monotonic() < give_up:
        status, body = _request(port, "GET", path)
        question = json.loads(body) if status == 200 else {}
        if question.get("status") == "open":
            break
        if question.get("status") != "checking":
            return  # 404: nothing alike was found (or no answer at all)
        time.sleep(0.5)
    else:  # not checked within the voter's patience: it stays published, linked for moderators if alike
        upload.late = True
        return
    upload.held = True
    choice = "same" if upload.repeat else "different"
    started = time.monotonic()
    status, _ = _request(port, "POST", path, json.dumps({"answer": choice}).encode(), "application/json")
    burst.add(Sample("answer", started, time.monotonic() - started, status))
    upload.delivery = status == 200 and choice == "same"


def _reader(number: int, port: int, leaflet_ids: list[int], until: float, burst: Burst) -> None:
    rng = random.Random(1000 + number)
    turn = number
    while time.monotonic() < until:
        kind = READS[turn % len(READS)]
        turn += 1
        path = {
            "home": "/",
            "browse": "/areas/E14001063",  # the place every upload here is for
            "leaflet": f"/leaflets/{rng.choice(leaflet_ids)}",
            "search": f"/api/v1/search?q={rng.choice(SEARCH_WORDS)}",
        }[kind]
        started = time.monotonic()
        status, _body = _request(port, "GET", path)
        burst.add(Sample(kind, started, time.monotonic() - started, status))


def _pct(values: list[float], share: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


class Site:
    """A fresh database and upload folder, and the runner serving them."""

    def __init__(self, database: str, args: argparse.Namespace) -> None:
        self.folder = Path(tempfile.mkdtemp(prefix="bench-load-"))
        self.database = database
        self.pg_name = None
        if database == "postgresql":
            self.pg_name = databases.create("bench_load")
            self.url = databases.url_of(self.pg_name)
        else:
            self.url = f"sqlite:///{self.folder / 'bench.sqlite3'}"
        self.env = {
            **os.environ,
            "DATABASE_URL": self.url,
            "UPLOAD_DIR": str(self.folder / "uploads"),
            "INDEX_DIR": str(self.folder / "index"),
            "SECRET_KEY": "bench-load",
            "LOG_LEVEL": "WARNING",
            "RATELIMIT_ENABLED": "0",
            "WEB_WORKERS": str(args.web_workers),
            "WEB_THREADS": str(args.web_threads),
            "OCR_WORKERS": str(args.ocr_workers),
        }
        self.engine = create_engine(self.url.replace("postgresql://", "postgresql+psycopg://"))
        self.port = _free_port()
        self.runner: subprocess.Popen[bytes] | None = None

    def flask(self, *command: str) -> None:
        subprocess.run(
            [str(Path(sys.executable).with_name("flask")), "--app", "wsgi", *command],
            cwd=REPO,
            env=self.env,
            check=True,
            stdout=subprocess.DEVNULL,
        )

    def start(self, demo_leaflets: int) -> None:
        """As `make run`: migrate, reference data, demo leaflets on an empty archive, then the runner."""
        self.flask("db", "upgrade")
        self.flask("load-reference-data")
        self.flask("demo-data", "--count", str(demo_leaflets))
        with open(self.folder / "serve.log", "wb") as log:
            self.runner = subprocess.Popen(
                [sys.executable, "-m", "leaflets.serve", "--port", str(self.port), "--no-access-log"],
                cwd=REPO,
                env=self.env,
                stdout=log,
                stderr=subprocess.STDOUT,
            )
        deadline = time.monotonic() + 120
        while _request(self.port, "GET", "/api/v1/parties")[0] != 200:
            if self.runner.poll() is not None or time.monotonic() > deadline:
                raise SystemExit(f"the site did not start:\n{self.log()[-3000:]}")
            time.sleep(0.3)

    def log(self) -> str:
        return (self.folder / "serve.log").read_text(errors="replace")

    def keep_log(self) -> str:
        """A copy of the server's log under bench/out/ (the site's folder is removed at the end)."""
        kept = REPO / "bench" / "out" / f"load-{self.database}-{time.strftime('%Y%m%dT%H%M%S')}.log"
        kept.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(self.folder / "serve.log", kept)
        return str(kept)

    def scalar(self, sql: str) -> int:
        with self.engine.connect() as connection:
            return int(connection.execute(text(sql)).scalar() or 0)

    def unfinished(self) -> int:
        """Jobs still to do: photos without variants, and images waiting for or in OCR."""
        return self.scalar("SELECT count(*) FROM pending_photo") + self.scalar(
            f"SELECT count(*) FROM leaflet_image WHERE ocr_status IN {_UNFINISHED}"
        )

    def party_slugs(self) -> list[str]:
        with self.engine.connect() as connection:
            found = [row[0] for row in connection.execute(text("SELECT slug FROM party ORDER BY id LIMIT 6"))]
        return found + ["unknown"]

    def leaflet_ids(self) -> list[int]:
        with self.engine.connect() as connection:
            live = text("SELECT id FROM leaflet WHERE status = 'live' ORDER BY id LIMIT 20")
            return [row[0] for row in connection.execute(live)]

    def stop(self) -> tuple[int | None, list[int]]:
        """Stop the runner as Ctrl-C would; its exit status and any process it left behind."""
        if self.runner is None:
            return None, []
        children = _descendants(self.runner.pid)
        self.runner.send_signal(signal.SIGINT)
        try:
            status = self.runner.wait(timeout=60)
        except subprocess.TimeoutExpired:
            self.runner.kill()
            status = self.runner.wait()
        time.sleep(0.5)
        return status, [
            pid
            for pid in children
            if Path(f"/proc/{pid}").exists()
            and Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] != "Z"
        ]

    def close(self) -> None:
        self.engine.dispose()
        if self.pg_name:
            databases.drop(self.pg_name)
        shutil.rmtree(self.folder, ignore_errors=True)


def _free_port() -> int:
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _descendants(pid: int) -> set[int]:
    parents = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                parents[int(entry.name)] = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
            except OSError:
                continue
    found: set[int] = set()
    frontier = {pid}
    while frontier:
        frontier = {child for child, parent in parents.items() if parent in frontier} - found
        found |= frontier
    return found


def _cpu_seconds(pids: set[int]) -> float:
    """CPU time (user + system, with waited-for children such as Tesseract) the processes used so far."""
    ticks = os.sysconf("SC_CLK_TCK")
    total = 0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += sum(int(value) for value in fields[11:15])  # utime, stime, cutime, cstime
    return total / ticks


def _processes(runner_pid: int) -> dict[str, set[int]]:
    """The runner's web (gunicorn) and OCR (`flask ocr work`) processes."""
    found: dict[str, set[int]] = {"web": set(), "ocr": set()}
    for pid in _descendants(runner_pid):
        try:
            command = Path(f"/proc/{pid}/cmdline").read_bytes()
        except OSError:
            continue
        if b"gunicorn" in command:
            found["web"].add(pid)
        elif b"ocr\0work" in command:
            found["ocr"].add(pid)
    return found


def _wait_drained(site: Site, timeout_s: float, label: str) -> float:
    started = time.monotonic()
    last_report = started
    while (left := site.unfinished()) > 0:
        now = time.monotonic()
        if now - started > timeout_s:
            print(
                f"  {label}: {left} jobs still unfinished after {timeout_s:.0f} s; giving up waiting",
                flush=True,
            )
            break
        if now - last_report >= 15:
            print(f"  {label}: {left} jobs to go ({now - started:.0f} s)", flush=True)
            last_report = now
        time.sleep(1.0)
    return time.monotonic() - started


def verify(site: Site, uploads: list[Upload]) -> Counter[str]:
    """Every 201 has its leaflet, its images, their files, and a finished job (done, or failed with a
    reason)."""
    storage = LocalStorage(site.folder / "uploads")
    found: Counter[str] = Counter()
    with site.engine.connect() as connection:
        held = {row[0] for row in connection.execute(text("SELECT sha256 FROM pending_photo"))}
        for upload in (u for u in uploads if u.status == 201):
            if upload.delivery:  # it shows its original's photos: check it is recorded as a delivery
                original = connection.execute(
                    text("SELECT duplicate_of_id FROM leaflet WHERE id = :id"), {"id": upload.leaflet_id}
                ).scalar()
                found["delivery of an earlier leaflet" if original else "lost: delivery not recorded"] += 1
                continue
            rows = connection.execute(
                text(
                    "SELECT stored_sha256, variants_ready, ocr_status, ocr_readable, ocr_error "
                    "FROM leaflet_image WHERE leaflet_id = :id"
                ),
                {"id": upload.leaflet_id},
            ).all()
            if len(rows) != upload.sent:
                found["lost: leaflet or images missing"] += 1
                continue
            for sha, ready, status, readable, error in rows:
                if status == "failed":
                    reason = f"failed with a reason: {error[:60]}" if error else "lost: failed, no reason"
                    found[reason] += 1
                elif not ready:
                    found[
                        "unfinished: photo waiting for its variants"
                        if sha in held
                        else "lost: photo neither held nor stored"
                    ] += 1
                elif not storage.has(sha):
                    found["lost: photo files missing"] += 1
                elif status == "done":
                    found["done, text read" if readable is not False else "done, no readable text"] += 1
                else:
                    found[f"unfinished: OCR {status}"] += 1
    return found


def tesseract_rate(photo_files: list[Path], parallel: int, images: int, nice: int) -> float:
    """Images per minute of `parallel` plain `tesseract <photo> stdout` runs side by side, at the OCR
    processes' CPU priority (on a shared machine, the priority decides how much CPU either gets)."""
    env = {**os.environ, "OMP_THREAD_LIMIT": "1"}
    chosen = [photo_files[n % len(photo_files)] for n in range(images)]

    def one(path: Path) -> None:
        subprocess.run(
            ["nice", "-n", str(nice), "tesseract", str(path), "stdout"],
            env=env,
            check=True,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )

    started = time.monotonic()
    with ThreadPoolExecutor(parallel) as pool:
        list(pool.map(one, chosen))
    return 60.0 * images / (time.monotonic() - started)


def run_one(database: str, args: argparse.Namespace, plan: Plan) -> dict:
    site = Site(database, args)
    try:
        print(
            f"\n== {database}: {args.uploaders} uploaders, {args.readers} readers, {args.duration:.0f} s; "
            f"{args.web_workers} web processes x {args.web_threads} threads, "
            f"{args.ocr_workers} OCR processes ==",
            flush=True,
        )
        site.start(args.demo)
        warm = _wait_drained(site, args.drain_timeout, "demo photos")
        print(f"  site up; demo photos read in {warm:.0f} s", flush=True)
        images_before = site.scalar("SELECT count(*) FROM leaflet_image")
        leaflets = site.leaflet_ids()
        burst = Burst()
        assert site.runner is not None
        processes = _processes(site.runner.pid)
        cpu_before = {name: _cpu_seconds(pids) for name, pids in processes.items()}
        started = time.monotonic()
        until = started + args.duration
        parties = site.party_slugs()
        threads = [
            threading.Thread(
                target=_uploader,
                args=(n, site.port, plan, until, args.think, burst, parties, args.ramp),
            )
            for n in range(args.uploaders)
        ]
        threads += [
            threading.Thread(target=_reader, args=(n, site.port, leaflets, until, burst))
            for n in range(args.readers)
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        burst_end = time.monotonic()
        cpu_burst = {name: _cpu_seconds(pids) - cpu_before[name] for name, pids in processes.items()}
        backlog_at_end = site.unfinished()
        finished_at_end = site.scalar(f"SELECT count(*) FROM leaflet_image WHERE ocr_status IN {_FINISHED}")
        drain = _wait_drained(site, args.drain_timeout, "OCR backlog")
        drained_at = time.monotonic()
        images = site.scalar("SELECT count(*) FROM leaflet_image") - images_before
        ocr_done_after = site.scalar(f"SELECT count(*) FROM leaflet_image WHERE ocr_status IN {_FINISHED}")
        runner_status, left_behind = site.stop()
        results = verify(site, burst.uploads)
        return {
            "database": database,
            "burst": burst,
            "started": started,
            "until": until,
            "read": ocr_done_after - images_before,
            "burst_s": burst_end - started,
            "drain_s": drained_at - started,
            "after_burst_s": drain,
            "backlog_at_end": backlog_at_end,
            "images": images,
            "results": results,
            "cpu_burst": cpu_burst,
            "read_after_burst": ocr_done_after - finished_at_end,
            "runner_status": runner_status,
            "left_behind": left_behind,
            "ocr_total": ocr_done_after,
            "errors_logged": site.log().count("Traceback"),
            "log_kept": site.keep_log() if "Traceback" in site.log() else None,
            "plan_wrapped": plan.wrapped,
        }
    finally:
        if site.runner is not None and site.runner.poll() is None:
            site.stop()
        site.close()


def report(run: dict, tesseract_per_min: float, args: argparse.Namespace) -> None:
    burst: Burst = run["burst"]
    uploads = [s for s in burst.samples if s.kind == "upload"]
    reads = [s for s in burst.samples if s.kind in READS and s.started < run["until"]]
    statuses = Counter(
        str(s.status) if s.status == 201 else "no answer" if s.status == 0 else f"{s.status // 100}xx"
        for s in uploads
    )
    read_statuses = Counter(f"{s.status // 100}xx" if s.status else "no answer" for s in reads)
    ramp = f"first uploads spread over {args.ramp:.0f} s" if args.ramp else "every uploader starts at once"
    print(f"\n-- {run['database']}: the burst ({run['burst_s']:.0f} s; {ramp}) --")
    print(f"{'requests':<22}{'count':>7}{'p50 ms':>9}{'p95 ms':>9}{'max ms':>9}")
    answers = [s for s in burst.samples if s.kind == "answer"]
    rows = [
        ("upload", uploads),
        ("  first of each", [s for s in uploads if s.first]),
        ("  the rest", [s for s in uploads if not s.first]),
        ("answer: same leaflet?", answers),
    ]
    rows += [(f"read: {kind}", [s for s in reads if s.kind == kind]) for kind in READS]
    rows.append(("read: all", reads))
    for name, samples in rows:
        times = [1000 * s.seconds for s in samples]
        print(
            f"{name:<22}{len(samples):>7}{_pct(times, 0.5):>9.0f}{_pct(times, 0.95):>9.0f}"
            f"{max(times, default=float('nan')):>9.0f}"
        )
    sent = sum(u.sent for u in burst.uploads if u.status == 201)
    print(f"upload answers: {dict(statuses)}; photos sent in leaflets stored: {sent}")
    repeats = [u for u in burst.uploads if u.repeat]
    asked_anyway = sum(u.held for u in burst.uploads if not u.repeat)
    print(
        f"same leaflet again (planned repeats, {photo_pool.REPEAT_SHARE:.0%} of the plan): {len(repeats)} "
        f"sent, {sum(u.held for u in repeats)} asked about, {sum(u.delivery for u in repeats)} recorded as "
        f"deliveries; different leaflets asked about all the same: {asked_anyway}; uploads whose check had "
        f"not run within {ASK_WAIT_S:.0f} s: {sum(u.late for u in burst.uploads)}"
        + (f"; the plan ran out and {run['plan_wrapped']} were sent again" if run["plan_wrapped"] else "")
    )
    print(f"reader answers: {dict(read_statuses)}")
    cpu = run["cpu_burst"]
    wall = run["burst_s"]
    print(
        f"CPU used during the burst: web processes {cpu['web']:.0f} s ({cpu['web'] / wall:.2f} cores), "
        f"OCR processes {cpu['ocr']:.0f} s ({cpu['ocr'] / wall:.2f} cores), of {os.cpu_count()} cores; "
        f"web CPU per request {1000 * cpu['web'] / max(1, len(uploads) + len(reads)):.0f} ms "
        "(uploads and reads together)"
    )
    print(f"\n-- {run['database']}: after the burst --")
    print(
        f"jobs waiting when the burst ended: {run['backlog_at_end']}; "
        f"waited {run['after_burst_s']:.0f} s more for them"
    )
    per_min = 60.0 * run["read"] / run["drain_s"] if run["drain_s"] else float("nan")
    print(
        f"OCR: {run['read']} of {run['images']} photos read in {run['drain_s']:.0f} s "
        "from the burst's start: "
        f"{per_min:.1f}/min; plain tesseract x{args.ocr_workers}: {tesseract_per_min:.1f}/min; "
        f"ratio {per_min / tesseract_per_min:.2f}"
    )
    if run["after_burst_s"] > 1:
        after = 60.0 * run["read_after_burst"] / run["after_burst_s"]
        print(
            f"OCR after the burst alone: {run['read_after_burst']} photos in {run['after_burst_s']:.0f} s: "
            f"{after:.1f}/min; ratio to plain tesseract {after / tesseract_per_min:.2f}"
        )
    lost = sum(count for key, count in run["results"].items() if key.startswith("lost"))
    unfinished = sum(count for key, count in run["results"].items() if key.startswith("unfinished"))
    checked = sorted(run["results"].items())
    print("every 201 checked: " + "; ".join(f"{key}: {count}" for key, count in checked))
    errors = statuses.get("5xx", 0) + read_statuses.get("5xx", 0)
    print(
        f"lost: {lost}; still queued when the benchmark stopped waiting: {unfinished}; 5xx: {errors}; "
        f"tracebacks in the server log: {run['errors_logged']}"
        + (f" (log kept: {run['log_kept']})" if run["log_kept"] else "")
    )
    print(
        f"runner stopped with status {run['runner_status']}; "
        f"processes left behind: {run['left_behind'] or 'none'}"
    )
    upload_p95 = _pct([s.seconds for s in uploads], 0.95)
    read_p95 = _pct([s.seconds for s in reads], 0.95)
    print(
        f"targets: 0 lost [{lost}], 0 5xx [{statuses.get('5xx', 0) + read_statuses.get('5xx', 0)}], "
        f"upload p95 < 2 s [{upload_p95:.2f} s], reader p95 < 300 ms [{1000 * read_p95:.0f} ms], "
        f"OCR within 20% of tesseract [{per_min / tesseract_per_min:.2f}]"
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.load", description=__doc__.split("\n")[0])
    parser.add_argument("--uploaders", type=int, default=50)
    parser.add_argument("--readers", type=int, default=8)
    parser.add_argument("--duration", type=float, default=60.0, help="seconds of burst")
    parser.add_argument(
        "--think", type=float, default=15.0, help="mean seconds an uploader waits between its leaflets"
    )
    parser.add_argument(
        "--ramp",
        type=float,
        default=0.0,
        help="seconds over which the uploaders' first uploads are spread uniformly (default 0: all at once)",
    )
    parser.add_argument("--database", choices=("sqlite", "postgresql", "both"), default="sqlite")
    parser.add_argument("--web-workers", type=int, default=default_web_workers())
    parser.add_argument("--web-threads", type=int, default=DEFAULT_WEB_THREADS)
    parser.add_argument("--ocr-workers", type=int, default=default_ocr_workers())
    parser.add_argument("--demo", type=int, default=8, help="demo leaflets the site starts with")
    parser.add_argument("--drain-timeout", type=float, default=1800.0)
    parser.add_argument("--seed", type=int, default=13, help="which generated leaflets are sent")
    parser.add_argument(
        "--baseline-images",
        type=int,
        default=0,
        help="photos the plain-tesseract baseline reads (default: every photo of the plan)",
    )
    parser.add_argument("--quick", action="store_true", help="5 uploaders, 2 readers, 20 s: a try-out")
    args = parser.parse_args(argv)
    if args.quick:
        args.uploaders, args.readers, args.duration, args.think, args.demo = 5, 2, 20.0, 8.0, 3
    # Enough different leaflets that none is sent twice by accident: each uploader sends one, then one
    # every `think` seconds or so (at most every half of it), with a margin.
    count = int(args.uploaders * (args.duration / args.think + 2) * 1.2)
    print(f"Photos: {count} leaflets of 1-3 phone photos (made once, kept in {photo_pool.CACHE})", flush=True)
    entries = photo_pool.prepare(count, args.seed, workers=os.cpu_count() or 2)
    photo_files = photo_pool.photo_files(entries, args.seed)
    sizes = sorted(path.stat().st_size / 1e6 for path in photo_files)
    print(
        f"  {sum(e.pages for e in entries)} photos, {sizes[0]:.1f}-{sizes[-1]:.1f} MB; "
        f"{sum(e.repeat_of is not None for e in entries)} leaflets are an earlier one photographed again",
        flush=True,
    )
    print(f"machine: {os.cpu_count()} CPUs, shared with other engineers' work (figures vary with their load)")
    databases = ("sqlite", "postgresql") if args.database == "both" else (args.database,)
    runs = [run_one(database, args, Plan(entries, args.seed)) for database in databases]
    print(
        f"\nbaseline: {args.ocr_workers} plain tesseract runs side by side on the same photos, as niced "
        "as the OCR processes…",
        flush=True,
    )
    per_min = tesseract_rate(
        photo_files,
        args.ocr_workers,
        max(2 * args.ocr_workers, args.baseline_images or len(photo_files)),
        int(os.environ.get("OCR_NICE", "10")),
    )
    for run in runs:
        report(run, per_min, args)
    return 0
