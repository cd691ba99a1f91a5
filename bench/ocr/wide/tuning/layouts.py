"""Tuning layouts of the wider generator (sans fonts, prose pool C): stacked dark panels, photo and charts,
tinted paper in two columns, and a four-column newspaper. The pipeline may be tuned on these."""

from __future__ import annotations

import random

from bench.ocr.wide.blocks import (
    DARK,
    DEJAVU,
    LIBERATION,
    PAPER,
    PORTRAIT,
    WHITE,
    YELLOW,
    Item,
    imprint,
    panel,
    rule,
    shade,
)
from bench.ocr.wide.canvas import INK, Canvas, Fonts, Para, run_columns
from bench.ocr.wide.dataset import Page
from bench.ocr.wide.graphics import hbar_chart, photo, pie_chart
from bench.ocr.wide.tuning.prose import PROSE
from bench.ocr.wide.words import Picker

FONTS = (
    Fonts(
        DEJAVU + "DejaVuSans.ttf",
        DEJAVU + "DejaVuSans-Bold.ttf",
        DEJAVU + "DejaVuSans-Bold.ttf",
        DEJAVU + "DejaVuSans-Oblique.ttf",
    ),
    Fonts(
        LIBERATION + "LiberationSans-Regular.ttf",
        LIBERATION + "LiberationSans-Bold.ttf",
        LIBERATION + "LiberationSans-Bold.ttf",
        LIBERATION + "LiberationSans-Italic.ttf",
    ),
)
MARGIN = 70


def start(
    rng: random.Random,
    paper: tuple[int, int, int] = WHITE,
    size: tuple[int, int] = PORTRAIT,
) -> tuple[Canvas, Picker]:
    return Canvas(size, rng.choice(FONTS), paper), Picker(PROSE, rng)


def stacked_panels(rng: random.Random) -> Page:
    """Full-width panels of different dark colours, white and yellow text from headline size down to small
    body text, a white band between, a two-box row with a big figure, and the imprint in a black footer."""
    canvas, words = start(rng)
    first, second, third = rng.sample(sorted(DARK), 3)
    accent, plain = rng.sample((YELLOW, WHITE), 2)
    w = canvas.width
    y = panel(
        canvas,
        0,
        0,
        w,
        DARK[first],
        [
            Item(words.one("headlines"), rng.randint(60, 78), "heavy", accent, after=0.3),
            Item(words.one("subheads"), rng.randint(26, 34), "bold", plain, after=0.1),
        ],
        pad=MARGIN,
    )
    flow = canvas.flow(MARGIN, y + 40, w - MARGIN, y + 40 + 330)
    flow.text(words.one("paragraphs"), 23, align="justify", hyphenate=True)
    y = flow.y + 30
    y = panel(
        canvas,
        0,
        y,
        w,
        DARK[second],
        [
            Item(words.one("paragraphs"), rng.randint(19, 22), colour=plain, align="justify", after=0.8),
            *(Item(b, 22, "bold", accent, mark="tick", after=0.3) for b in words.some("bullets", 3)),
        ],
        pad=MARGIN,
    )
    figure, what = words.stats(1)[0]
    half = (w - 3 * 40) // 2
    box_top = y + 40
    panel(
        canvas,
        40,
        box_top,
        40 + half,
        DARK[third],
        [Item(figure, 72, "heavy", YELLOW, "centre", 0.2), Item(what, 24, "bold", WHITE, "centre")],
        radius=24,
    )
    side = canvas.flow(80 + half + 20, box_top + 10, w - 50, box_top + 260)
    side.text(words.one("quotes"), 24, "italic", INK)
    footer = canvas.height - 110
    fourth = rng.choice([name for name in DARK if name not in (first, second, third, "black")])
    panel(
        canvas,
        0,
        box_top + 300,
        w,
        DARK[fourth],
        [
            Item(words.one("calls"), rng.randint(40, 56), "heavy", WHITE, "centre", 0.4),
            Item(words.one("contacts"), rng.randint(18, 22), colour=accent, align="centre"),
        ],
        pad=MARGIN,
        bottom=footer - 40,
    )
    canvas.fill((0, footer, w, canvas.height), DARK["black"])
    imprint(canvas, words.imprint(), MARGIN, w - MARGIN, canvas.height - 30, 16, WHITE)
    return Page(canvas.image, canvas.text, "stacked_panels")


