"""Phone photos for the load benchmark: every upload a different leaflet, as a crowd's would be.

A *plan* is the sequence of leaflets the uploaders send, in order. Each leaflet is one of its own (drawn as
demo data draws them: its own place, candidate, headline and prose, 1-3 pages), each page "photographed" at
12 megapixels as a phone would: on a table, a little turned and keystoned, under uneven light, slightly
soft, with sensor grain, saved as a 3-4 MB JPEG. A small share (REPEAT_SHARE) are the same leaflet
delivered to someone else: an earlier leaflet of the plan photographed again (other angle, other light),
which the site should ask about ("Is this the same leaflet?").

Photos are made before the timed burst (in parallel, about a second each) and kept under bench/out/
(git-ignored), keyed by seed, so later runs read them from disk. Entry i depends only on (seed, i), so a
longer plan extends a shorter one.
"""

from __future__ import annotations

import io
import json
import random
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from PIL import Image, ImageChops, ImageFilter

PHONE = (3024, 4032)  # a 12-megapixel phone camera, portrait
SIZE_MB = (3.0, 4.0)
REPEAT_SHARE = 0.05  # of leaflets that are an earlier leaflet of the plan delivered again
REPEAT_GAP = (15, 60)  # how many leaflets earlier the repeated one was sent (some seconds before)
CACHE = Path(__file__).resolve().parents[1] / "out" / "load-photos"
PARTIES = (
    ("labour", "Labour Party", "#d50000", "Labour"),
    ("conservative", "Conservative and Unionist Party", "#0087dc", "Conservative"),
    ("libdem", "Liberal Democrats", "#faa61a", "Liberal Democrat"),
    ("green", "Green Party", "#02a95b", "Green"),
    ("reform-uk", "Reform UK", "#12b6cf", "Reform UK"),
    ("snp", "Scottish National Party", "#fdf38e", "SNP"),
)
PLACES = (
    "Bristol West",
    "Hexham",
    "Cardiff North",
    "Edinburgh South",
    "Stroud",
    "Bolton North East",
    "St Ives",
    "Ealing Central and Acton",
    "Ceredigion Preseli",
    "Aberdeen North",
    "Harrogate and Knaresborough",
    "Norwich South",
)


@dataclass(frozen=True)
class PlannedLeaflet:
    index: int
    pages: int
    repeat_of: int | None  # the plan index of the leaflet this one is a second delivery of


def _leaflet_rng(seed: int, index: int) -> random.Random:
    return random.Random(f"bench-load-{seed}-{index}")


def planned(seed: int, index: int) -> PlannedLeaflet:
    """What entry `index` of the plan is: deterministic in (seed, index), and cheap (nothing is drawn)."""
    rng = _leaflet_rng(seed, index)
    if index >= REPEAT_GAP[1] and rng.random() < REPEAT_SHARE:
        earlier = planned(seed, index - rng.randint(*REPEAT_GAP))
        if earlier.repeat_of is None:
            return PlannedLeaflet(index, earlier.pages, earlier.index)
    return PlannedLeaflet(index, rng.choice((1, 2, 2, 2, 3)), None)


def _pages(seed: int, entry: PlannedLeaflet) -> list[bytes]:
    """The leaflet's pages as demo data draws them: its own place, party, candidate, headline and prose."""
    from leaflets.services import demo_data

    rng = random.Random(f"bench-load-pages-{seed}-{entry.index}")
    slug, name, colour, label = rng.choice(PARTIES)
    place = rng.choice(PLACES)
    candidate = f"{rng.choice(demo_data.FIRST)} {rng.choice(demo_data.LAST)}"
    values = {"area": place, "party": label, "candidate": candidate, "rival": rng.choice(PARTIES)[3]}
    agent = f"{rng.choice(demo_data.FIRST)} {rng.choice(demo_data.LAST)}"
    number, road = rng.randint(1, 120), rng.choice(demo_data.ROADS).removeprefix("the ")
    imprint = f"Promoted by {agent} on behalf of {candidate} ({name}), both at {number} {road}, {place}."
    pages = []
    for number in range(entry.pages):
        chosen = rng.sample(demo_data.PARAGRAPHS, rng.randint(3, 7) if number == 0 else rng.randint(2, 5))
        pages.append(
            demo_data.render_page(
                rng,
                colour=colour,
                party_name=name,
                headline=demo_data.fill_template(rng, rng.choice(demo_data.HEADLINES), values),
                paragraphs=[demo_data.fill_template(rng, paragraph, values) for paragraph in chosen],
                imprint=imprint,
                back=number > 0,
                candidate=candidate,
                party=label,
                rival=values["rival"],
            )
        )
    return pages


