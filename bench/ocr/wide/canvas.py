"""A page being drawn and its ground truth: text is typeset into flows (a column, a panel, a box), and only
what was actually drawn becomes truth, block by block in reading order."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache
from typing import Literal

from PIL import Image, ImageDraw, ImageFont

from bench.ocr.wide.typeset import Line, truth_of, typeset

Colour = tuple[int, int, int]
Align = Literal["left", "centre", "right", "justify"]
INK: Colour = (25, 25, 25)
WHITE: Colour = (255, 255, 255)


@dataclass(frozen=True)
class Fonts:
    """The faces of one leaflet; `heavy` is for headlines."""

    regular: str
    bold: str
    heavy: str
    italic: str


@lru_cache(maxsize=256)
def face(path: str, size: int) -> ImageFont.FreeTypeFont:
    """A cached TrueType face."""
    try:
        return ImageFont.truetype(path, size)
    except OSError as error:
        raise RuntimeError(f"font {path} is missing: install it with `make bench-system-deps`") from error


@dataclass
class Canvas:
    """The page image and its truth blocks."""

    size: tuple[int, int]
    fonts: Fonts
    paper: Colour = WHITE
    blocks: list[str] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.image = Image.new("RGB", self.size, self.paper)
        self.draw = ImageDraw.Draw(self.image)

    @property
    def width(self) -> int:
        return self.size[0]

    @property
    def height(self) -> int:
        return self.size[1]

    def font(self, weight: str, size: int) -> ImageFont.FreeTypeFont:
        return face(getattr(self.fonts, weight), size)

    def fill(self, box: tuple[float, float, float, float], colour: Colour, radius: int = 0) -> None:
        """A filled rectangle (rounded when `radius`)."""
        left, top, right, bottom = (int(v) for v in box)
        if radius:
            self.draw.rounded_rectangle((left, top, right, bottom), radius, fill=colour)
        else:
            self.draw.rectangle((left, top, right, bottom), fill=colour)

    def truth(self, text: str) -> None:
        """Record a block of drawn text (blank text is ignored)."""
        if text.strip():
            self.blocks.append(" ".join(text.split()))

    def flow(self, left: float, top: float, right: float, bottom: float) -> Flow:
        return Flow(self, int(left), int(top), int(right), int(bottom))

    @property
    def text(self) -> str:
        return "\n\n".join(self.blocks)


@dataclass
class Flow:
    """A rectangle filled top to bottom; `y` is where the next text goes."""

    canvas: Canvas
    left: int
    top: int
    right: int
    bottom: int
    y: int = -1

    def __post_init__(self) -> None:
        if self.y < 0:
            self.y = self.top

    @property
    def width(self) -> int:
        return self.right - self.left

    def room(self) -> int:
        return self.bottom - self.y

    def fits(self, lines: int, size: int, leading: float = 1.3) -> bool:
        return self.y + lines * size * leading <= self.bottom

    def space(self, pixels: float) -> None:
        self.y += int(pixels)

    def text(
        self,
        text: str,
        size: int,
        weight: str = "regular",
        colour: Colour = INK,
        align: Align = "left",
        hyphenate: bool = False,
        leading: float = 1.3,
        indent: int = 0,
    ) -> list[Line]:
        """Typeset and draw `text`, recording what was drawn; lines that do not fit are returned."""
        lines = typeset(text, self.canvas.font(weight, size), self.width - indent, hyphenate)
        drawn = self.lines(lines, size, weight, colour, align, leading, indent)
        self.canvas.truth(truth_of(lines[:drawn]))
        return lines[drawn:]

    def lines(
        self,
        lines: list[Line],
        size: int,
        weight: str = "regular",
        colour: Colour = INK,
        align: Align = "left",
        leading: float = 1.3,
        indent: int = 0,
    ) -> int:
        """Draw typeset lines while they fit; returns how many were drawn (the caller records truth)."""
        font = self.canvas.font(weight, size)
        drawn = 0
        for line in lines:
            if self.y + size * 1.15 > self.bottom:
                break
            self._draw_line(line, font, self.left + indent, self.width - indent, colour, align)
            self.y += int(size * leading)
            drawn += 1
        return drawn

    def _draw_line(
        self, line: Line, font: ImageFont.FreeTypeFont, x: int, width: int, colour: Colour, align: Align
    ) -> None:
        words = line.words
        widths = [font.getlength(word) for word in words]
        space = font.getlength(" ")
        natural = sum(widths) + space * (len(words) - 1)
        if align == "justify" and not line.last and len(words) > 1:
            space = min((width - sum(widths)) / (len(words) - 1), space * 4)
        elif align == "centre":
            x += int((width - natural) / 2)
        elif align == "right":
            x += int(width - natural)
        cursor = float(x)
        for word, word_width in zip(words, widths):
            self.canvas.draw.text((int(cursor), self.y), word, font=font, fill=colour)
            cursor += word_width + space

    def bullets(
        self,
        items: list[str],
        size: int,
        colour: Colour = INK,
        mark: str = "dot",
        weight: str = "regular",
        gap: float = 0.35,
    ) -> None:
        """A list with drawn bullet marks (not part of the truth); items that do not fit are dropped."""
        indent = int(size * 1.4)
        for item in items:
            if not self.fits(1, size):
                return
            draw_mark(self.canvas, mark, self.left, self.y, size, colour)
            self.text(item, size, weight, colour, indent=indent)
            self.space(size * gap)


def draw_mark(canvas: Canvas, mark: str, x: int, y: int, size: int, colour: Colour) -> None:
    """A bullet: dot, square, tick or arrow, about one x-height, on the first line's middle."""
    s = size * 0.32
    cx, cy = x + size * 0.45, y + size * 0.62
    draw = canvas.draw
    if mark == "dot":
        draw.ellipse((cx - s, cy - s, cx + s, cy + s), fill=colour)
    elif mark == "square":
        draw.rectangle((cx - s, cy - s, cx + s, cy + s), fill=colour)
    elif mark == "tick":
        draw.line(
            [(cx - s * 1.3, cy), (cx - s * 0.3, cy + s), (cx + s * 1.5, cy - s * 1.4)],
            fill=colour,
            width=max(2, size // 7),
        )
    else:
        draw.polygon([(cx - s, cy - s * 1.2), (cx + s * 1.2, cy), (cx - s, cy + s * 1.2)], fill=colour)


@dataclass(frozen=True)
class Para:
    """A paragraph for `run_columns`."""

    text: str
    size: int
    weight: str = "regular"
    colour: Colour = INK
    align: Align = "justify"
    after: float = 0.6  # space after, in multiples of the size


def run_columns(
    flows: list[Flow], paragraphs: list[Para], hyphenate: bool = True, balance: bool = False
) -> int:
    """Pour paragraphs through the columns in order, continuing a paragraph at the top of the next column;
    what does not fit in the last column is left out (of the page and of the truth). With `balance` the
    columns are shortened to share the text evenly. Returns the lowest y reached."""
    if balance:
        _balance(flows, paragraphs, hyphenate)
    _pour_columns(flows, paragraphs, hyphenate)
    return max(flow.y for flow in flows)


def _balance(flows: list[Flow], paragraphs: list[Para], hyphenate: bool) -> None:
    canvas, width = flows[0].canvas, flows[0].width
    total = sum(
        len(typeset(p.text, canvas.font(p.weight, p.size), width, hyphenate)) * int(p.size * 1.3)
        + p.size * p.after
        for p in paragraphs
    )
    used = sum(flow.y - flow.top for flow in flows)  # photos or captions already placed
    share = (total + used) / len(flows) + max(p.size for p in paragraphs) * 1.4
    for flow in flows:
        flow.bottom = min(flow.bottom, int(flow.top + share))


def _pour_columns(flows: list[Flow], paragraphs: list[Para], hyphenate: bool) -> None:
    column = 0
    for para in paragraphs:
        if column >= len(flows):
            return
        lines = typeset(
            para.text, flows[column].canvas.font(para.weight, para.size), flows[column].width, hyphenate
        )
        drawn: list[Line] = []
        while lines and column < len(flows):
            count = flows[column].lines(lines, para.size, para.weight, para.colour, para.align)
            drawn, lines = drawn + lines[:count], lines[count:]
            if lines:
                column += 1
        flows[0].canvas.truth(truth_of(drawn))
        if column < len(flows):
            flows[column].space(para.size * para.after)
