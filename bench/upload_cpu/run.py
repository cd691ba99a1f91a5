"""The CPU one upload request spends on a photo, step by step, against the path before branch load5, measured
in the same run on the same photos (process CPU time, so other work on the machine counts less than in wall
time).

A request hashes the bytes, checks them (sniff, header size against bytes, the 1/8-scale decode), keeps the
small look with the held bytes, fingerprints the look in four turns and print-matches it against up to three
stored display pictures (`near_duplicates.UPLOAD`). Before: the hash was taken twice, the check decoded in
colour, and the tile correlations built every product before summing it.
"""

from __future__ import annotations

import argparse
import io
import statistics
import time
from contextlib import contextmanager
from pathlib import Path
from typing import Callable, Iterator

import numpy as np
from PIL import Image

from bench.upload_cpu import request
from leaflets.services import images, perceptual
from leaflets.services.photo_variants import _look_bytes

PHOTOS = Path(__file__).resolve().parent.parent / "out" / "load-photos" / "seed-13"
TURNS = (0, 90, 180, 270)


def _ncc_before(tiles_a: np.ndarray, energy_a: np.ndarray, tiles_b: np.ndarray) -> np.ndarray:
    """perceptual._ncc as it was before load5: every product made, then summed."""
    energy_b = np.sqrt((tiles_b**2).sum(axis=(-2, -1)))
    return (tiles_a * tiles_b).sum(axis=(-2, -1)) / np.maximum(energy_a * energy_b, 1e-6)


def _best_shifts_before(a: np.ndarray, b: np.ndarray, tile: int, shift: int) -> np.ndarray:
    """perceptual._best_shifts as it was before load5: each shift's tile energies summed again."""
    height, width = a.shape
    padded = np.pad(b, shift, mode="edge")
    tiles_a = perceptual._tiles(a, tile)
    energy_a = np.sqrt((tiles_a**2).sum(axis=(2, 3)))
    best = np.full(energy_a.shape, -2.0, dtype=np.float32)
    where = np.zeros(energy_a.shape + (2,), dtype=np.int64)
    for dy in range(-shift, shift + 1):
        for dx in range(-shift, shift + 1):
            window = padded[shift + dy : shift + dy + height, shift + dx : shift + dx + width]
            score = _ncc_before(tiles_a, energy_a, perceptual._tiles(window, tile))
            better = score > best
            best[better] = score[better]
            where[better] = (dy, dx)
    return where


@contextmanager
def _print_match_before() -> Iterator[None]:
    """The print match with its correlations as they were (the rest of it is unchanged)."""
    current = perceptual._ncc, perceptual._best_shifts
    perceptual._ncc, perceptual._best_shifts = _ncc_before, _best_shifts_before  # type: ignore[assignment]
    try:
        yield
    finally:
        perceptual._ncc, perceptual._best_shifts = current


def _check_before(data: bytes) -> Image.Image:
    """images.check as it was before load5 (the same steps, in the same order): the bytes hashed again,
    and the 1/8-scale decode in colour. Returns its look."""
    limits = images.Limits()
    fmt = images.sniff(data)
    image = images._open_bounded(data, fmt, limits)
    images.check_bytes_can_hold(fmt, len(data), image.size)
    image.getexif()
    reduced = max(1 / 8, min(1.0, images.LOOK_MIN_EDGE / max(image.size)))
    image.draft(None, (max(1, round(image.size[0] * reduced)), max(1, round(image.size[1] * reduced))))
    look = images._scaled(images._decode_upright(image), images.LOOK_EDGE)
    images.sha256_of(data)
    return look


def _near_duplicate(look: Image.Image, displays: list[bytes]) -> None:
    _look_bytes(look)
    for turn in TURNS:
        perceptual.page_hash(look if turn == 0 else look.rotate(-turn, expand=True))
    for display in displays:
        with Image.open(io.BytesIO(display)) as other:
            perceptual.print_match(look, other)


def _request_before(data: bytes, displays: list[bytes]) -> None:
    images.sha256_of(data)
    look = _check_before(data)
    with _print_match_before():
        _near_duplicate(look, displays)


def _request_now(data: bytes, displays: list[bytes]) -> None:
    sha = images.sha256_of(data)
    checked = images.check(data, sha256=sha)
    assert checked.look is not None
    _near_duplicate(checked.look, displays)


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
    steps = {
        "check (hash + decode)": (
            lambda data, _: _check_before(data) and None,
            lambda data, _: images.check(data, sha256=images.sha256_of(data)) and None,
        ),
        "whole request": (_request_before, _request_now),
    }
    for name, (before, now) in steps.items():
        pairs = [
            (_cpu_ms(before, photos, displays), _cpu_ms(now, photos, displays)) for _ in range(args.rounds)
        ]
        old = statistics.median(pair[0] for pair in pairs)
        new = statistics.median(pair[1] for pair in pairs)
        print(f"{name:24s} before {old:6.1f} ms  now {new:6.1f} ms  ratio {new / old:.2f}")
    return 0


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
