"""The CPU one upload request spends on a photo, against the path before branch upload5, measured in the same
run on the same photos (process CPU time, so other work on the machine counts less than in wall time).

A request hashes the bytes, checks them (sniff, header size against bytes, the 1/8-scale decode) and keeps the
small look with the held bytes. Before upload5 it then also fingerprinted the look in four turns and
print-matched it against up to three stored display pictures (`near_duplicates.UPLOAD`); that check now runs
in the variant workers after the upload is published (`pending_uploads.check_next`), and is reported here as
the background work it became.
"""

from __future__ import annotations

import argparse
import io
import statistics
import time
from pathlib import Path
from typing import Callable

from PIL import Image

from bench.upload_cpu import held, request
from leaflets.services import images, perceptual
from leaflets.services.photo_variants import _look_bytes

PHOTOS = Path(__file__).resolve().parent.parent / "out" / "load-photos" / "seed-13"
TURNS = (0, 90, 180, 270)


def _near_duplicate(look: Image.Image, displays: list[bytes]) -> None:
    """The look-alike check: four turns hashed, then the print matches (in the request before upload5)."""
    for turn in TURNS:
        perceptual.page_hash(look if turn == 0 else look.rotate(-turn, expand=True))
    for display in displays:
        with Image.open(io.BytesIO(display)) as other:
            perceptual.print_match(look, other)


def _near_duplicates(looks: list[Image.Image], displays: list[bytes]) -> None:
    for look in looks:
        _near_duplicate(look, displays)


def _checked(data: bytes) -> Image.Image:
    """What the request does now: hash, check, and the look encoded to be kept with the held bytes."""
    checked = images.check(data, sha256=images.sha256_of(data))
    assert checked.look is not None
    _look_bytes(checked.look)
    return checked.look


def _request_before(data: bytes, displays: list[bytes]) -> None:
    _near_duplicate(_checked(data), displays)


def _request_now(data: bytes, displays: list[bytes]) -> None:
    _checked(data)


def _cpu_ms(
    step: Callable[[bytes, list[bytes]], object], photos: list[bytes], displays: list[bytes]
) -> float:
    started = time.process_time()
    for data in photos:
        step(data, displays)
    return 1000 * (time.process_time() - started) / len(photos)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--photos", type=int, default=8, help="uploads measured per round")
    parser.add_argument("--matches", type=int, default=3, help="print matches per upload (UPLOAD budget: 3)")
    parser.add_argument("--rounds", type=int, default=3, help="alternating rounds; the median is reported")
    parser.add_argument(
        "--requests",
        type=int,
        default=6,
        help="whole upload requests of 2 photos each per round, through gunicorn and Flask (0: none)",
    )
    parser.add_argument(
        "--busy", type=int, default=2, help="threads running Python beside the whole requests (0: none)"
    )
    parser.add_argument(
        "--wave", type=int, default=50, help="uploads of 2 photos whose bytes are kept at once (0: none)"
    )
    args = parser.parse_args(argv)
    paths = sorted(PHOTOS.glob("*.jpg"))
    if len(paths) < max(args.photos + args.matches, 2 * args.requests):
        print(f"need more photos in {PHOTOS}: run python -m bench.load --quick once")
        return 2
    if args.requests:  # first: the client process is forked before anything starts a thread
        _whole_requests([path.read_bytes() for path in paths[: 2 * args.requests]], args.rounds, args.busy)
    photos = [path.read_bytes() for path in paths[: args.photos]]
    displays = [
        images.process(path.read_bytes()).variants["display"][0]
        for path in paths[args.photos : args.photos + args.matches]
    ]
    print(
        f"{len(photos)} photos of {statistics.mean(map(len, photos)) / 1e6:.1f} MB, "
        f"{len(displays)} print matches each"
    )
    looks = [_checked(data) for data in photos]
    steps = {
        "whole request": (_request_before, _request_now),
    }
    for name, (before, now) in steps.items():
        pairs = [
            (_cpu_ms(before, photos, displays), _cpu_ms(now, photos, displays)) for _ in range(args.rounds)
        ]
        old = statistics.median(pair[0] for pair in pairs)
        new = statistics.median(pair[1] for pair in pairs)
        print(f"{name:24s} before {old:6.1f} ms  now {new:6.1f} ms  ratio {new / old:.2f}")
    moved = statistics.median(
        1000 * _cpu_s(lambda: _near_duplicates(looks, displays)) / len(looks) for _ in range(args.rounds)
    )
    print(f"{'look-alike check':24s} now in the variant workers: {moved:6.1f} ms a photo")
    if args.wave:  # last: its threads start after the request client was forked
        held.run([path.read_bytes() for path in paths[: 2 * min(args.wave, 10)]], args.wave, args.rounds)
    return 0


def _cpu_s(work: Callable[[], object]) -> float:
    started = time.process_time()
    work()
    return time.process_time() - started


def _whole_requests(photos: list[bytes], rounds: int, busy: int) -> None:
    """Whole requests of two photos each, before upload6 and now, in alternating rounds: alone, then with
    `busy` threads running Python beside them."""
    requests = [request.http_request(photos[n : n + 2]) for n in range(0, len(photos), 2)]
    client = request.Client(requests)
    site = request.Site.prepared()
    print(f"{len(requests)} whole requests of 2 photos ({statistics.mean(map(len, requests)) / 1e6:.1f} MB):")
    try:
        for threads in dict.fromkeys((0, busy)):
            pairs = [
                (
                    request.measure(site, client, len(requests), True, threads),
                    request.measure(site, client, len(requests), False, threads),
                )
                for _ in range(rounds)
            ]
            beside = f", {threads} busy" if threads else ""
            for label, index in (("CPU", 0), ("wall", 1)):
                if threads and label == "CPU":
                    continue  # the busy threads' CPU, not the request's
                old = statistics.median(pair[0][index] for pair in pairs)
                new = statistics.median(pair[1][index] for pair in pairs)
                print(
                    f"{'whole request, ' + label + beside:32s} before {old:6.1f} ms  now {new:6.1f} ms  "
                    f"ratio {new / old:.2f}"
                )
    finally:
        client.close()
        site.close()
