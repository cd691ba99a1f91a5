"""Helpers for tests: database parametrisation and generated images."""
from __future__ import annotations

import io
from typing import Any

import pytest
from PIL import Image, ImageDraw, ImageFont

DATABASES = [pytest.param("sqlite", id="sqlite"), pytest.param("postgresql", id="postgresql", marks=pytest.mark.postgres)]
both_databases = pytest.mark.parametrize("database_url", DATABASES, indirect=True)

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
