"""The stored display and thumbnail of a phone photo, made the cheap way (a box-filter halving before LANCZOS,
the thumbnail from the display), look like the same pictures made with LANCZOS alone from the full master."""

from __future__ import annotations

import io

import numpy as np
import pytest
from PIL import Image

from leaflets.services import images
from tests.support import real_leaflet

PHONE_PHOTO = "el_libdem_fair_deal_2024_iphone.jpeg"  # 3024x4032, as a phone sends it


def _psnr(ours: Image.Image, reference: Image.Image) -> float:
    assert ours.size == reference.size
    a = np.asarray(ours.convert("RGB"), dtype=np.float64)
    b = np.asarray(reference.convert("RGB"), dtype=np.float64)
    return float(10 * np.log10(255**2 / max(1e-9, ((a - b) ** 2).mean())))


def _lanczos(picture: Image.Image, edge: int) -> Image.Image:
    copy = picture.copy()
    copy.thumbnail((edge, edge), Image.Resampling.LANCZOS, reducing_gap=None)
    return copy


def _decoded(data: bytes) -> Image.Image:
    picture = Image.open(io.BytesIO(data))
    picture.load()
    return picture


@pytest.fixture(scope="module")
def made() -> tuple[Image.Image, dict[str, Image.Image]]:
    processed = images.process(real_leaflet(PHONE_PHOTO).read_bytes())
    decoded = {name: _decoded(data) for name, (data, _mime) in processed.variants.items()}
    return decoded["master"], decoded


QUALITY = {"display": 85, "thumb": 80}
# What the cheap way may lose against JPEG's own loss: measured 0.9 dB (display) and 0.2 dB (thumbnail) on
# this photo; shrinking with no smoothing at all (NEAREST) loses 7-10 dB.
ALLOWED_DB = 1.5


def _the_old_way(reference: Image.Image, variant: str) -> Image.Image:
    """LANCZOS alone, encoded as the stored file is."""
    return _decoded(images._encode(reference.copy(), "JPEG", quality=QUALITY[variant], optimize=True))


@pytest.mark.parametrize("variant, edge", [("display", 1600), ("thumb", 400)])
def test_display_and_thumbnail_are_as_close_to_lanczos_as_jpeg_allows(made, variant, edge):
    master, decoded = made
    reference = _lanczos(master, edge)
    ours = decoded[variant]
    assert max(ours.size) == edge and ours.size == reference.size
    the_old_way = _the_old_way(reference, variant)
    assert _psnr(ours, reference) > _psnr(the_old_way, reference) - ALLOWED_DB


def test_a_shortcut_that_skipped_the_smoothing_would_be_caught(made):
    """The bound above is not loose: the display shrunk with no smoothing falls far below it."""
    master, _variants = made
    reference = _lanczos(master, 1600)
    nearest = master.resize(reference.size, Image.Resampling.NEAREST)
    the_old_way = _the_old_way(reference, "display")
    assert _psnr(nearest, reference) < _psnr(the_old_way, reference) - ALLOWED_DB
