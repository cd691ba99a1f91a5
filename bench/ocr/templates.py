"""Leaflet layouts: TUNING_TEMPLATES were tuned on; HELD_OUT_TEMPLATES are only measured."""

from __future__ import annotations

import random
from collections.abc import Callable

from bench.ocr.prose import HELD_OUT, TUNING, ProsePool
from bench.ocr.render import HELD_OUT_FONTS, TUNING_FONTS, Leaflet, Page, Words, darker, lighter

Template = Callable[[random.Random], Leaflet]


def _finish(page: Page, words: Words, name: str) -> Leaflet:
    page.imprint(words.imprint())
    return Leaflet(page.image, "\n\n".join(page.blocks), name)


def banner_columns(rng: random.Random, pool: ProsePool = TUNING) -> Leaflet:
    """White-on-colour headline, candidate line, two columns, pale box, bullets."""
    words, page = Words(pool, rng), Page(rng.choice(TUNING_FONTS))
    page.banner(words.pick(pool.headlines)[0], darker(words.party[2], 0.8), 58)
    page.block(f"{words.values['candidate']}: working hard for {words.values['place']}", 34, bold=True)
    paragraphs = words.pick(pool.paragraphs, 4)
    page.columns(paragraphs[:2], paragraphs[2:], 24)
    if page.fits(3, 28):
        page.box(words.pick(pool.box_texts), lighter(words.party[2]), (20, 20, 20), 28)
    if page.fits(4, 24):
        page.bullets(words.pick(pool.bullets, 3), 24)
    return _finish(page, words, "banner_columns")


def headline_box(rng: random.Random, pool: ProsePool = TUNING) -> Leaflet:
    """Black headline, body, dark box with white text, squeeze line, bullets."""
    words, page = Words(pool, rng), Page(rng.choice(TUNING_FONTS))
    page.block(words.pick(pool.headlines)[0], 64, bold=True)
    page.block(words.pick(pool.paragraphs)[0], 27)
    page.box(words.pick(pool.box_texts), darker(words.party[2]), (255, 255, 255), 32)
    page.block(words.pick(pool.squeeze)[0], 30, bold=True, colour=darker(words.party[2], 0.6))
    if page.fits(6, 26):
        page.bullets(words.pick(pool.bullets, 4), 26)
    return _finish(page, words, "headline_box")


def bullet_box(rng: random.Random, pool: ProsePool = TUNING) -> Leaflet:
    """Coloured banner, bullet list inside a party-colour box, two columns below."""
    words, page = Words(pool, rng), Page(rng.choice(TUNING_FONTS))
    page.banner(words.pick(pool.headlines)[0], words.party[2], 52, colour=(255, 255, 255))
    page.box(words.pick(pool.bullets, 4), darker(words.party[2], 0.45), (255, 255, 255), 26, bullets=True)
    paragraphs = words.pick(pool.paragraphs, 2)
    page.columns(paragraphs[:1], paragraphs[1:], 23)
    if page.fits(2, 30):
        page.block(words.pick(pool.box_texts)[0], 30, bold=True, centre=True)
    return _finish(page, words, "bullet_box")


def held_sidebar(rng: random.Random) -> Leaflet:
    """Held out: serif body, centred headline, pale box of bullets, closing banner."""
    pool = HELD_OUT
    words, page = Words(pool, rng), Page(rng.choice(HELD_OUT_FONTS))
    page.block(words.pick(pool.headlines)[0], 60, bold=True, colour=darker(words.party[2], 0.7), centre=True)
    page.block(words.pick(pool.squeeze)[0], 28, bold=True, centre=True)
    page.box(words.pick(pool.bullets, 3), lighter(words.party[2], 0.7), (30, 30, 30), 25, bullets=True)
    paragraphs = words.pick(pool.paragraphs, 2)
    page.columns(paragraphs[:1], paragraphs[1:], 22)
    if page.fits(3, 40):
        page.banner(words.pick(pool.box_texts)[0], darker(words.party[2], 0.9), 40)
    return _finish(page, words, "held_sidebar")


def held_letter(rng: random.Random) -> Leaflet:
    """Held out: a 'letter from your candidate', long prose, dark banner, small headline."""
    pool = HELD_OUT
    words, page = Words(pool, rng), Page(rng.choice(HELD_OUT_FONTS))
    page.banner(f"A letter from {words.values['candidate']}", darker(words.party[2], 0.5), 46)
    page.block("Dear resident,", 28)
    for paragraph in words.pick(pool.paragraphs, 3):
        if page.fits(5, 26):
            page.block(paragraph, 26)
    if page.fits(2, 30):
        page.box(words.pick(pool.box_texts), words.party[2], (255, 255, 255), 30)
    return _finish(page, words, "held_letter")


TUNING_TEMPLATES: tuple[Template, ...] = (banner_columns, headline_box, bullet_box)
HELD_OUT_TEMPLATES: tuple[Template, ...] = (held_sidebar, held_letter)
