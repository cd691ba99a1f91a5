"""Phone photos for the load benchmark: 3-4 MB JPEGs of leaflets, as a voter's camera takes them.

A small pool is made once (generated leaflet pages "photographed": on a table, slightly turned, camera grain,
12 megapixels; and, when ../shared/data is there, its real leaflet photos enlarged and re-encoded the same
way, read in place and never copied). Each upload then gets its own bytes cheaply: a JPEG comment naming
the upload is added after the start marker, so no two uploads are duplicates of each other, while the
pixels, and so the cost of decoding and reading them, stay those of a real photo.
"""

from __future__ import annotations

import io
import random
import struct
from pathlib import Path

import numpy as np
from PIL import Image

PHONE = (3024, 4032)  # a 12-megapixel phone camera, portrait
REAL_DIRS = (
    Path(__file__).resolve().parents[2].parent / "shared" / "data" / "real_leaflets",
    Path("/work/shared/data/real_leaflets"),
)


def _photograph(page: Image.Image, rng: random.Random) -> bytes:
    """The page on a table, filling most of the frame, a little turned, with sensor grain."""
    table = Image.new("RGB", PHONE, (rng.randint(90, 140), rng.randint(70, 110), rng.randint(50, 90)))
    scale = min(PHONE[0] * 0.86 / page.width, PHONE[1] * 0.86 / page.height)
    size = (int(page.width * scale), int(page.height * scale))
    page = page.convert("RGB").resize(size, Image.Resampling.BICUBIC)
    page = page.rotate(rng.uniform(-3, 3), expand=True, fillcolor=table.getpixel((0, 0)))
    table.paste(page, ((PHONE[0] - page.width) // 2, (PHONE[1] - page.height) // 2))
    pixels = np.asarray(table, dtype=np.int16)
    grain = np.random.default_rng(rng.randrange(1 << 30)).integers(-8, 9, pixels.shape[:2], dtype=np.int16)
    noisy = np.clip(pixels + grain[..., None], 0, 255).astype(np.uint8)
    buffer = io.BytesIO()
    Image.fromarray(noisy).save(buffer, "JPEG", quality=93)
    return buffer.getvalue()


def _generated_pages(count: int, rng: random.Random) -> list[Image.Image]:
    from leaflets.services import demo_data

    pages = []
    for index in range(count):
        data = demo_data.render_page(
            rng,
            colour=rng.choice(["#d50000", "#0087dc", "#faa61a", "#02a95b"]),
            party_name=rng.choice(["Labour", "Conservative", "Liberal Democrats", "Green Party"]),
            headline=rng.choice(
                [
                    "Fixing our roads and potholes",
                    "Save our local bus routes",
                    "More nurses for the hospital",
                    "Cleaner streets for everyone",
                ]
            ),
            paragraphs=[
                rng.choice(
                    [
                        "Residents have told us the potholes on Station Road are a danger to "
                        "cyclists and drivers alike.",
                        "We will keep the library open six days a week and protect the children's centre.",
                        "Only we can beat the other "
                        "party here: the last election was won by a handful of votes.",
                    ]
                )
                for _ in range(6)
            ],
            imprint=f"Promoted by the agent, 1 High Street, on behalf of the candidate. Page {index}.",
            back=index % 2 == 1,
        )
        pages.append(Image.open(io.BytesIO(data)))
    return pages


def _real_pages() -> list[Image.Image]:
    folder = next((d for d in REAL_DIRS if d.is_dir()), None)
    if folder is None:
        return []
    pages = []
    for path in sorted(folder.glob("*.jp*g")):
        with Image.open(path) as opened:
            if min(opened.size) >= 600:
                pages.append(opened.convert("RGB"))
    return pages


CACHE = Path("/tmp/straight-choice-bench-load")  # outside the repository; remade if removed


def pool_folder(generated: int = 6, seed: int = 13, real: bool = True) -> Path:
    return CACHE / f"pool-{generated}-{seed}-{int(real)}"


def pool(generated: int = 6, seed: int = 13, real: bool = True) -> list[bytes]:
    """The photos uploads are made from (made once, a second or two each, then kept in CACHE)."""
    folder = pool_folder(generated, seed, real)
    if folder.is_dir() and any(folder.glob("*.jpg")):
        return [path.read_bytes() for path in sorted(folder.glob("*.jpg"))]
    rng = random.Random(seed)
    pages = _generated_pages(generated, rng) + (_real_pages() if real else [])
    made = [_photograph(page, rng) for page in pages]
    folder.mkdir(parents=True, exist_ok=True)
    for number, photo in enumerate(made):
        (folder / f"{number:02d}.jpg").write_bytes(photo)
    return made


def unique(photo: bytes, label: str) -> bytes:
    """The same picture with a JPEG comment (COM segment) naming this upload: other bytes, same pixels."""
    comment = f"bench-load {label}".encode()
    return photo[:2] + b"\xff\xfe" + struct.pack(">H", len(comment) + 2) + comment + photo[2:]
