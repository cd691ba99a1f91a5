"""`make run`: the web processes and the OCR worker processes, started together and stopped together.

    python -m leaflets.serve [--host H] [--port P] [--threads T]

One gunicorn with WEB_WORKERS processes serves pages and takes uploads; OCR_WORKERS processes of
`flask ocr work` read photos and make their variants, each with its own interpreter (no process's GIL is
shared with a web request) and at a lower CPU priority (OCR_NICE), so a backlog of photos never slows a page:
OCR takes the CPU the pages leave. Ctrl-C or SIGTERM stops every process; if any of them exits on its own,
the others are stopped too and the exit status says so. Children die with this process (PR_SET_PDEATHSIG).
"""

from __future__ import annotations

import argparse
import ctypes
import functools
import logging
import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Sequence

log = logging.getLogger("leaflets.serve")
REPO = Path(__file__).resolve().parent.parent
STOP_GRACE_S = 15.0  # an OCR process finishes the photo in hand if it can; after this it is killed
_PR_SET_PDEATHSIG = 1


def cpu_count() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not Linux
        return os.cpu_count() or 1


def default_web_workers() -> int:
    """One per core, at least two, so a slow request in one process never stalls the site."""
    return max(2, cpu_count())


# gunicorn's gthread worker queues every accepted connection for its thread pool, first come first served,
# even while the other process has threads free. An upload spends most of its time waiting (for a decode slot,
# the disk, the database's one writer), so with few threads a page waits behind seconds of uploads; with
# many, it starts at once and only shares the CPU with them.
DEFAULT_WEB_THREADS = 32

# How long a web process's thread may keep the GIL while another waits for it (Python's default: 5 ms; set
# in gunicorn.conf.py). A request thread lets go of the GIL for every SQLite statement, socket read and file
# write, and must then take it back; with many threads busy in a burst each of those waits could last the
# whole interval, and an upload makes hundreds of them (`make bench-upload-cpu`, busy threads).
WEB_SWITCH_INTERVAL_S = 0.001


def default_ocr_workers() -> int:
    """One Tesseract per core: the machine's OCR limit. They run niced, so pages still come first."""
    return max(1, cpu_count())


def _positive(environ: dict[str, str], name: str, default: int) -> int:
    value = environ.get(name, "").strip()
    if not value:
        return default
    try:
        number = int(value)
    except ValueError:
        raise SystemExit(f"{name}={value!r} is not a whole number") from None
    if number < (0 if name in ("OCR_WORKERS", "OCR_NICE") else 1):
        raise SystemExit(f"{name}={value!r} is too small")
    return number


def _child_setup(nice: int) -> None:
    """In the child, before exec: die with the runner, and lower the priority of OCR work."""
    try:
        ctypes.CDLL("libc.so.6", use_errno=True).prctl(_PR_SET_PDEATHSIG, signal.SIGTERM)
    except OSError:
        pass
    if nice:
        os.nice(nice)


Process = tuple[str, list[str], dict[str, str], int]  # name, argv, environment, niceness


def commands(args: argparse.Namespace, environ: dict[str, str]) -> list[Process]:
    """(name, argv, environment, niceness) of every process to start."""
    bin_dir = Path(sys.executable).parent
    web_env = {**environ, "OCR_START_WORKERS": "0"}  # OCR runs in its own processes, not in the web's
    web_env.setdefault("IMAGE_VARIANTS", "background")
    gunicorn = [
        str(bin_dir / "gunicorn"),
        "-c",
        "gunicorn.conf.py",
        "--no-control-socket",
        "--bind",
        f"{args.host}:{args.port}",
        "--workers",
        str(args.web_workers),
        "--threads",
        str(args.threads),
        "--timeout",
        "120",
        "wsgi:app",
    ]
    if args.access_log:
        gunicorn[1:1] = ["--access-logfile", "-"]
    made = [("web", gunicorn, web_env, 0)]
    # A worker process polls the database for new photos this often (the web processes cannot wake it).
    ocr_env = {
        **environ,
        "OCR_START_WORKERS": "0",
        "OCR_POLL_S": environ.get("OCR_POLL_S", "1"),
        "IMAGE_VARIANTS": web_env["IMAGE_VARIANTS"],
    }
    for number in range(args.ocr_workers):
        argv = [str(bin_dir / "flask"), "--app", "wsgi", "ocr", "work", "--name", f"ocr-{number}"]
        made.append((f"ocr-{number}", argv, ocr_env, args.ocr_nice))
    return made