def photo_and_charts(rng: random.Random) -> Page:
    """Headline, candidate photo with caption beside an introduction, a bar chart, a pie with legend."""
    canvas, words = start(rng)
    w = canvas.width
    canvas.fill((0, 0, w, 26), words.party[2])
    head = canvas.flow(MARGIN, 60, w - MARGIN, 300)
    head.text(words.one("headlines"), rng.randint(48, 60), "heavy")
    top = head.y + 20
    photo_w = int(w * 0.38)
    photo(canvas, (MARGIN, top, MARGIN + photo_w, top + 400), rng)
    canvas.flow(MARGIN, top + 410, MARGIN + photo_w, top + 480).text(words.one("captions"), 18, "italic")
    right = canvas.flow(MARGIN + photo_w + 40, top, w - MARGIN, top + 480)
    right.text(words.one("subheads"), 28, "bold", words.party[2] if words.party[1] != "SNP" else INK)
    right.space(10)
    right.text(words.one("paragraphs"), 22, align="justify", hyphenate=True)
    chart = canvas.flow(MARGIN, top + 510, w - MARGIN, top + 780)
    colours = [words.party[2], *(DARK[name] for name in rng.sample(sorted(DARK), 3))]
    shares = words.shares(4)
    hbar_chart(chart, words.one("chart_titles"), [(n, v, c) for (n, v), c in zip(shares, colours)], 24)
    lower = chart.y + 30
    left = canvas.flow(MARGIN, lower, w // 2 - 20, canvas.height - 160)
    slices = zip(words.pie(4), (DARK["navy"], DARK["orange"], DARK["teal"], (150, 150, 150)))
    pie_chart(
        left, words.one("pie_titles"), [(label, value, fill) for (label, value), fill in slices], 20, 220
    )
    right_lower = canvas.flow(w // 2 + 20, lower, w - MARGIN, canvas.height - 160)
    right_lower.text(words.one("paragraphs"), 21, align="justify", hyphenate=True)
    band = DARK[rng.choice(("navy", "green", "purple", "black"))]
    panel(
        canvas,
        0,
        max(left.y, right_lower.y) + 30,
        w,
        band,
        [
            Item(words.one("calls"), 36, "heavy", YELLOW, after=0.5),
            *(Item(b, 22, "bold", WHITE, mark="arrow", after=0.3) for b in words.some("bullets", 3)),
        ],
        pad=MARGIN,
        bottom=canvas.height - 130,
    )
    imprint(canvas, words.imprint(), MARGIN, w - MARGIN, canvas.height - 40)
    return Page(canvas.image, canvas.text, "photo_and_charts")


def tinted_columns(rng: random.Random) -> Page:
    """Coloured paper: headline, two justified hyphenated columns with subheads, a tick list in a darker box,
    a line of poll figures."""
    paper = PAPER[rng.choice(sorted(PAPER))]
    canvas, words = start(rng, paper)
    w = canvas.width
    head = canvas.flow(MARGIN, 70, w - MARGIN, 420)
    head.text(
        words.one("headlines"), rng.randint(56, 70), "heavy", DARK[rng.choice(("navy", "red", "green"))]
    )
    head.text(words.one("subheads"), 28, "bold")
    top, gutter = head.y + 30, 44
    col = (w - 2 * MARGIN - gutter) // 2
    bottom = top + 800
    flows = [
        canvas.flow(MARGIN, top, MARGIN + col, bottom),
        canvas.flow(MARGIN + col + gutter, top, w - MARGIN, bottom),
    ]
    paragraphs = words.some("paragraphs", 5)
    size = rng.randint(20, 23)
    end = run_columns(
        flows,
        [
            Para(paragraphs[0], size),
            Para(words.one("subheads"), size + 3, "bold", align="left"),
            *(Para(p, size) for p in paragraphs[1:]),
        ],
        balance=True,
    )
    y = panel(
        canvas,
        MARGIN,
        end + 30,
        w - MARGIN,
        shade(paper, 0.82),
        [Item(b, 24, "bold", mark="tick", after=0.35) for b in words.some("bullets", 4)],
        radius=18,
    )
    shares = words.shares(3)
    canvas.flow(MARGIN, y + 30, w - MARGIN, y + 120).text(
        "  ".join(f"{name} {value:g}%" for name, value in shares), 30, "heavy", DARK["red"], "centre"
    )
    canvas.flow(MARGIN, y + 110, w - MARGIN, canvas.height - 150).text(
        words.one("calls"), 44, "heavy", align="centre"
    )
    imprint(canvas, words.imprint(), MARGIN, w - MARGIN, canvas.height - 50)
    return Page(canvas.image, canvas.text, "tinted_columns")


def newspaper(rng: random.Random) -> Page:
    """A four-column community newspaper: masthead, issue line, lead headline and standfirst across the page,
    justified hyphenated columns with a photo and caption at the top of the first."""
    canvas, words = start(rng)
    w, m = canvas.width, 56
    mast = canvas.flow(m, 40, w - m, 200)
    mast.text(words.one("mastheads"), rng.randint(66, 80), "heavy", DARK["navy"], "centre")
    rule(canvas, m, mast.y + 4, w - m, INK, 4)
    mast.space(16)
    mast.text(
        f"Issue {rng.randint(3, 60)} - Spring 2024 - Delivered free to "
        f"{rng.randint(2, 9)},{rng.randint(100, 999)} "
        f"homes in {words.place}",
        18,
        align="centre",
    )
    rule(canvas, m, mast.y + 2, w - m, INK, 2)
    lead = canvas.flow(m, mast.y + 24, w - m, mast.y + 300)
    lead.text(words.one("headlines"), rng.randint(44, 54), "heavy")
    lead.text(words.one("subheads"), 24, "bold")
    gutter, top = 26, lead.y + 20
    col = (w - 2 * m - 3 * gutter) // 4
    bottom = canvas.height - 320
    flows = [canvas.flow(m + i * (col + gutter), top, m + i * (col + gutter) + col, bottom) for i in range(4)]
    for i in range(1, 4):
        x = m + i * (col + gutter) - gutter // 2
        canvas.draw.line([(x, top), (x, bottom)], fill=(170, 170, 170), width=1)
    photo(canvas, (flows[0].left, top, flows[0].right, top + 230), rng)
    flows[0].y = top + 238
    flows[0].text(words.one("captions"), 16, "italic")
    flows[0].space(12)
    size = rng.randint(17, 19)
    paragraphs = [Para(p, size) for p in words.some("paragraphs", 9)]
    paragraphs.insert(4, Para(words.one("headlines"), size + 8, "heavy", align="left", after=0.4))
    paragraphs.insert(2, Para(words.one("subheads"), size + 3, "bold", align="left", after=0.4))
    end = run_columns(flows, paragraphs, balance=True)
    rule(canvas, m, end + 10, w - m, INK, 2)
    panel(
        canvas,
        m,
        end + 40,
        w - m,
        DARK[rng.choice(sorted(DARK))],
        [
            Item(words.one("calls"), 40, "heavy", WHITE, "centre", 0.3),
            Item(words.one("contacts"), 19, "bold", YELLOW, "centre"),
        ],
        radius=12,
    )
    imprint(canvas, words.imprint(), m, w - m, canvas.height - 40, 15)
    return Page(canvas.image, canvas.text, "newspaper")
