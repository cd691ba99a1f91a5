"""Held-out layouts beyond the single flyer page (prose pool D): a serif letter under a dark letterhead, a
landscape tri-fold with a survey panel, and a dense newsletter page only 300-500 px wide. Only measured:
never tune the pipeline on these (bench/ocr/README.md)."""

from __future__ import annotations

import random

from bench.ocr.wide.blocks import (
    DARK,
    LANDSCAPE,
    LIBERATION,
    PORTRAIT,
    WHITE,
    YELLOW,
    Item,
    imprint,
    panel,
    pour,
    shade,
)
from bench.ocr.wide.canvas import INK, Canvas, Fonts, Para, run_columns
from bench.ocr.wide.dataset import Page
from bench.ocr.wide.graphics import logo, photo, pie_chart, signature
from bench.ocr.wide.held_out.layouts import EDGE, begin
from bench.ocr.wide.held_out.prose import PROSE
from bench.ocr.wide.words import Picker

DEJAVU = "/usr/share/fonts/truetype/dejavu/"
SERIF = (
    Fonts(
        LIBERATION + "LiberationSerif-Regular.ttf",
        LIBERATION + "LiberationSerif-Bold.ttf",
        LIBERATION + "LiberationSerif-Bold.ttf",
        LIBERATION + "LiberationSerif-Italic.ttf",
    ),
    Fonts(
        DEJAVU + "DejaVuSerif.ttf",
        DEJAVU + "DejaVuSerif-Bold.ttf",
        DEJAVU + "DejaVuSerif-Bold.ttf",
        DEJAVU + "DejaVuSerif-Italic.ttf",
    ),
)


