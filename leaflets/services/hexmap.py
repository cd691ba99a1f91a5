"""The hex map of the 650 constituencies as data for a server-rendered SVG: positions, colours, a legend.

The layout is the Open Innovations HexJSON loaded into `area.hex_q/hex_r`: "odd-r" offsets (odd rows shifted
half a hex right) with r growing upwards, drawn as pointy-topped hexes. Colours are a sequential,
colour-blind-safe scale (viridis, light to dark: more is darker) in at most six classes with "nice" bounds; no
leaflets is a light grey, so an empty seat never looks like a low count.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Callable, Mapping

from sqlalchemy import select

from leaflets.extensions import db
from leaflets.models import Area

SIZE = 10.0  # hex radius in SVG units
WIDTH = math.sqrt(3) * SIZE  # pointy-topped: a hex is sqrt(3) radii wide, rows are 1.5 radii apart
PAD = SIZE
EMPTY = "#ececec"
VIRIDIS = ("#fde725", "#7ad151", "#22a884", "#2a788e", "#414487", "#440154")
NICE = (1, 2, 3, 5, 10, 20, 30, 50, 100, 200, 300, 500, 1000, 2000, 3000, 5000, 10000)
# The hexagon's outline relative to its centre, as an SVG path fragment (each hex is "M x,y" + this).
OUTLINE = (
    "".join(
        f"{'m' if i == 0 else 'l'}{dx:.2f},{dy:.2f}"
        for i, (dx, dy) in enumerate(
            [(0, -SIZE)]
            + [
                (
                    SIZE * (math.cos(math.radians(a2)) - math.cos(math.radians(a1))),
                    SIZE * (math.sin(math.radians(a2)) - math.sin(math.radians(a1))),
                )
                for a1, a2 in zip(range(-90, 210, 60), range(-30, 270, 60))
            ]
        )
    )
    + "z"
)


@dataclass(frozen=True)
class Cell:
    area_id: int
    gss: str
    name: str
    region: str
    x: float
    y: float


@dataclass(frozen=True)
class Layout:
    cells: tuple[Cell, ...]
    width: float
    height: float


@dataclass(frozen=True)
class Band:
    low: int
    high: int | None
    colour: str

    @property
    def label(self) -> str:
        if self.high is None:
            return f"{self.low:,}+"
        return f"{self.low:,}" if self.high == self.low else f"{self.low:,}–{self.high:,}"


@dataclass(frozen=True)
class Hex:
    cell: Cell
    count: int
    colour: str
    title: str
    marker: str | None = None  # a shape drawn on the hex: "won", "second" or "here"


@dataclass
class HexMap:
    hexes: list[Hex]
    width: float
    height: float
    bands: list[Band]
    label: str
    markers: dict[str, str] = field(default_factory=dict)  # marker -> what it means, for the legend
    marker_heading: str = "Marked"  # the table alternative's column for markers
    outline: str = OUTLINE

    @property
    def covered(self) -> int:
        return sum(1 for hex_ in self.hexes if hex_.count)


_layouts: dict[str, Layout] = {}


def layout() -> Layout:
    """Where each constituency's hex goes (read once per database: it is reference data)."""
    key = str(db.engine.url)
    if key not in _layouts:
        areas = list(
            db.session.execute(
                select(Area.id, Area.gss, Area.name, Area.region, Area.hex_q, Area.hex_r)
                .where(Area.hex_q.is_not(None), Area.hex_r.is_not(None))
                .order_by(Area.name)
            )
        )
        if not areas:
            return Layout((), 0.0, 0.0)
        q_min = min(row.hex_q for row in areas)
        r_max = max(row.hex_r for row in areas)
        cells = tuple(
            Cell(
                row.id,
                row.gss,
                row.name,
                row.region,
                round(PAD + WIDTH / 2 + (row.hex_q - q_min + (0.5 if row.hex_r % 2 else 0)) * WIDTH, 1),
                round(PAD + SIZE + (r_max - row.hex_r) * 1.5 * SIZE, 1),
            )
            for row in areas
        )
        _layouts[key] = Layout(
            cells,
            round(max(c.x for c in cells) + WIDTH / 2 + PAD, 1),
            round(max(c.y for c in cells) + SIZE + PAD, 1),
        )
    return _layouts[key]


def scale(largest: int, classes: int = len(VIRIDIS)) -> list[Band]:
    """Classes from 1 to the largest count with nice lower bounds, at most `classes` of them."""
    if largest <= 0:
        return []
    bounds = [bound for bound in NICE if bound <= largest]
    if len(bounds) > classes:
        step = (len(bounds) - 1) / (classes - 1)
        bounds = sorted({bounds[round(i * step)] for i in range(classes)})
    last, steps = len(VIRIDIS) - 1, max(1, len(bounds) - 1)  # the most is always the darkest
    colours = [VIRIDIS[last - round((len(bounds) - 1 - i) * last / steps)] for i in range(len(bounds))]
    bands = [
        Band(low, bounds[i + 1] - 1 if i + 1 < len(bounds) else None, colours[i])
        for i, low in enumerate(bounds)
    ]
    if bands[-1].low == largest:
        bands[-1] = Band(largest, largest, bands[-1].colour)
    return bands


def colour(count: int, bands: list[Band]) -> str:
    for band in reversed(bands):
        if count >= band.low:
            return band.colour
    return EMPTY


def build(
    counts: Mapping[int, int],
    title: Callable[[Cell, int], str],
    label: str,
    markers: Mapping[int, str] | None = None,
    legend: Mapping[str, str] | None = None,
    marker_heading: str = "Marked",
) -> HexMap:
    """A map coloured by a count per area id, each hex with its title (read by screen readers)."""
    grid = layout()
    bands = scale(max(counts.values(), default=0))
    hexes = [
        Hex(
            cell,
            counts.get(cell.area_id, 0),
            colour(counts.get(cell.area_id, 0), bands),
            title(cell, counts.get(cell.area_id, 0)),
            (markers or {}).get(cell.area_id),
        )
        for cell in grid.cells
    ]
    return HexMap(hexes, grid.width, grid.height, bands, label, dict(legend or {}), marker_heading)


def plural(count: int, word: str) -> str:
    return f"{count:,} {word}{'' if count == 1 else 's'}"
