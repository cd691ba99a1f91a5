"""Tuning layouts beyond the single flyer page (sans fonts, prose pool C): a letter from the candidate, a
landscape tri-fold spread, and a postcard that is only 300-500 px wide by the time it is read."""

from __future__ import annotations

import random

from bench.ocr.wide.blocks import DARK, LANDSCAPE, WHITE, YELLOW, Item, imprint, panel, pour, shade
from bench.ocr.wide.canvas import INK
from bench.ocr.wide.dataset import Page
from bench.ocr.wide.graphics import logo, photo, signature, vbar_chart
from bench.ocr.wide.tuning.layouts import MARGIN, start


def letter(rng: random.Random) -> Page:
    """Letterhead with emblem and party name, the office address on the right, date, "Dear resident",
    ragged paragraphs, a signature scrawl, the printed name, a P.S. and the imprint."""
    canvas, words = start(rng)
    w = canvas.width
    colour = shade(words.party[2], 0.75) if sum(words.party[2]) < 500 else DARK["navy"]
    logo(canvas, (MARGIN + 50, 110), 50, colour, rng)
    head = canvas.flow(MARGIN + 125, 75, w // 2 + 40, 250)
    head.text(words.fill("{party}"), 34, "bold", colour)
    head.text(words.fill("{place} branch"), 22, colour=colour)
    number = rng.randint(2, 140)
    address = canvas.flow(w // 2 + 120, 75, w - MARGIN, 260)
    for line in (
        f"{number} {words.values['street']}",
        words.place,
        f"Tel 0161 496 {rng.randint(1000, 9999)}",
    ):
        address.text(line, 20, align="right")
    body = canvas.flow(MARGIN, 290, w - MARGIN, canvas.height - 150)
    body.text(f"{rng.randint(1, 28)} April 2024", 22, align="right")
    body.space(20)
    for line in ("The Occupier", f"{rng.randint(1, 99)} {rng.choice(words.prose.streets)}", words.place):
        body.text(line, 22)
    body.space(34)
    body.text(words.one("greetings"), 23)
    body.space(10)
    for paragraph in words.some("paragraphs", 4):
        if body.room() > 560:  # keep room for the closing, signature, name and P.S.
            body.text(paragraph, 23)
            body.space(14)
    body.text(words.one("closings"), 23)
    signature(canvas, body.left + 10, body.y + 30, 260, rng)
    body.space(100)
    body.text(words.candidate, 23, "bold")
    body.text(words.fill("Your {short} candidate for {place}"), 21)
    body.space(20)
    body.text(words.one("postscripts"), 22, "bold")
    imprint(canvas, words.imprint(), MARGIN, w - MARGIN, canvas.height - 50)
    return Page(canvas.image, canvas.text, "letter")


def trifold(rng: random.Random) -> Page:
    """A landscape spread of three panels read left to right: achievements with ticks and a chart, the back
    with a quote, contact details and the imprint, and the cover (dark panel, headline, photo, call)."""
    canvas, words = start(rng, size=LANDSCAPE)
    w, h = canvas.size
    third, pad = w // 3, 48
    for x in (third, 2 * third):
        canvas.draw.line([(x, 0), (x, h)], fill=(222, 222, 222), width=2)
    inside = canvas.flow(pad, pad, third - pad, h - pad)
    inside.text(words.one("subheads"), 34, "heavy", DARK["navy"])
    inside.space(12)
    pour(inside, [Item(b, 21, "bold", mark="tick", after=0.4) for b in words.some("bullets", 4)])
    inside.space(16)
    vbar_chart(
        inside,
        words.one("chart_titles"),
        [(n, v, c) for (n, v), c in zip(words.shares(3), (words.party[2], DARK["royal"], (140, 140, 140)))],
        19,
        190,
    )
    # the words are drawn in the order the photos were first made with; the text is set panel by panel,
    # so the truth reads the inside panel's closing paragraph before the back panel
    quote, resident = words.one("quotes"), words.fill("- a resident of {place}")
    back_paragraph, contact, inside_paragraph = (
        words.one("paragraphs"),
        words.one("contacts"),
        words.one("paragraphs"),
    )
    inside.space(10)
    inside.text(inside_paragraph, 19, align="justify", hyphenate=True)
    back = canvas.flow(third + pad, pad, 2 * third - pad, h - 200)
    back.text(quote, 27, "italic", INK)
    back.text(resident, 20)
    back.space(30)
    back.text(back_paragraph, 20, align="justify", hyphenate=True)
    back.space(20)
    back.text(contact, 20, "bold")
    imprint(canvas, words.imprint(), third + pad, 2 * third - pad, h - pad, 15)
    cover = DARK[rng.choice(("red", "orange", "purple", "teal", "navy"))]
    canvas.fill((2 * third, 0, w, h), cover)
    front = canvas.flow(2 * third + pad, pad + 20, w - pad, h // 2)
    front.text(words.one("headlines"), rng.randint(44, 54), "heavy", YELLOW)
    front.space(14)
    front.text(words.candidate, 30, "bold", WHITE)
    photo(canvas, (2 * third + pad, h // 2, w - pad, h - 190), rng)
    canvas.flow(2 * third + pad, h - 170, w - pad, h - pad).text(
        words.one("calls"), 32, "heavy", WHITE, "centre"
    )
    return Page(canvas.image, canvas.text, "trifold")


def postcard_lowres(rng: random.Random) -> Page:
    """A bold postcard (headline panel, photo, a few big lines, imprint) scaled to 300-500 px wide."""
    canvas, words = start(rng)
    w = canvas.width
    y = panel(
        canvas,
        0,
        0,
        w,
        DARK[rng.choice(sorted(DARK))],
        [Item(words.one("headlines"), 84, "heavy", rng.choice((WHITE, YELLOW)), after=0.1)],
        pad=MARGIN,
    )
    photo(canvas, (MARGIN, y + 50, w - MARGIN, y + 560), rng)
    body = canvas.flow(MARGIN, y + 610, w - MARGIN, canvas.height - 200)
    body.text(words.candidate, 56, "heavy")
    body.space(20)
    pour(body, [Item(b, 40, "bold", mark="dot", after=0.3) for b in words.some("bullets", 3)])
    body.space(20)
    body.text(words.one("calls"), 50, "heavy", DARK["red"])
    imprint(canvas, words.imprint(), MARGIN, w - MARGIN, canvas.height - 50, 26)
    return Page(canvas.image, canvas.text, "postcard_lowres", final_width=rng.randint(300, 500))
