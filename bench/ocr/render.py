"""Render synthetic leaflet pages with Pillow and keep their text, in reading order, as ground truth."""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from functools import lru_cache

from PIL import Image, ImageDraw, ImageFont

from bench.ocr.prose import ProsePool

DEJAVU = "/usr/share/fonts/truetype/dejavu/"
LIBERATION = "/usr/share/fonts/truetype/liberation/"
PAGE_SIZE = (1000, 1414)  # A-series proportions
MARGIN = 60
GAP = 40
Colour = tuple[int, int, int]


@dataclass(frozen=True)
class FontSet:
    """Regular and bold faces of one leaflet."""

    regular: str
    bold: str


TUNING_FONTS = (
    FontSet(DEJAVU + "DejaVuSans.ttf", DEJAVU + "DejaVuSans-Bold.ttf"),
    FontSet(LIBERATION + "LiberationSans-Regular.ttf", LIBERATION + "LiberationSans-Bold.ttf"),
)
HELD_OUT_FONTS = (
    FontSet(LIBERATION + "LiberationSerif-Regular.ttf", LIBERATION + "LiberationSerif-Bold.ttf"),
    FontSet(DEJAVU + "DejaVuSansCondensed.ttf", DEJAVU + "DejaVuSansCondensed-Bold.ttf"),
    FontSet(DEJAVU + "DejaVuSerif.ttf", LIBERATION + "LiberationSansNarrow-Bold.ttf"),
)


@lru_cache(maxsize=64)
def font(path: str, size: int) -> ImageFont.FreeTypeFont:
    """A cached TrueType font."""
    return ImageFont.truetype(path, size)


def wrap(text: str, face: ImageFont.FreeTypeFont, width: int) -> list[str]:
    """Greedy word wrap to `width` pixels."""
    lines: list[str] = []
    current = ""
    for word in text.split():
        trial = f"{current} {word}".strip()
        if current and face.getlength(trial) > width:
            lines.append(current)
            current = word
        else:
            current = trial
    return lines + [current] if current else lines


