"""Clean generated pages with real leaflet layouts: justified columns, dark panels, hyphenated line ends."""

from __future__ import annotations

import io
import random
from dataclasses import dataclass, field

from PIL import Image, ImageDraw, ImageFont

from bench.ocr.wide.dataset import photograph, schedule
from bench.ocr.wide.tuning import LAYOUTS as WIDE_TUNING

FONT = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"
BOLD = "/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf"
SERIF = "/usr/share/fonts/truetype/liberation/LiberationSerif-Regular.ttf"

LEFT_COLUMN = (
    "Our town centre deserves better. For years the empty shops on the high street have been left to rot "
    "while the council spent its money on consultants and glossy reports that nobody reads."
)
PANEL = ("Keep our library open", "Sign the petition before the council meeting in March")
LEFT_AFTER_PANEL = (
    "Local people know what their streets need. We will publish every spending decision online so that "
    "residents can see where their money goes."
)
RIGHT_COLUMN = (
    "Buses matter to everyone who cannot drive. Since the evening services were cut, pensioners and young "
    "people have been stranded after six o'clock. We will fight to restore the routes to the hospital, the "
    "college and the railway station, and we will press the county to publish proper timetables at every "
    "stop. A working bus network is not a luxury: it is how people get to work, to school and to the doctor."
)


@dataclass
class Layout:
    """A rendered page and the text it shows, one paragraph per entry, in reading order."""

    image: Image.Image
    paragraphs: list[str] = field(default_factory=list)


def _lines(text: str, face: ImageFont.FreeTypeFont, width: int) -> list[list[str]]:
    """Greedy line breaking into lists of words no wider than `width`."""
    lines: list[list[str]] = [[]]
    for word in text.split():
        if lines[-1] and face.getlength(" ".join(lines[-1] + [word])) > width:
            lines.append([])
        lines[-1].append(word)
    return lines


def justified(
    draw: ImageDraw.ImageDraw,
    text: str,
    x: int,
    y: int,
    width: int,
    size: int,
    fill: object = (20, 20, 20),
    path: str = FONT,
) -> int:
    """Draw `text` justified to `width` (last line ragged); return the y below it."""
    face = ImageFont.truetype(path, size)
    lines = _lines(text, face, width)
    for number, words in enumerate(lines):
        last = number == len(lines) - 1
        spare = width - sum(face.getlength(w) for w in words)
        space = face.getlength(" ") if last or len(words) == 1 else spare / (len(words) - 1)
        cursor = float(x)
        for word in words:
            draw.text((cursor, y), word, font=face, fill=fill)
            cursor += face.getlength(word) + space
        y += int(size * 1.45)
    return y


def two_columns() -> Image.Image:
    """Two justified columns side by side, a gutter of about two word heights between them."""
    image = Image.new("RGB", (1240, 900), "white")
    draw = ImageDraw.Draw(image)
    justified(draw, LEFT_COLUMN, 90, 100, 500, 27)
    justified(draw, RIGHT_COLUMN, 640, 100, 500, 27)
    return image


def panel_page(panel_fill: tuple[int, int, int] = (22, 70, 40)) -> Layout:
    """A4 at 150 dpi: headline, two justified columns, a dark panel of white text in the left one."""
    image = Image.new("RGB", (1240, 1754), "white")
    draw = ImageDraw.Draw(image)
    draw.text((90, 80), "A fresh start for Millbrook", font=ImageFont.truetype(BOLD, 64), fill=(15, 15, 15))
    column, gutter = 500, 50
    left, right = 90, 90 + column + gutter
    y = justified(draw, LEFT_COLUMN, left, 240, column, 27)
    draw.rectangle([left - 10, y + 30, left + column + 10, y + 330], fill=panel_fill)
    draw.text((left + 20, y + 60), PANEL[0], font=ImageFont.truetype(BOLD, 40), fill="white")
    panel_end = justified(draw, PANEL[1], left + 20, y + 140, column - 40, 30, fill="white")
    justified(draw, LEFT_AFTER_PANEL, left, max(panel_end, y + 330) + 40, column, 27)
    justified(draw, RIGHT_COLUMN, right, 240, column, 27)
    return Layout(image, ["A fresh start for Millbrook", LEFT_COLUMN, *PANEL, LEFT_AFTER_PANEL, RIGHT_COLUMN])