class Runner:
    def __init__(self, processes: list[Process]) -> None:
        self.processes = processes
        self.children: dict[str, subprocess.Popen[bytes]] = {}
        self.stopping = False

    def start(self) -> None:
        for name, argv, env, nice in self.processes:
            self.children[name] = subprocess.Popen(
                argv,
                cwd=REPO,
                env=env,
                start_new_session=True,
                preexec_fn=functools.partial(_child_setup, nice),
            )
            log.info("started %s (pid %d)", name, self.children[name].pid)

    def request_stop(self, signum: int, _frame: object) -> None:
        log.info("%s: stopping every process", signal.Signals(signum).name)
        self.stopping = True

    def watch(self) -> int:
        """Wait until asked to stop or a process exits; then stop all. The exit status: 0 if asked."""
        status = 0
        while not self.stopping:
            for name, child in self.children.items():
                if child.poll() is not None:
                    log.error("%s exited with status %s: stopping the others", name, child.returncode)
                    status = 1
                    self.stopping = True
                    break
            else:
                time.sleep(0.3)
        self.stop_all()
        return status

    def stop_all(self) -> None:
        for child in self.children.values():
            _signal_group(child, signal.SIGTERM)
        deadline = time.monotonic() + STOP_GRACE_S
        for name, child in self.children.items():
            try:
                child.wait(timeout=max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                log.warning("%s did not stop in %.0f s: killing it", name, STOP_GRACE_S)
            _signal_group(child, signal.SIGKILL)  # whatever it started (Tesseract) goes with it
            child.wait()
        log.info("all processes stopped")


def _signal_group(child: subprocess.Popen[bytes], signum: int) -> None:
    try:
        os.killpg(child.pid, signum)
    except ProcessLookupError:
        pass


def parse(argv: Sequence[str] | None, environ: dict[str, str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m leaflets.serve", description=__doc__.split("\n")[0])
    parser.add_argument("--host", default=environ.get("HOST", "127.0.0.1"))
    parser.add_argument("--port", type=int, default=int(environ.get("PORT", "5000")))
    parser.add_argument(
        "--threads",
        type=int,
        default=_positive(environ, "WEB_THREADS", DEFAULT_WEB_THREADS),
        help="threads per web process (WEB_THREADS)",
    )
    parser.add_argument(
        "--web-workers",
        type=int,
        default=_positive(environ, "WEB_WORKERS", default_web_workers()),
        help="web processes (WEB_WORKERS; default: the CPU count, at least 2)",
    )
    parser.add_argument(
        "--ocr-workers",
        type=int,
        default=_positive(environ, "OCR_WORKERS", default_ocr_workers()),
        help="OCR worker processes (OCR_WORKERS; default: the CPU count)",
    )
    parser.add_argument(
        "--ocr-nice",
        type=int,
        default=_positive(environ, "OCR_NICE", 10),
        help="how much lower the OCR processes' CPU priority is (OCR_NICE)",
    )
    parser.add_argument("--no-access-log", dest="access_log", action="store_false")
    return parser.parse_args(argv)


def main(argv: Sequence[str] | None = None) -> int:
    logging.basicConfig(level=logging.INFO, format="%(asctime)s serve %(levelname)s %(message)s")
    environ = dict(os.environ)
    args = parse(argv, environ)
    if args.web_workers > 1 and not environ.get("RATELIMIT_STORAGE_URI", "").startswith(("redis", "valkey")):
        log.warning(
            "%d web processes count rate limits each on its own: set RATELIMIT_STORAGE_URI=redis://… "
            "to share them (docs/running.md)",
            args.web_workers,
        )
    runner = Runner(commands(args, environ))
    for signum in (signal.SIGINT, signal.SIGTERM):
        signal.signal(signum, runner.request_stop)
    log.info(
        "Straight Choice on http://%s:%s/ with %d web processes x %d threads and %d OCR processes",
        args.host,
        args.port,
        args.web_workers,
        args.threads,
        args.ocr_workers,
    )
    runner.start()
    return runner.watch()


if __name__ == "__main__":
    sys.exit(main())