def _homography(out: list[tuple[float, float]], src: list[tuple[float, float]]) -> tuple[float, ...]:
    """Pillow's PERSPECTIVE coefficients taking each output point to its source point."""
    rows, values = [], []
    for (x, y), (u, v) in zip(out, src):
        rows += [[x, y, 1, 0, 0, 0, -u * x, -u * y], [0, 0, 0, x, y, 1, -v * x, -v * y]]
        values += [u, v]
    return tuple(np.linalg.solve(np.array(rows, dtype=np.float64), np.array(values, dtype=np.float64)))


_GRAIN: dict[int, Image.Image] = {}


def _grain(rng: random.Random) -> Image.Image:
    """Sensor grain centred on 128: one field per process, shifted by a random offset for each photo."""
    if not _GRAIN:
        noise = np.random.default_rng(7).normal(128, 6, (PHONE[1], PHONE[0]))
        _GRAIN[0] = Image.fromarray(np.clip(noise, 0, 255).astype(np.uint8))
    shifted = ImageChops.offset(_GRAIN[0], rng.randrange(PHONE[0]), rng.randrange(PHONE[1]))
    return Image.merge("RGB", (shifted, shifted, shifted))


def _photograph(page: Image.Image, rng: random.Random, again: random.Random | None = None) -> bytes:
    """The page on a table filling most of the frame, lit unevenly, slightly soft, then turned and keystoned
    (one perspective warp to 12 megapixels), with sensor grain: a phone JPEG of 3-4 MB. With `again`, the same
    shot taken again by someone else: `rng` draws what it drew for the first, and `again` moves each a little
    (as far as the site's print match is built to follow: docs/near-duplicates.md)."""

    def nudge(value: float, by: float) -> float:
        return value + (again.uniform(-by, by) if again is not None else 0.0)

    width, height = PHONE
    page = page.convert("RGB")
    # uneven light, a lamp to one side, and a slightly soft lens: cheap at the page's own size
    light = np.linspace(nudge(rng.uniform(0.72, 0.88), 0.08), 1.0, 64, dtype=np.float32)
    field = np.outer(np.linspace(rng.uniform(0.85, 1.0), 1, 48), light if rng.random() < 0.5 else light[::-1])
    shade = Image.fromarray((field * 255).astype(np.uint8)).resize(page.size, Image.Resampling.BILINEAR)
    page = ImageChops.multiply(page, Image.merge("RGB", (shade, shade, shade)))
    page = page.filter(ImageFilter.GaussianBlur(rng.uniform(0.3, 0.7)))
    # where the page's corners land in the photo: scaled, turned, keystoned, a little off centre
    scale = min(width / page.width, height / page.height) * nudge(rng.uniform(0.8, 0.9), 0.02)
    turn = np.radians(nudge(rng.uniform(-4, 4), 1.0))
    keystone = max(0.0, nudge(rng.uniform(0, 0.04), 0.01))
    centre = (width / 2 + nudge(rng.uniform(-60, 60), 40), height / 2 + nudge(rng.uniform(-60, 60), 40))
    src = [(0.0, 0.0), (page.width, 0.0), (page.width, page.height), (0.0, page.height)]
    out = []
    for u, v in src:
        x, y = (u - page.width / 2) * scale, (v - page.height / 2) * scale
        if v == 0:
            x *= 1 - keystone  # the far edge looks narrower
        out.append(
            (
                centre[0] + x * np.cos(turn) - y * np.sin(turn),
                centre[1] + x * np.sin(turn) + y * np.cos(turn),
            )
        )
    table = tuple(rng.randint(60, 150) for _ in range(3))
    frame = page.transform(
        PHONE,
        Image.Transform.PERSPECTIVE,
        _homography(out, src),
        resample=Image.Resampling.BILINEAR,
        fillcolor=table,
    )
    noisy = ImageChops.add(frame, _grain(again or rng), offset=-128)
    quality, data = 92, b""
    for _ in range(4):  # phone JPEGs are 3-4 MB: settle the quality that gives that
        buffer = io.BytesIO()
        noisy.save(buffer, "JPEG", quality=quality)
        data = buffer.getvalue()
        megabytes = len(data) / 1e6
        if megabytes < SIZE_MB[0] and quality < 97:
            quality += 2
        elif megabytes > SIZE_MB[1] and quality > 70:
            quality -= 4
        else:
            break
    return data


