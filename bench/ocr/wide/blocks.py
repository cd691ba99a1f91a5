"""Building blocks shared by the wide layouts: page sizes, colours, fonts, and panels sized to their text."""

from __future__ import annotations

from dataclasses import dataclass

from bench.ocr.wide.canvas import INK, Align, Canvas, Colour, Flow, draw_mark
from bench.ocr.wide.typeset import typeset

PORTRAIT = (1240, 1754)  # A4 at 150 dpi
LANDSCAPE = (1754, 1240)
YELLOW: Colour = (255, 214, 0)
WHITE: Colour = (255, 255, 255)
# Dark or saturated panel colours that carry white or yellow text.
DARK: dict[str, Colour] = {
    "navy": (18, 38, 92),
    "red": (178, 18, 34),
    "green": (0, 98, 52),
    "purple": (84, 28, 112),
    "black": (16, 16, 16),
    "orange": (226, 98, 14),
    "teal": (0, 112, 122),
    "maroon": (112, 18, 42),
    "royal": (22, 72, 170),
    "magenta": (166, 0, 108),
}
# Tinted paper.
PAPER: dict[str, Colour] = {
    "green": (214, 236, 204),
    "yellow": (252, 242, 176),
    "pink": (250, 214, 226),
    "blue": (208, 226, 246),
}

DEJAVU = "/usr/share/fonts/truetype/dejavu/"
LIBERATION = "/usr/share/fonts/truetype/liberation/"
OPEN_SANS = "/usr/share/fonts/truetype/open-sans/"  # Debian fonts-open-sans (make bench-system-deps)
CARLITO = "/usr/share/fonts/truetype/crosextra/"  # Debian fonts-crosextra-carlito


@dataclass(frozen=True)
class Item:
    """One paragraph (or one bullet, when `mark`) of a panel."""

    text: str
    size: int
    weight: str = "regular"
    colour: Colour = INK
    align: Align = "left"
    after: float = 0.5  # space after, in multiples of the size
    mark: str | None = None
    hyphenate: bool = False

    @property
    def indent(self) -> int:
        return int(self.size * 1.4) if self.mark else 0


def measure(canvas: Canvas, items: list[Item], width: int, leading: float = 1.3) -> int:
    """Height the items take in a column `width` pixels wide."""
    height = 0.0
    for item in items:
        lines = typeset(item.text, canvas.font(item.weight, item.size), width - item.indent, item.hyphenate)
        height += len(lines) * int(item.size * leading) + item.size * item.after
    return int(height)


def pour(flow: Flow, items: list[Item]) -> None:
    """Draw the items into the flow, in order (items that do not fit are cut, and so is their truth)."""
    for item in items:
        if not flow.fits(1, item.size):
            return
        if item.mark:
            draw_mark(flow.canvas, item.mark, flow.left, flow.y, item.size, item.colour)
        flow.text(
            item.text, item.size, item.weight, item.colour, item.align, item.hyphenate, indent=item.indent
        )
        flow.space(item.size * item.after)


def panel(
    canvas: Canvas,
    left: int,
    top: int,
    right: int,
    fill: Colour,
    items: list[Item],
    pad: int = 36,
    radius: int = 0,
    bottom: int | None = None,
) -> int:
    """A filled panel just tall enough for its items (or down to `bottom`); returns its bottom edge."""
    height = measure(canvas, items, right - left - 2 * pad) + 2 * pad
    end = bottom if bottom is not None else min(canvas.height, top + height)
    canvas.fill((left, top, right, end), fill, radius)
    pour(canvas.flow(left + pad, top + pad, right - pad, end - pad // 2), items)
    return end


def imprint(
    canvas: Canvas,
    text: str,
    left: int,
    right: int,
    bottom: int,
    size: int = 16,
    colour: Colour = (70, 70, 70),
) -> int:
    """The imprint as the last lines above `bottom`; returns its top edge."""
    height = measure(canvas, [Item(text, size, after=0)], right - left)
    top = bottom - height
    canvas.flow(left, top, right, bottom + size).text(text, size, colour=colour)
    return top


def shade(colour: Colour, factor: float) -> Colour:
    """`colour` darkened (factor < 1)."""
    red, green, blue = (int(c * factor) for c in colour)
    return red, green, blue


def rule(
    canvas: Canvas, left: int, top: int, right: int, colour: Colour = (150, 150, 150), width: int = 2
) -> None:
    """A horizontal rule."""
    canvas.draw.line([(left, top), (right, top)], fill=colour, width=width)