@dataclass
class Page:
    """A page being laid out top to bottom, with its ground-truth blocks."""

    fonts: FontSet
    image: Image.Image = field(default_factory=lambda: Image.new("RGB", PAGE_SIZE, "white"))
    y: int = MARGIN
    blocks: list[str] = field(default_factory=list)

    @property
    def draw(self) -> ImageDraw.ImageDraw:
        return ImageDraw.Draw(self.image)

    def text_lines(
        self,
        text: str,
        x: int,
        y: int,
        width: int,
        size: int,
        bold: bool = False,
        colour: Colour = (20, 20, 20),
        centre: bool = False,
        bullet: bool = False,
    ) -> int:
        """Draw wrapped text; return the y below it. Bullets are drawn but not part of the truth."""
        face = font(self.fonts.bold if bold else self.fonts.regular, size)
        indent = int(size * 1.1) if bullet else 0
        lines = wrap(text, face, width - indent)
        for index, line in enumerate(lines):
            dx = (width - int(face.getlength(line))) // 2 if centre else indent
            if bullet and index == 0:
                dot = [x + size * 0.2, y + size * 0.35, x + size * 0.6, y + size * 0.75]
                self.draw.ellipse(dot, fill=colour)
            self.draw.text((x + dx, y), line, font=face, fill=colour)
            y += int(size * 1.3)
        return y

    def block(
        self, text: str, size: int, bold: bool = False, colour: Colour = (20, 20, 20), centre: bool = False
    ) -> None:
        """A full-width block of text."""
        width = PAGE_SIZE[0] - 2 * MARGIN
        self.y = self.text_lines(text, MARGIN, self.y, width, size, bold, colour, centre) + GAP
        self.blocks.append(text)

    def banner(self, text: str, fill: Colour, size: int, colour: Colour = (255, 255, 255)) -> None:
        """Text on a full-width coloured band (white-on-colour headline)."""
        face = font(self.fonts.bold, size)
        lines = wrap(text, face, PAGE_SIZE[0] - 2 * MARGIN - 40)
        height = len(lines) * int(size * 1.3) + 60
        self.draw.rectangle([0, self.y - 20, PAGE_SIZE[0], self.y - 20 + height], fill=fill)
        self.text_lines(text, MARGIN + 20, self.y + 10, PAGE_SIZE[0] - 2 * MARGIN - 40, size, True, colour)
        self.y += height + GAP
        self.blocks.append(text)

    def box(self, texts: list[str], fill: Colour, colour: Colour, size: int, bullets: bool = False) -> None:
        """A rounded coloured box holding one or more paragraphs or bullets."""
        inner = PAGE_SIZE[0] - 2 * MARGIN - 60
        face = font(self.fonts.regular, size)
        rows = sum(len(wrap(t, face, inner - (int(size * 1.1) if bullets else 0))) for t in texts)
        height = rows * int(size * 1.3) + len(texts) * 10 + 50
        self.draw.rounded_rectangle([MARGIN, self.y, PAGE_SIZE[0] - MARGIN, self.y + height], 24, fill=fill)
        y = self.y + 25
        for text in texts:
            y = self.text_lines(text, MARGIN + 30, y, inner, size, not bullets, colour, bullet=bullets) + 10
        self.y += height + GAP
        self.blocks.append(" ".join(texts))

    def columns(self, left: list[str], right: list[str], size: int) -> None:
        """Two columns of paragraphs; the left column is read first."""
        width = (PAGE_SIZE[0] - 2 * MARGIN - GAP) // 2
        bottoms = []
        for index, paragraphs in enumerate((left, right)):
            y = self.y
            for text in paragraphs:
                y = self.text_lines(text, MARGIN + index * (width + GAP), y, width, size) + size // 2
                self.blocks.append(text)
            bottoms.append(y)
        self.y = max(bottoms) + GAP

    def bullets(self, texts: list[str], size: int) -> None:
        """A bulleted list."""
        for text in texts:
            self.y = self.text_lines(text, MARGIN, self.y, PAGE_SIZE[0] - 2 * MARGIN, size, bullet=True) + 6
        self.y += GAP
        self.blocks.append(" ".join(texts))

    def imprint(self, text: str) -> None:
        """The legally required imprint, small, at the foot of the page."""
        face = font(self.fonts.regular, 17)
        lines = wrap(text, face, PAGE_SIZE[0] - 2 * MARGIN)
        y = PAGE_SIZE[1] - MARGIN - len(lines) * 22
        if y < self.y:
            return
        self.text_lines(text, MARGIN, y, PAGE_SIZE[0] - 2 * MARGIN, 17, colour=(60, 60, 60))
        self.blocks.append(text)

    def fits(self, lines: int, size: int) -> bool:
        """Whether `lines` more lines of `size` still fit above the imprint."""
        return self.y + lines * size * 1.3 < PAGE_SIZE[1] - MARGIN - 90


@dataclass(frozen=True)
class Leaflet:
    """A rendered page and its ground-truth text, blocks separated by blank lines."""

    image: Image.Image
    text: str
    template: str


class Words:
    """Fills a prose pool's placeholders consistently for one leaflet."""

    def __init__(self, pool: ProsePool, rng: random.Random) -> None:
        self.pool, self.rng = pool, rng
        self.party = rng.choice(pool.parties)
        self.values = {
            "place": rng.choice(pool.places),
            "candidate": rng.choice(pool.candidates),
            "short": self.party[1],
        }

    def pick(self, options: tuple[str, ...], count: int = 1) -> list[str]:
        """`count` distinct entries with placeholders filled."""
        return [text.format(**self.values) for text in self.rng.sample(options, min(count, len(options)))]

    def imprint(self) -> str:
        """The imprint line."""
        agent = self.rng.choice(self.pool.candidates)
        return (
            f"Promoted by {agent} on behalf of {self.values['candidate']} ({self.party[0]}), both at "
            f"{self.rng.randint(2, 99)} High Street, {self.values['place']} AB{self.rng.randint(1, 9)} "
            f"{self.rng.randint(1, 9)}CD. Printed by Greenhouse Print Ltd, Leeds LS1 4AP."
        )


def darker(colour: Colour, factor: float = 0.55) -> Colour:
    """A darker shade of `colour`."""
    return tuple(int(c * factor) for c in colour)  # type: ignore[return-value]


def lighter(colour: Colour, factor: float = 0.8) -> Colour:
    """A pale tint of `colour`."""
    return tuple(int(c + (255 - c) * factor) for c in colour)  # type: ignore[return-value]
