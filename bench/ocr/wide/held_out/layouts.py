"""Held-out layouts of the wider generator (Open Sans and Carlito, prose pool D): a dark sidebar, an
infographic, pastel paper with a photo strip, and a broadsheet. Only measured: never tune the pipeline on
these (bench/ocr/README.md)."""

from __future__ import annotations

import random

from bench.ocr.wide.blocks import (
    CARLITO,
    DARK,
    OPEN_SANS,
    PAPER,
    PORTRAIT,
    WHITE,
    YELLOW,
    Item,
    imprint,
    panel,
    pour,
    rule,
    shade,
)
from bench.ocr.wide.canvas import INK, Canvas, Colour, Fonts, Para, run_columns
from bench.ocr.wide.dataset import Page
from bench.ocr.wide.graphics import photo, pie_chart, vbar_chart
from bench.ocr.wide.held_out.prose import PROSE
from bench.ocr.wide.words import Picker

FONTS = (
    Fonts(
        OPEN_SANS + "OpenSans-Regular.ttf",
        OPEN_SANS + "OpenSans-Bold.ttf",
        OPEN_SANS + "OpenSans-ExtraBold.ttf",
        OPEN_SANS + "OpenSans-Italic.ttf",
    ),
    Fonts(
        CARLITO + "Carlito-Regular.ttf",
        CARLITO + "Carlito-Bold.ttf",
        CARLITO + "Carlito-Bold.ttf",
        CARLITO + "Carlito-Italic.ttf",
    ),
)
EDGE = 64


def begin(
    rng: random.Random, paper: Colour = WHITE, size: tuple[int, int] = PORTRAIT
) -> tuple[Canvas, Picker]:
    return Canvas(size, rng.choice(FONTS), paper), Picker(PROSE, rng)


def sidebar(rng: random.Random) -> Page:
    """A full-height dark sidebar on the left (yellow headline, small white body text, square bullets),
    read first; the main column on the right with a saturated box of white text."""
    canvas, words = begin(rng)
    w, h = canvas.size
    split = int(w * rng.uniform(0.34, 0.40))
    dark = DARK[rng.choice(("purple", "teal", "black", "navy", "maroon", "green"))]
    canvas.fill((0, 0, split, h), dark)
    side = canvas.flow(44, 60, split - 40, h - 60)
    side.text(words.one("subheads"), rng.randint(34, 44), "heavy", YELLOW)
    side.space(20)
    side.text(words.one("paragraphs"), rng.randint(17, 20), colour=WHITE)
    side.space(20)
    pour(side, [Item(b, 19, "bold", WHITE, mark="square", after=0.4) for b in words.some("bullets", 4)])
    side.space(20)
    figure, what = words.stats(1)[0]
    side.text(figure, 64, "heavy", YELLOW)
    side.text(what, 19, colour=WHITE)
    main = canvas.flow(split + 50, 60, w - EDGE, h - 190)
    main.text(words.one("headlines"), rng.randint(50, 62), "heavy", words.party[2])
    main.space(16)
    for paragraph in words.some("paragraphs", 2):
        main.text(paragraph, 21, align="justify", hyphenate=True)
        main.space(14)
    box = DARK[rng.choice(("orange", "magenta", "red", "royal"))]
    y = panel(
        canvas,
        split + 50,
        main.y + 10,
        w - EDGE,
        box,
        [
            Item(words.one("quotes"), 24, "italic", WHITE, after=0.4),
            Item(words.one("calls"), 30, "heavy", WHITE),
        ],
        pad=28,
        radius=14,
    )
    rest = canvas.flow(split + 50, y + 24, w - EDGE, h - 190)
    rest.text(words.one("paragraphs"), 21, align="justify", hyphenate=True)
    if rest.room() > 380:
        photo(canvas, (rest.left, rest.y + 20, rest.right, rest.y + 320), rng)
        rest.y += 330
        rest.text(words.one("captions"), 17, "italic")
    imprint(canvas, words.imprint(), split + 50, w - EDGE, h - 50, 15)
    return Page(canvas.image, canvas.text, "sidebar")