HYPHENATED = (
    "Every household will get a vote in the elec-",
    "tion next spring, and every vote will be",
    "counted in public by independent obser-",
    "vers from outside the county.",
)


def hyphenated_page() -> Layout:
    """One paragraph whose lines end in words broken with a hyphen."""
    image = Image.new("RGB", (1100, 500), "white")
    draw = ImageDraw.Draw(image)
    face = ImageFont.truetype(SERIF, 34)
    for number, line in enumerate(HYPHENATED):
        draw.text((80, 80 + 50 * number), line, font=face, fill=(20, 20, 20))
    return Layout(image, [" ".join(HYPHENATED).replace("- ", "")])


LETTER_BODY = (
    "Dear householder, rural bus routes have been cut by a third since 2015, leaving teenagers unable to "
    "reach college and pensioners unable to reach the surgery. We will introduce a minibus service that "
    "you can book by telephone or online the day before.",
    "Dentists are leaving the health service faster than they can be replaced. We will offer newly "
    "qualified dentists help with housing if they commit to working here for five years.",
)


def letter_page() -> Layout:
    """A letter: letterhead, a short reference and date at the right, then the address at the left.

    The reference sits beside the letterhead's foot and above the address, so it is read before the
    address (top to bottom), though a column-first order would put the address first.
    """
    image = Image.new("RGB", (1240, 1754), "white")
    draw = ImageDraw.Draw(image)
    serif = ImageFont.truetype(SERIF, 26)
    draw.text((70, 60), "Imran Chaudhry", font=ImageFont.truetype(BOLD, 48), fill=(15, 15, 15))
    draw.text((70, 130), "Reform UK working for Pontnewydd", font=serif, fill=(15, 15, 15))
    reference = ("Our ref: IM/321", "11 April 2024")
    address = ("The Householder", "111 Brewery Yard", "Pontnewydd")
    for number, line in enumerate(reference):
        draw.text((1000, 230 + 38 * number), line, font=serif, fill=(15, 15, 15))
    for number, line in enumerate(address):
        draw.text((90, 370 + 38 * number), line, font=serif, fill=(15, 15, 15))
    y = 520
    for paragraph in LETTER_BODY:
        y = justified(draw, paragraph, 70, y, 1100, 26, path=SERIF) + 30
    draw.text((70, y + 20), "Yours faithfully,", font=serif, fill=(15, 15, 15))
    heading = ["Imran Chaudhry", "Reform UK working for Pontnewydd"]
    return Layout(image, [*heading, *reference, *address, *LETTER_BODY, "Yours faithfully,"])


SIDEBAR = (
    "Vote Alison Marsh",
    "Your local champion",
    "She saved the library, she fought for the buses and she will keep fighting for every street in the "
    "ward.",
)


def sidebar_page(fill: tuple[int, int, int] = (40, 40, 40)) -> Layout:
    """A4 at 150 dpi: a full-height dark sidebar of white and yellow text at the left edge, then a column."""
    image = Image.new("RGB", (1240, 1754), "white")
    draw = ImageDraw.Draw(image)
    draw.rectangle([0, 0, 400, 1754], fill=fill)
    draw.text((40, 100), "Vote Alison", font=ImageFont.truetype(BOLD, 44), fill="white")
    draw.text((40, 160), "Marsh", font=ImageFont.truetype(BOLD, 44), fill="white")
    draw.text((40, 240), SIDEBAR[1], font=ImageFont.truetype(BOLD, 30), fill=(255, 220, 0))
    justified(draw, SIDEBAR[2], 40, 320, 320, 26, fill="white")
    y = justified(draw, LEFT_COLUMN, 460, 100, 700, 27)
    y = justified(draw, RIGHT_COLUMN, 460, y + 40, 700, 27)
    justified(draw, LEFT_AFTER_PANEL, 460, y + 40, 700, 27)
    return Layout(image, [*SIDEBAR, LEFT_COLUMN, RIGHT_COLUMN, LEFT_AFTER_PANEL])


