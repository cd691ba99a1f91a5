"""CPU per photo of the app's OCR worker, by part.

`python -m bench.ocr.worker_cpu [--photos 12] [--per-leaflet 3]`:

`bench/load`'s stored phone photos (bench/out/load-photos, made by `make bench-load`) are uploaded through the
upload service into a temporary SQLite app (variants made inline), then one in-process `Worker` reads them
all. Each part is timed with `time.process_time` around its function (the whole process: the Whoosh writer
thread's commits land in whichever part is running); Tesseract's own CPU is the children's rusage.
"""

from __future__ import annotations

import argparse
import resource
import tempfile
import time
from collections import defaultdict
from pathlib import Path
from typing import Any, Callable

from bench.ocr import app_throughput

PHOTOS = Path("bench/out/load-photos")
cpu: dict[str, float] = defaultdict(float)


def _timed(module: Any, name: str, label: str) -> None:
    function: Callable[..., Any] = getattr(module, name)

    def timed(*args: Any, **kwargs: Any) -> Any:
        start = time.process_time()
        try:
            return function(*args, **kwargs)
        finally:
            cpu[label] += time.process_time() - start

    setattr(module, name, timed)


def _instrument() -> None:
    import ocr
    from leaflets.ocr_queue import jobs
    from leaflets.services import image_turns, indexing, near_duplicates
    from leaflets.services.compare import store

    for module, name, label in [
        (image_turns, "load_master", "decode master"),
        (ocr, "recognise", "ocr.recognise (Python)"),
        (indexing, "leaflet_changed", "indexing.leaflet_changed"),
        (indexing, "reindex", "indexing.reindex"),
        (store, "leaflet_changed", "  of which compare"),
        (near_duplicates, "leaflet_changed", "  of which near-duplicates"),
        (jobs, "claim_next", "claim"),
        (jobs, "complete", "complete"),
    ]:
        _timed(module, name, label)


def _spent() -> tuple[float, float]:
    own, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime, children.ru_utime + children.ru_stime


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--photos", type=int, default=12)
    parser.add_argument("--per-leaflet", type=int, default=3)
    args = parser.parse_args()
    photos = sorted(PHOTOS.glob("*/*.jpg"))[: args.photos]
    if not photos:
        raise SystemExit(f"no photos in {PHOTOS}: run `make bench-load` once to make them")
    from leaflets import create_app
    from leaflets.ocr_queue.settings import QueueSettings
    from leaflets.ocr_queue.worker import Worker

    _instrument()
    with tempfile.TemporaryDirectory(prefix="bench-worker-cpu-") as tmp:
        folder = Path(tmp)
        app_throughput._template(folder)
        app = create_app({**app_throughput._config(folder, 0), "IMAGE_VARIANTS": "inline"})
        with app.app_context():
            per = args.per_leaflet
            app_throughput.store_leaflets(
                [photos[start : start + per] for start in range(0, len(photos), per)]
            )
        cpu.clear()  # the uploads' own calls are not the worker's
        own, children = _spent()
        ran = Worker(app, QueueSettings.from_config(app.config), "bench").run(stop_when_idle=True)
        own_after, children_after = _spent()
        app_throughput._close(app)
    print(f"{ran} photos; CPU seconds per photo:")
    print(
        f"  worker process {(own_after - own) / ran:.3f}, Tesseract {(children_after - children) / ran:.3f}"
    )
    for label, seconds in cpu.items():
        print(f"  {label:28s} {seconds / ran:.3f}")


if __name__ == "__main__":
    main()