def _path(folder: Path, entry: PlannedLeaflet, number: int) -> Path:
    # "-again2": second deliveries are photographed as the print match can follow (version 2 of them)
    return folder / f"{entry.index:05d}-{number}{'-again2' if entry.repeat_of is not None else ''}.jpg"


def _make(seed: int, index: int, folder: Path) -> None:
    """Photograph entry `index`: its own pages, or for a second delivery the earlier leaflet's pages, shot
    again nearly as the earlier one was."""
    entry = planned(seed, index)
    first = planned(seed, entry.repeat_of) if entry.repeat_of is not None else entry
    camera = random.Random(f"camera-{seed}-{first.index}")
    again = random.Random(f"again-{seed}-{index}") if entry.repeat_of is not None else None
    for number, page in enumerate(_pages(seed, first)):
        with Image.open(io.BytesIO(page)) as picture:
            photo = _photograph(picture, camera, again)
        path = _path(folder, entry, number)
        partial = path.with_suffix(".part")
        partial.write_bytes(photo)
        partial.rename(path)


def folder_for(seed: int) -> Path:
    return CACHE / f"seed-{seed}"


def _made(folder: Path, entry: PlannedLeaflet) -> bool:
    return all(_path(folder, entry, n).exists() for n in range(entry.pages))


def prepare(count: int, seed: int = 13, workers: int = 2) -> list[PlannedLeaflet]:
    """The first `count` leaflets of the plan, their photos made (in `workers` processes) where missing."""
    folder = folder_for(seed)
    folder.mkdir(parents=True, exist_ok=True)
    entries = [planned(seed, index) for index in range(count)]
    missing = [entry.index for entry in entries if not _made(folder, entry)]
    if missing:
        print(f"  making {len(missing)} leaflets' photos into {folder} (kept for later runs)…", flush=True)
        with ProcessPoolExecutor(max(1, workers)) as pool:
            for done, _ in enumerate(
                pool.map(_make, [seed] * len(missing), missing, [folder] * len(missing))
            ):
                if (done + 1) % 50 == 0:
                    print(f"    {done + 1} / {len(missing)}", flush=True)
    (folder / "plan.json").write_text(json.dumps([entry.__dict__ for entry in entries]))
    return entries


def photos_of(entry: PlannedLeaflet, seed: int = 13) -> list[bytes]:
    folder = folder_for(seed)
    return [_path(folder, entry, n).read_bytes() for n in range(entry.pages)]


def photo_files(entries: list[PlannedLeaflet], seed: int = 13, limit: int = 12) -> list[Path]:
    """A few of the photos, for the plain-Tesseract baseline."""
    folder = folder_for(seed)
    return [_path(folder, entry, 0) for entry in entries[:limit]]