def trifold_page() -> Layout:
    """A landscape spread of three panels, read panel by panel. Every panel leaves the same band empty (a
    photo in the cover, a chart's white space): the left panel's closing paragraph sits below that band."""
    image = Image.new("RGB", (1754, 1240), "white")
    draw = ImageDraw.Draw(image)
    third, pad, width = 1754 // 3, 48, 1754 // 3 - 96
    for x in (third, 2 * third):
        draw.line([(x, 0), (x, 1240)], fill=(222, 222, 222), width=2)
    draw.text((pad, 60), "Our record", font=ImageFont.truetype(BOLD, 40), fill=(15, 15, 15))
    justified(draw, LEFT_COLUMN, pad, 140, width, 24)
    justified(draw, LEFT_AFTER_PANEL, pad, 800, width, 24)
    justified(draw, RIGHT_COLUMN, third + pad, 60, width, 24)
    draw.rectangle([2 * third, 0, 1754, 1240], fill=(90, 20, 90))
    draw.text((2 * third + pad, 80), "Vote Alison Marsh", font=ImageFont.truetype(BOLD, 44), fill="white")
    draw.text(
        (2 * third + pad, 1000), "Polling day is Thursday", font=ImageFont.truetype(BOLD, 36), fill="white"
    )
    texts = ["Our record", LEFT_COLUMN, LEFT_AFTER_PANEL, RIGHT_COLUMN, "Vote Alison Marsh"]
    return Layout(image, [*texts, "Polling day is Thursday"])


CHART_INTRO = (
    "Only two parties can win in this ward. Last time the gap between them was a few hundred votes, and "
    "every other party was far behind. Lend us your vote to keep the other lot out."
)
CHART = (
    "How people voted here last time",
    (("Labour", 41), ("Conservatives", 38), ("Greens", 12), ("Reform", 9)),
)


def chart_page() -> Layout:
    """A4 at 150 dpi: headline, a photo (a grey box) beside a paragraph, then a bar chart across the page:
    labels at the left, a bar after each, its value after the bar. Truth reads the chart's title, then
    "label value" row by row."""
    image = Image.new("RGB", (1240, 1754), "white")
    draw = ImageDraw.Draw(image)
    draw.text((90, 80), "Keep Labour in Ashby", font=ImageFont.truetype(BOLD, 60), fill=(15, 15, 15))
    draw.rectangle([90, 220, 520, 620], fill=(120, 150, 170))
    justified(draw, CHART_INTRO, 580, 220, 570, 27)
    title, rows = CHART
    draw.text((90, 700), title, font=ImageFont.truetype(BOLD, 32), fill=(15, 15, 15))
    face = ImageFont.truetype(BOLD, 27)
    colours = ((200, 30, 40), (20, 60, 150), (30, 140, 60), (20, 160, 200))
    for number, ((label, value), colour) in enumerate(zip(rows, colours)):
        y = 770 + 52 * number
        draw.text((90, y), label, font=face, fill=(15, 15, 15))
        end = 360 + int(700 * value / rows[0][1])
        draw.rectangle([360, y - 3, end, y + 32], fill=colour)
        draw.text((end + 14, y), f"{value}%", font=face, fill=(15, 15, 15))
    justified(draw, LEFT_AFTER_PANEL, 90, 1050, 1060, 27)
    chart = " ".join(f"{label} {value}%" for label, value in rows)
    return Layout(image, ["Keep Labour in Ashby", CHART_INTRO, title, chart, LEFT_AFTER_PANEL])


def wide_tuning_photo(seed: int, index: int) -> Layout:
    """Photo `index` of the bench's `wide_tuning` set at `seed` (tuning layouts only: the held-out ones are
    never tested on), made alone exactly as `bench.ocr.wide.dataset.generate` makes it, JPEG and all; its one
    paragraph is the whole truth."""
    which, level = schedule(index, len(WIDE_TUNING))
    earlier = sum(1 for i in range(index) if schedule(i, len(WIDE_TUNING))[1] == level)
    rng = random.Random(f"{seed}-wide_tuning-{index}")
    page = WIDE_TUNING[which](rng)
    photo, _ = photograph(page, level, earlier, rng)
    if level:
        saved = io.BytesIO()
        photo.save(saved, "JPEG", quality=92)
        photo = Image.open(saved).convert("RGB")
    return Layout(photo, [page.text])
