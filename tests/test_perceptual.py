"""Perceptual fingerprints without a database: the same leaflet as JPEG, HEIC, resized and photographed again
is found; another leaflet on the same template is a candidate by its hash but not the same print."""

from __future__ import annotations

import io
import random
from itertools import combinations

import numpy as np
import pillow_heif
import pytest
from PIL import Image

from leaflets.services import perceptual
from tests.near_duplicate_images import encode, rephotograph, template_leaflet
from tests.support import leaflet_image, real_leaflet

pillow_heif.register_heif_opener()
REAL = [
    "el_api_1_green_view_liverpool_2011.jpg",
    "el_api_3_labour_scotland_ferguson_2011.jpg",
    "el_libdem_fair_deal_2024_iphone.jpeg",
    "el_small_inside_van_orden_edispatch.jpg",
    "el_small_back_conservative_heron.jpg",
]


def opened(data: bytes) -> Image.Image:
    return Image.open(io.BytesIO(data))


@pytest.fixture(scope="module")
def original() -> Image.Image:
    return template_leaflet("Jane Smith", 1)


def copies(page: Image.Image) -> dict[str, Image.Image]:
    return {
        "jpeg": opened(encode(page, quality=70)),
        "heic": opened(encode(page, "HEIF", quality=60)),
        "resized": page.resize((page.width * 2 // 3, page.height * 2 // 3)),
        "rephotographed": rephotograph(page, 1),
        "rephotographed at another angle": rephotograph(page, 2),
    }


def test_the_same_leaflet_in_every_form_is_found_and_matches_print_for_print(original):
    for name, copy in copies(original).items():
        gap = perceptual.distance(perceptual.page_hash(original), perceptual.page_hash(copy))
        assert gap <= perceptual.MAX_DISTANCE, f"{name}: hash {gap} bits away"
        match = perceptual.print_match(original, copy)
        assert match.same and match.tiles > 20, f"{name}: {match}"


def test_another_leaflet_on_the_same_template_hashes_alike_but_is_not_the_same_print(original):
    for other in (
        template_leaflet("Tom Brown", 2),
        template_leaflet("Jane Smith", 5),
        rephotograph(template_leaflet("Tom Brown", 2), 3),
    ):
        # the layout is the template's, so the hash alone would call it the same: the print must not
        assert (
            perceptual.distance(perceptual.page_hash(original), perceptual.page_hash(other))
            <= perceptual.MAX_DISTANCE
        )
        match = perceptual.print_match(original, other)
        assert not match.same, match
    identical_text = template_leaflet("Jane Smith", 1)
    assert perceptual.print_match(original, identical_text).score > 0.99


@pytest.mark.parametrize("name", REAL)
def test_real_leaflets_photographed_again_are_found(name):
    with Image.open(real_leaflet(name)) as page:
        page.load()
        page = page.convert("RGB")
    page.thumbnail((1600, 1600))  # as stored for display, which is what uploads are compared by
    for copy in copies(page).values():
        assert (
            perceptual.distance(perceptual.page_hash(page), perceptual.page_hash(copy))
            <= perceptual.MAX_DISTANCE
        )
        assert perceptual.print_match(page, copy).same


def test_different_real_leaflets_are_not_the_same():
    pages = {}
    for name in REAL:
        with Image.open(real_leaflet(name)) as page:
            page.load()
            pages[name] = page.convert("RGB")
            pages[name].thumbnail((1600, 1600))
    for first, second in combinations(REAL, 2):
        assert not perceptual.print_match(pages[first], pages[second]).same, (first, second)


def test_a_blank_page_or_a_single_word_is_too_little_print_to_call_the_same():
    blank = Image.new("RGB", (800, 1100), "white")
    assert perceptual.print_match(blank, blank).tiles == 0
    assert not perceptual.print_match(blank, blank).same
    first, second = (opened(leaflet_image([word])) for word in ("N0", "N1"))
    match = perceptual.print_match(first, second)
    assert 0 < match.tiles < perceptual.MIN_TILES and not match.same  # one digit apart: too little to tell
    assert (
        perceptual.print_match(first, opened(leaflet_image(["N0"], fmt="PNG"))).tiles < perceptual.MIN_TILES
    )


def test_short_pages_sharing_words_are_not_the_same():
    heic = opened(leaflet_image(["HEIC LEAFLET"], size=(600, 800)))
    webp = opened(leaflet_image(["WEBP LEAFLET"], size=(500, 700), fmt="WEBP"))
    match = perceptual.print_match(heic, webp)
    assert match.score < perceptual.SAME_PRINT and not match.same, (
        match
    )  # the print differs, however few tiles
    headline = opened(leaflet_image(["REOPEN THE TRAMWAYS"], size=(900, 1200)))
    more = opened(leaflet_image(["REOPEN THE TRAMWAYS", "Liberal Democrats"], size=(900, 1200)))
    for first, second in ((headline, more), (more, headline)):  # a page with a line added: either way round
        assert perceptual.print_match(first, second).score < perceptual.SAME_PRINT


def test_every_hash_within_max_distance_shares_a_probed_band():
    rnd = random.Random(7)
    for _ in range(300):
        value = rnd.getrandbits(64) - (1 << 63)
        flipped = value
        for bit in rnd.sample(range(64), rnd.randint(0, perceptual.MAX_DISTANCE)):
            flipped ^= 1 << bit
        flipped = (flipped + (1 << 63)) % (1 << 64) - (1 << 63)  # back into signed 64-bit
        assert perceptual.distance(value, flipped) <= perceptual.MAX_DISTANCE
        assert any(
            band in perceptual.probes(query, perceptual.BAND_RADIUS)
            for band, query in zip(perceptual.bands(flipped), perceptual.bands(value))
        )
    assert len(perceptual.probes(0, 2)) == 1 + 16 + 120


def test_tile_energies_from_running_sums_equal_the_tiles_summed_at_every_offset():
    rng = np.random.default_rng(7)
    padded = rng.normal(0, 40, (70, 90)).astype(np.float32)
    energies = perceptual._tile_energies(padded, 16, (3, 4))
    for top, left in [(0, 0), (3, 5), (6, 9), (5, 0)]:
        window = padded[top : top + 48, left : left + 64]
        direct = np.sqrt((perceptual._tiles(window, 16).astype(np.float64) ** 2).sum(axis=(2, 3)))
        assert np.allclose(energies(top, left), direct, rtol=1e-4)
