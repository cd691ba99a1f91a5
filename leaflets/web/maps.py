"""The coverage map page: leaflets per constituency on the hex map, filtered by party and election, or one
party's leaflets against where it won and came second in 2024."""

from __future__ import annotations

import functools
from urllib.parse import quote

from flask import Blueprint, render_template, request
from markupsafe import Markup, escape

from leaflets.services import coverage
from leaflets.services.compare.service import choices
from leaflets.services.errors import ValidationFailed
from leaflets.services.hexmap import Hex, HexMap

bp = Blueprint("maps", __name__)
# The shapes drawn on a hex, centred on (x, y); a legend draws the same (templates/map/_hexmap.html).
MARKERS = {
    "won": '<circle class="marker" cx="{x}" cy="{y}" r="3.6"/>',
    "second": '<rect class="marker" x="{x0:.1f}" y="{y0:.1f}" width="6" height="6"/>',
    "here": '<path class="marker marker-here" d="M{x},{y5:.1f}l4.5,8.5h-9z"/>',
}


@bp.get("/map")
def page() -> tuple[str, int]:
    form = {name: request.args.get(name, "").strip() for name in ("party", "election", "view")}
    error, view = None, None
    try:
        view = coverage.map_page(coverage.parse_filters(request.args))
    except ValidationFailed as failure:
        error = failure
        view = coverage.map_page(coverage.Filters())
    return render_template(
        "map/page.html", form=form, choices=choices(areas=False), view=view, error=error
    ), 422 if error else 200


def _hex_link(hex_: Hex, shape: str) -> str:
    cell = hex_.cell
    classes = "hex" + (" hex-some" if hex_.count else "") + (f" hex-{hex_.marker}" if hex_.marker else "")
    marker = MARKERS.get(hex_.marker or "", "").format(
        x=cell.x, y=cell.y, x0=cell.x - 3, y0=cell.y - 3, y5=cell.y - 5
    )
    return (
        f'<a href="/areas/{escape(cell.gss)}" class="{classes}"><title>{escape(hex_.title)}</title>'
        f'<use href="#{shape}" x="{cell.x}" y="{cell.y}" fill="{hex_.colour}"/>{marker}</a>'
    )


@functools.lru_cache(maxsize=32)
def _hex_links(hexes: tuple[Hex, ...], shape: str) -> Markup:
    return Markup("\n".join(_hex_link(hex_, escape(shape)) for hex_ in hexes))


def hex_links(hexmap: HexMap, shape: str) -> Markup:
    """The 650 hex links of a map as SVG (titles escaped): built here, not in Jinja, as it is 650 of them, and
    kept for maps drawn again with the same hexes (scale: /stats and /areas draw the same map for every reader
    until a count changes; a hex is its count, colour and title, so a changed count is a different key)."""
    return _hex_links(tuple(hexmap.hexes), shape)


TABLE_MARKERS = {"won": "won", "second": "came second", "here": "here"}


def _hex_row(hex_: Hex, markers: bool) -> str:
    cell = hex_.cell
    marker = f"<td>{TABLE_MARKERS.get(hex_.marker or '', '')}</td>" if markers else ""
    return (
        f'<tr><th scope="row"><a href="/areas/{quote(cell.gss)}">{escape(cell.name)}</a></th>'
        f'<td class="wide-only">{escape(cell.region)}</td><td>{hex_.count}</td>{marker}</tr>'
    )


@functools.lru_cache(maxsize=32)
def _hex_rows(hexes: tuple[Hex, ...], markers: bool) -> Markup:
    return Markup("\n".join(_hex_row(hex_, markers) for hex_ in hexes))


def hex_rows(hexmap: HexMap) -> Markup:
    """The map's table alternative, a row per hex, built and kept as hex_links is."""
    return _hex_rows(tuple(hexmap.hexes), bool(hexmap.markers))