def _tile(canvas: Canvas, x: int, y: int, width: int, figure: str, what: str, fill: Colour) -> None:
    radius = width // 2 - 20
    cx, cy = x + width // 2, y + radius
    canvas.draw.ellipse((cx - radius, cy - radius, cx + radius, cy + radius), fill=fill)
    font = canvas.font("heavy", 50 if len(figure) < 6 else 40)
    left, top, right, bottom = canvas.draw.textbbox((0, 0), figure, font=font)
    canvas.draw.text(
        (cx - (right - left) // 2 - left, cy - (bottom - top) // 2 - top),
        figure,
        font=font,
        fill=YELLOW if fill != DARK["orange"] else WHITE,
    )
    canvas.truth(figure)
    canvas.flow(x, y + 2 * radius + 16, x + width, y + 2 * radius + 120).text(
        what, 20, "bold", align="centre"
    )


def infographic(rng: random.Random) -> Page:
    """Headline, three circles with big figures and captions (read tile by tile), a vertical bar chart
    beside a pie with its legend, a paragraph and a call band."""
    canvas, words = begin(rng)
    w, h = canvas.size
    head = canvas.flow(EDGE, 56, w - EDGE, 300)
    head.text(words.one("headlines"), rng.randint(52, 64), "heavy", shade(words.party[2], 0.8), "centre")
    head.text(words.one("subheads"), 26, "bold", align="centre")
    tile, top = (w - 2 * EDGE) // 3, head.y + 30
    fills = rng.sample([DARK[name] for name in ("navy", "red", "green", "purple", "orange", "teal")], 3)
    for index, ((figure, what), fill) in enumerate(zip(words.stats(3), fills)):
        _tile(canvas, EDGE + index * tile, top, tile, figure, what, fill)
    charts = top + tile + 110
    left = canvas.flow(EDGE, charts, w // 2 - 30, charts + 520)
    vbar_chart(
        left,
        words.one("chart_titles"),
        [
            (n, v, c)
            for (n, v), c in zip(
                words.shares(4), (words.party[2], DARK["red"], DARK["orange"], (130, 130, 130))
            )
        ],
        20,
        260,
    )
    right = canvas.flow(w // 2 + 30, charts, w - EDGE, charts + 520)
    slices = zip(words.pie(4), (DARK["teal"], DARK["magenta"], DARK["navy"], (200, 160, 0)))
    pie_chart(
        right, words.one("pie_titles"), [(label, value, fill) for (label, value), fill in slices], 19, 200
    )
    body = canvas.flow(EDGE, max(left.y, right.y) + 10, w - EDGE, h - 300)
    body.text(words.one("paragraphs"), 21, align="justify", hyphenate=True)
    panel(
        canvas,
        0,
        h - 280,
        w,
        DARK[rng.choice(("navy", "black", "green"))],
        [
            Item(words.one("calls"), 44, "heavy", WHITE, "centre", 0.3),
            Item(words.one("contacts"), 19, colour=YELLOW, align="centre"),
        ],
        pad=40,
        bottom=h - 110,
    )
    imprint(canvas, words.imprint(), EDGE, w - EDGE, h - 36, 15)
    return Page(canvas.image, canvas.text, "infographic")


def pastel_quote(rng: random.Random) -> Page:
    """Pastel paper: a photo strip across the top, headline, a large italic quote, one justified column,
    square bullets, the candidate's name, imprint."""
    paper = PAPER[rng.choice(("pink", "blue", "yellow", "green"))]
    canvas, words = begin(rng, paper)
    w, h = canvas.size
    photo(canvas, (0, 0, w, 360), rng, person=rng.random() < 0.5)
    flow = canvas.flow(EDGE + 10, 410, w - EDGE - 10, h - 170)
    flow.text(words.one("headlines"), rng.randint(50, 60), "heavy", shade(words.party[2], 0.7))
    flow.space(20)
    canvas.fill((flow.left - 24, flow.y, flow.left - 14, flow.y + 150), shade(paper, 0.6))
    flow.text(words.one("quotes"), rng.randint(30, 36), "italic", shade(paper, 0.3))
    flow.space(24)
    for paragraph in words.some("paragraphs", 2):
        flow.text(paragraph, rng.randint(20, 23), align="justify", hyphenate=True)
        flow.space(12)
    pour(flow, [Item(b, 23, "bold", mark="square", after=0.35) for b in words.some("bullets", 3)])
    flow.space(16)
    flow.text(words.fill("{candidate}, your {short} candidate"), 28, "heavy", shade(words.party[2], 0.7))
    flow.space(30)
    flow.text(words.one("calls"), rng.randint(40, 52), "heavy", align="centre")
    flow.text(words.one("contacts"), 20, align="centre")
    imprint(canvas, words.imprint(), EDGE, w - EDGE, h - 44, 15)
    return Page(canvas.image, canvas.text, "pastel_quote")


def broadsheet(rng: random.Random) -> Page:
    """A dark masthead bar, a lead story in three ruled columns under a spanning headline, and a dark
    "in brief" box down the fourth column."""
    canvas, words = begin(rng)
    w, h = canvas.size
    bar = DARK[rng.choice(("navy", "maroon", "black", "green"))]
    y = panel(
        canvas,
        0,
        0,
        w,
        bar,
        [
            Item(words.one("mastheads"), rng.randint(62, 74), "heavy", WHITE, "left", 0.2),
            Item(f"Free community newspaper - Issue {rng.randint(2, 90)} - May 2024", 18, "bold", YELLOW),
        ],
        pad=44,
    )
    m, gutter = 44, 24
    col = (w - 2 * m - 3 * gutter) // 4
    xs = [m + i * (col + gutter) for i in range(4)]
    head = canvas.flow(m, y + 30, xs[2] + col, y + 300)
    head.text(words.one("headlines"), rng.randint(42, 50), "heavy")
    top, bottom = head.y + 14, h - 140
    flows = [canvas.flow(x, top, x + col, bottom) for x in xs[:3]]
    photo(canvas, (xs[0], top, xs[0] + col, top + 200), rng)
    flows[0].y = top + 208
    flows[0].text(words.one("captions"), 15, "italic")
    flows[0].space(10)
    size = rng.randint(17, 19)
    paragraphs = [Para(p, size) for p in words.some("paragraphs", 8)]
    paragraphs.insert(3, Para(words.one("subheads"), size + 3, "bold", align="left", after=0.4))
    end = run_columns(flows, paragraphs, balance=True)
    for x in xs[1:]:
        canvas.draw.line([(x - gutter // 2, top), (x - gutter // 2, end)], fill=(160, 160, 160), width=1)
    brief = DARK[rng.choice(("teal", "purple", "red", "royal"))]
    brief_end = panel(
        canvas,
        xs[3],
        y + 30,
        w - m,
        brief,
        [
            Item("In brief", 28, "heavy", YELLOW, after=0.4),
            *(Item(p, 16, colour=WHITE, after=0.7) for p in words.some("quotes", 2)),
            *(Item(b, 17, "bold", WHITE, mark="dot", after=0.3) for b in words.some("bullets", 4)),
        ],
        pad=20,
    )
    rule(canvas, m, max(end, brief_end) + 20, w - m, INK, 3)
    imprint(canvas, words.imprint(), m, w - m, h - 40, 15)
    return Page(canvas.image, canvas.text, "broadsheet")