def council_letter(rng: random.Random) -> Page:
    """A serif letter: dark letterhead band (white name, yellow strapline), reference and date on the right,
    the addressee, "Dear neighbour", paragraphs with a short list, closing, signature, name, P.S., imprint."""
    canvas, words = Canvas(PORTRAIT, rng.choice(SERIF)), Picker(PROSE, rng)
    w, h = canvas.size
    band = DARK[rng.choice(("navy", "green", "maroon", "purple"))]
    logo(canvas, (w - EDGE - 60, 90), 56, shade(words.party[2], 0.9), rng)
    top = panel(
        canvas,
        0,
        0,
        w - EDGE - 140,
        band,
        [
            Item(words.fill("{candidate}"), 40, "bold", WHITE, after=0.2),
            Item(words.fill("{party} - working for {place}"), 21, colour=YELLOW, after=0),
        ],
        pad=40,
    )
    right = canvas.flow(w // 2, top + 30, w - EDGE, top + 140)
    right.text(
        f"Our ref: {words.candidate.split()[0][:2].upper()}/{rng.randint(100, 999)}", 20, align="right"
    )
    right.text(f"{rng.randint(1, 28)} April 2024", 20, align="right")
    body = canvas.flow(EDGE, top + 150, w - EDGE, h - 140)
    for line in ("The Householder", f"{rng.randint(1, 120)} {rng.choice(words.prose.streets)}", words.place):
        body.text(line, 22)
    body.space(30)
    body.text(words.one("greetings"), 24)
    body.space(8)
    paragraphs = words.some("paragraphs", 3)
    size = rng.randint(23, 26)
    body.text(paragraphs[0], size, align="justify")
    body.space(10)
    pour(body, [Item(b, size, mark="dot", after=0.3) for b in words.some("bullets", 3)])
    body.space(10)
    for paragraph in paragraphs[1:]:
        if body.room() > 540:
            body.text(paragraph, size, align="justify")
            body.space(10)
    body.text(words.one("closings"), 23)
    signature(canvas, body.left + 20, body.y + 28, 300, rng, (10, 10, 10))
    body.space(96)
    body.text(words.candidate, 23, "bold")
    body.text(words.fill("{party} candidate"), 21, "italic")
    body.space(16)
    body.text(words.one("postscripts"), 22, "bold")
    imprint(canvas, words.imprint(), EDGE, w - EDGE, h - 44, 16)
    return Page(canvas.image, canvas.text, "council_letter")


def trifold_survey(rng: random.Random) -> Page:
    """A landscape spread read panel by panel: a dark survey panel with tick boxes, a middle panel with a
    photo, caption, paragraph and figure, and a white cover with emblem, headline, photo and a call band."""
    canvas, words = begin(rng, size=LANDSCAPE)
    w, h = canvas.size
    third, pad = w // 3, 44
    survey = DARK[rng.choice(("teal", "purple", "green", "red"))]
    canvas.fill((0, 0, third, h), survey)
    left = canvas.flow(pad, pad, third - pad, h - pad)
    left.text("Have your say", 44, "heavy", YELLOW)
    left.text(words.one("pie_titles"), 22, "bold", WHITE)
    left.space(16)
    for label in rng.sample(PROSE.pie_labels, 5):
        canvas.draw.rectangle((left.left, left.y + 4, left.left + 24, left.y + 28), outline=WHITE, width=3)
        left.text(label, 24, colour=WHITE, indent=40)
        left.space(12)
    left.space(10)
    left.text(words.one("contacts"), 19, colour=WHITE)
    left.space(24)
    left.text(words.one("paragraphs"), 18, colour=WHITE, align="justify", hyphenate=True)
    middle = canvas.flow(third + pad, pad, 2 * third - pad, h - pad)
    photo(canvas, (middle.left, pad, middle.right, pad + 330), rng)
    middle.y = pad + 340
    middle.text(words.one("captions"), 17, "italic")
    middle.space(14)
    middle.text(words.one("paragraphs"), 20, align="justify", hyphenate=True)
    middle.space(14)
    figure, what = words.stats(1)[0]
    middle.text(f"{figure} {what}", 26, "heavy", shade(words.party[2], 0.8))
    imprint(canvas, words.imprint(), third + pad, 2 * third - pad, h - pad, 14)
    logo(canvas, (2 * third + pad + 44, pad + 44), 44, words.party[2], rng)
    cover = canvas.flow(2 * third + pad, pad + 110, w - pad, h // 2 + 40)
    cover.text(words.one("headlines"), rng.randint(42, 50), "heavy", shade(words.party[2], 0.7))
    cover.text(words.candidate, 28, "bold")
    photo(canvas, (2 * third + pad, h // 2 + 50, w - pad, h - 190), rng)
    panel(
        canvas,
        2 * third,
        h - 170,
        w,
        DARK["black"],
        [Item(words.one("calls"), 30, "heavy", WHITE, "centre", 0)],
        pad=40,
        bottom=h,
    )
    return Page(canvas.image, canvas.text, "trifold_survey")


def newsletter_lowres(rng: random.Random) -> Page:
    """A dense newsletter page (masthead, two columns of body text, a pie chart) scaled to 300-500 px wide:
    most of its text is unreadable at that size."""
    canvas, words = begin(rng)
    w, h = canvas.size
    y = panel(
        canvas,
        0,
        0,
        w,
        DARK[rng.choice(("royal", "navy", "teal"))],
        [Item(words.one("mastheads"), 70, "heavy", WHITE, after=0)],
        pad=44,
    )
    head = canvas.flow(EDGE, y + 30, w - EDGE, y + 260)
    head.text(words.one("headlines"), 44, "heavy")
    col = (w - 2 * EDGE - 40) // 2
    top = head.y + 20
    flows = [
        canvas.flow(EDGE, top, EDGE + col, h - 560),
        canvas.flow(EDGE + col + 40, top, w - EDGE, h - 560),
    ]
    run_columns(flows, [Para(p, 20) for p in words.some("paragraphs", 6)], balance=True)
    chart = canvas.flow(EDGE, h - 520, w - EDGE, h - 140)
    slices = zip(words.pie(4), (DARK["red"], DARK["navy"], DARK["green"], (180, 180, 180)))
    pie_chart(
        chart, words.one("pie_titles"), [(label, value, fill) for (label, value), fill in slices], 26, 300
    )
    imprint(canvas, words.imprint(), EDGE, w - EDGE, h - 40, 18, INK)
    return Page(canvas.image, canvas.text, "newsletter_lowres", final_width=rng.randint(300, 500))
