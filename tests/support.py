"""Helpers for tests: database parametrisation and generated images."""
from __future__ import annotations

import io
import os
from pathlib import Path
from typing import Any

import pytest
from PIL import Image, ImageDraw, ImageFont

DATABASES = [pytest.param("sqlite", id="sqlite"), pytest.param("postgresql", id="postgresql", marks=pytest.mark.postgres)]
both_databases = pytest.mark.parametrize("database_url", DATABASES, indirect=True)

REPO = Path(__file__).resolve().parents[1]
FONT = "/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf"


def leaflet_image(lines: list[str] | None = None, size: tuple[int, int] = (1240, 1754), fmt: str = "JPEG",
                  background: str = "white", **save: Any) -> bytes:
    """Render a simple leaflet page with large text; returns encoded bytes."""
    lines = lines or ["VOTE FOR BETTER BUSES", "Fix our potholes now"]
    image = Image.new("RGB", size, background)
    draw = ImageDraw.Draw(image)
    font = ImageFont.truetype(FONT, max(24, size[0] // 18))
    y = size[1] // 10
    for line in lines:
        draw.text((size[0] // 12, y), line, fill="black", font=font)
        y += int(font.size * 1.8)
    buffer = io.BytesIO()
    image.save(buffer, fmt, **save)
    return buffer.getvalue()


def jpeg_with_gps(size: tuple[int, int] = (900, 1200), orientation: int = 1) -> bytes:
    """A JPEG carrying EXIF with GPS coordinates, a camera serial number, an author and an orientation."""
    image = Image.open(io.BytesIO(leaflet_image(size=size)))
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"          # Make
    exif[0x013B] = "Jane Voter"          # Artist
    exif[0xA431] = "SERIAL-12345"        # BodySerialNumber
    exif[0x0112] = orientation           # Orientation
    gps = {1: "N", 2: (51.0, 30.0, 12.5), 3: "W", 4: (0.0, 7.0, 39.0)}
    exif[0x8825] = gps
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", exif=exif.tobytes())
    return buffer.getvalue()


def upload_fields(**overrides: Any) -> dict[str, Any]:
    """Valid metadata for an upload; pass images=[(bytes, name), ...]."""
    fields: dict[str, Any] = {"party": "labour", "area": "E14001063", "election": "ge-2024",
                              "delivered_on": "2024-06-20", "title": "Fixing our roads", "description": ""}
    fields.update(overrides)
    return fields


def multipart(fields: dict[str, Any], images: list[tuple[bytes, str]]) -> dict[str, Any]:
    data = dict(fields)
    data["images"] = [(io.BytesIO(content), name) for content, name in images]
    return data


def shared_data_dir() -> Path:
    """The project's shared data folder (real leaflet photos, reference sources), never copied into the repo.

    `SHARED_DATA_DIR` wins; else `../shared/data` beside the checkout; else the workplace's `/work/shared/data`
    (a clean clone in /tmp has no sibling folder).
    """
    candidates = [os.environ.get("SHARED_DATA_DIR", ""), str(REPO.parent / "shared" / "data"), "/work/shared/data"]
    for candidate in candidates:
        if candidate and Path(candidate, "README.md").is_file():
            return Path(candidate)
    pytest.fail(f"shared data not found in any of {candidates[1:]}; set SHARED_DATA_DIR")


def real_leaflet(name: str) -> Path:
    """A real leaflet photo from shared/data/real_leaflets/ (read in place, never copied)."""
    path = shared_data_dir() / "real_leaflets" / name
    assert path.is_file(), f"missing real leaflet {path}"
    return path


def wait_until(predicate: Any, timeout_s: float = 30.0, what: str = "condition") -> Any:
    """Poll `predicate` until it returns something truthy (returned), failing after `timeout_s`."""
    import time

    deadline = time.monotonic() + timeout_s
    while True:
        value = predicate()
        if value:
            return value
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        time.sleep(0.05)


def free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])
